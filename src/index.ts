// The action's main entry (dist/index.js): nothing but the call.
import { run } from "./action.ts";

await run();

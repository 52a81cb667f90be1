// The action's main entry (dist/index.js): nothing but the call.
import { run } from "./main.ts";

await run();

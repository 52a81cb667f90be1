// The action's main entry (dist/index.js): nothing but the call, with this process's environment.
import { run } from "./main.ts";

await run(process.env, process.cwd());

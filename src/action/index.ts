// The action's main entry (dist/index.js): nothing but the call, with this process's environment.
import { listenForTheProcessLife } from "../common/lasting-signal-listener.ts";
import { run } from "./main.ts";

const signals = listenForTheProcessLife();
await run(process.env, process.cwd());
signals.verdict(Number(process.exitCode ?? 0));

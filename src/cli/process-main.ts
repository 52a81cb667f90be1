// The CLI in this process: its arguments, output streams, signals and exit status. Imported by bin.ts
// once V8's flags and the compile cache are set.
import * as nodeModule from "node:module";
import { listenForTheProcessLife } from "../common/lasting-signal-listener.ts";
import { main } from "./main.ts";

const signals = listenForTheProcessLife();
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  terminal: { isTTY: process.stderr.isTTY === true, write: (text) => process.stderr.write(text) },
  cwd: process.cwd(),
  env: process.env,
  onSignal: (handler) => {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
});
process.exitCode = code;
signals.verdict(code);
// Exit now instead of when the event loop drains: Node closes its signal handlers before that
// teardown, which takes tens of milliseconds, and a SIGTERM then would kill the process and lose the
// verdict's exit status. Everything the command does is awaited by now; what was printed is flushed
// first (pipes are asynchronous on some systems), and so is the compile cache (written at a natural
// exit only).
await new Promise<void>((resolve) =>
  process.stdout.write("", () => process.stderr.write("", () => resolve())),
);
nodeModule.flushCompileCache?.();
process.exit(code);

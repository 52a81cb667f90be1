#!/usr/bin/env node
// The `chaos-action` executable: wires the CLI to this process and nothing more.
import * as nodeModule from "node:module";
import { listenForTheProcessLife } from "../common/lasting-signal-listener.ts";

const signals = listenForTheProcessLife();

// Start-up is most of a short run: let Node keep the bundle's compiled code between runs. The CLI is
// imported after this call, so its modules are compiled through the cache.
// Absent before Node 22.1: then start-up is only slower.
nodeModule.enableCompileCache?.();
const { main } = await import("./main.ts");
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

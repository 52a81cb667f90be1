#!/usr/bin/env node
// The `chaos-action` executable: wires the CLI to this process and nothing more.
import * as nodeModule from "node:module";

let verdictCode: number | undefined;

/**
 * Listens for as long as the process lives. With no listener a signal takes its default action, so a
 * signal in the instant between the run's own listener going and the next one coming would kill the
 * process after its verdict and lose its exit status. While a command listens, the command handles
 * the signal; after the verdict a signal only hurries the exit (should something still hold the
 * process); with neither, the signal does what it would have done without us.
 */
function lastListener(signal: NodeJS.Signals): void {
  if (verdictCode !== undefined) {
    const code = verdictCode;
    setTimeout(() => process.exit(code), 1000).unref();
  } else if (process.listenerCount(signal) === 1) {
    process.off("SIGINT", lastListener);
    process.off("SIGTERM", lastListener);
    process.kill(process.pid, signal);
  }
}
process.on("SIGINT", lastListener);
process.on("SIGTERM", lastListener);

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
verdictCode = code;

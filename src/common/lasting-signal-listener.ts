// A SIGINT/SIGTERM listener for a process's whole life, set up by the CLI's and the action's entries.
// With no listener a signal takes its default action and kills the process at once, so a signal in
// the instant between the run's listener going and the next one coming, or after the run's listener
// is gone, would end the process with its exit status lost. While the run listens, the run handles
// the signal; after the verdict a signal only hurries the exit (should something still hold the
// process); with neither, the signal does what it would have done without this listener.

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** How long a signal after the verdict leaves the process to finish on its own. */
const EXIT_AFTER_SIGNAL_MS = 1000;

export interface LastingSignalListener {
  /** The verdict is in: from now on a signal only hurries the exit, with this status. */
  verdict(exitCode: number): void;
}

export function listenForTheProcessLife(): LastingSignalListener {
  let exitCode: number | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (exitCode !== undefined) {
      const code = exitCode;
      setTimeout(() => process.exit(code), EXIT_AFTER_SIGNAL_MS).unref();
    } else if (process.listenerCount(signal) === 1) {
      for (const name of SIGNALS) process.off(name, listener);
      process.kill(process.pid, signal);
    }
  };
  for (const name of SIGNALS) process.on(name, listener);
  return {
    verdict(code) {
      exitCode = code;
    },
  };
}

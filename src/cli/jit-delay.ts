// V8's compilers beyond its interpreter (Sparkplug, Maglev, TurboFan) held off for the first second of
// a CLI process. A short command (`validate`, a local experiment) is over before compiled code repays
// its compilation, and the compilers' own code, memory and background threads are most of what such
// a run adds: a 20-activity local run peaks at 58.7 MiB without them against 68.8 MiB with them, in
// 0.95× the wall time. A longer run (load, many pods, a continuous hypothesis) has them from then on:
// V8 reads these flags at each tier-up, so code hot by then is compiled at its next check. Whoever
// starts Node with a tiering flag of their own (`--jitless`, `--no-turbofan`, …) keeps it untouched.

/** Long enough for a short command on a slow machine; short against anything that runs for real. */
export const JIT_DELAY_MS = 1000;

const COMPILERS = ["sparkplug", "maglev", "turbofan"] as const;

/** The V8 flags that choose the tiers themselves (`--opt` is TurboFan's old name). */
const TIERING_FLAG = /(?:^|\s)--(?:no-)?(?:maglev|turbofan|opt|jitless|lite-mode|sparkplug)(?=[\s=_-]|$)/;

/** Whether Node was started with a tiering flag, on its command line or in NODE_OPTIONS. */
export const tieringFlagGiven = (execArgv: readonly string[], nodeOptions = ""): boolean =>
  TIERING_FLAG.test([...execArgv, nodeOptions].join(" "));

/**
 * Where V8 has all three compilers (Maglev is built for x64 and arm64: elsewhere its flag is read-only
 * and V8 would complain on stderr at each change) and Node was given no tiering flag.
 */
export const jitDelayApplies = (arch: string, execArgv: readonly string[], nodeOptions?: string): boolean =>
  (arch === "x64" || arch === "arm64") && !tieringFlagGiven(execArgv, nodeOptions);

/**
 * Node's own modules come compiled ahead of time, and V8 takes that code only under the flags it was
 * made with: a module first loaded while the compilers are held off is compiled anew, which costs a
 * run 15 ms. What a command is sure to need is loaded before the delay. node:crypto is not among them:
 * only a run that reaches a cluster needs it (TLS), and loaded with these it adds 1.8 MiB to the peak.
 */
const BUILTINS_BEFORE_DELAY = new Map<string, readonly string[]>([
  ["run", ["node:child_process", "node:http", "node:fs/promises", "node:os"]],
  ["validate", ["node:os"]],
]);

/**
 * The Node modules to load before the delay for this command line (the arguments after the script).
 * Output on a pipe or a socket (a CI log) is written through a node:net stream: loaded first, a
 * `validate` takes 0.95× the wall time. Output in a file or on a terminal is left alone: a file needs
 * no node:net, and telling a terminal from /dev/null would itself load it.
 */
export const builtinsBeforeDelay = (args: readonly string[], outputOnPipe = false): readonly string[] => {
  const needed = BUILTINS_BEFORE_DELAY.get(args[0] ?? "") ?? [];
  return outputOnPipe ? [...needed, "node:net"] : needed;
};

export interface JitDelayDeps {
  /** node:v8's setFlagsFromString. */
  setFlags: (flags: string) => void;
  /** Calls `then` once after `ms`, without keeping the process alive. */
  after: (ms: number, then: () => void) => void;
}

/**
 * Turns the compilers off now and on again after `ms`. Call it before the compile cache is enabled:
 * V8's flags are part of its entries' key, so every run then caches under the same flags.
 */
export function delayJitCompilers(deps: JitDelayDeps, ms = JIT_DELAY_MS): void {
  for (const compiler of COMPILERS) deps.setFlags(`--no-${compiler}`);
  deps.after(ms, () => {
    for (const compiler of COMPILERS) deps.setFlags(`--${compiler}`);
  });
}

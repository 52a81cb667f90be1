// Measuring whole processes: wall time from spawn to exit (median of many runs; the machine is
// noisy) and peak resident memory as the kernel reports it (`/usr/bin/time -f %M`).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface ProcessFigures {
  /** Median wall time, spawn to exit. */
  wallMs: number;
  /** Median peak RSS in MiB; undefined where /usr/bin/time is absent. */
  peakMiB: number | undefined;
  /** With `beside`: the other command, run just before each timed run (the machine's pace drifts). */
  beside?: {
    /** Its median wall time. */
    wallMs: number;
    /** The median, pair by pair, of how much longer the measured command took. */
    overMs: number;
  };
}

const TIME = "/usr/bin/time";

/** Runs `command` to its exit, asynchronously so that servers in this process keep answering. */
function runOnce(command: readonly string[], env: NodeJS.ProcessEnv | undefined, expectCode: number) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "ignore", "pipe"], env });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === expectCode) resolve();
      else reject(new Error(`${command.join(" ")} exited ${code}, not ${expectCode}:\n${stderr}`));
    });
  });
}

/**
 * `runs` timed runs of `node ...args`, then three runs under /usr/bin/time for the peak RSS (kept apart,
 * so that its own start does not count in the wall time). `prepare` runs before each run, untimed.
 * With `beside` (e.g. `["-e", "0"]`), `node ...beside` runs just before each timed run, so that the
 * two compare pair by pair on a machine whose speed drifts within minutes.
 */
export async function measureNode(
  args: readonly string[],
  options: {
    runs: number;
    env?: NodeJS.ProcessEnv;
    expectCode?: number;
    prepare?: (run: number) => Promise<void> | void;
    beside?: readonly string[];
  },
): Promise<ProcessFigures> {
  const command = [process.execPath, ...args];
  const expectCode = options.expectCode ?? 0;
  await options.prepare?.(-1);
  await runOnce(command, options.env, expectCode); // warm-up: file cache, Node's compile cache
  const timed = async (argv: readonly string[], code: number) => {
    const started = performance.now();
    await runOnce(argv, options.env, code);
    return performance.now() - started;
  };
  const besideCommand = options.beside && [process.execPath, ...options.beside];
  const times: number[] = [];
  const besideTimes: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    if (besideCommand) besideTimes.push(await timed(besideCommand, 0));
    await options.prepare?.(run);
    times.push(await timed(command, expectCode));
  }
  const beside = besideCommand && {
    wallMs: median(besideTimes),
    overMs: median(times.map((time, run) => time - besideTimes[run]!)),
  };
  if (!existsSync(TIME)) return { wallMs: median(times), peakMiB: undefined, beside };
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-bench-rss-"));
  try {
    const peaks: number[] = [];
    for (let run = 0; run < 3; run++) {
      await options.prepare?.(options.runs + run);
      const out = path.join(dir, `rss-${run}`);
      await runOnce([TIME, "-f", "%M", "-o", out, ...command], options.env, expectCode);
      peaks.push(Number(readFileSync(out, "utf8").trim().split("\n").at(-1)) / 1024);
    }
    return { wallMs: median(times), peakMiB: median(peaks), beside };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

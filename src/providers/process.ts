// The `process` provider (chaoslib provider/process.py): runs a program, output
// `{status, stdout, stderr}`. A non-zero exit is not a failure of the activity (tolerances judge a
// probe's; the engine fails the experiment for a method action's, see exitFailure); not finding the
// program, a timeout or an interruption is.
import { spawn } from "node:child_process";
import { constants as osConstants } from "node:os";
import type { ProcessProvider } from "../experiment/format.ts";
import { pythonStr } from "../python/str.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { resolveExecutable } from "./executable.ts";

export interface ProcessOutput {
  status: number;
  stdout: string;
  stderr: string;
}

/** The most of a process's stderr a reason quotes. */
const STDERR_EXCERPT = 300;

/**
 * A non-zero exit in words, with the start of its stderr on one line: `exited with status 1: kill:
 * (42) - No such process`. Undefined for a zero exit or an output that is not a process's.
 */
export function exitFailure(output: unknown): string | undefined {
  if (typeof output !== "object" || output === null) return undefined;
  const { status, stderr } = output as Partial<ProcessOutput>;
  if (typeof status !== "number" || status === 0) return undefined;
  const text = typeof stderr === "string" ? stderr.replace(/\s+/g, " ").trim() : "";
  const excerpt = text.length > STDERR_EXCERPT ? `${text.slice(0, STDERR_EXCERPT)}…` : text;
  return `exited with status ${status}${excerpt ? `: ${excerpt}` : " (nothing on stderr)"}`;
}

const kept = (value: unknown): boolean => value !== null && value !== undefined && value !== "";

/**
 * The argv of list or (deprecated) mapping arguments, a mapping read as its keys and values in
 * turn: Python `str()` of each item, `None` and "" dropped.
 */
export function processArgv(args: unknown[] | Record<string, unknown>): string[] {
  const items = Array.isArray(args) ? args : Object.entries(args).flat();
  return items.filter(kept).map((item) => pythonStr(item));
}

export async function runProcessProvider(
  provider: ProcessProvider,
  options: { signal: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<ProcessOutput> {
  const executable = resolveExecutable(provider.path);
  if (executable === undefined) {
    throw new ActivityFailed(`path '${provider.path}' cannot be found or is not executable (searched PATH)`);
  }
  const args = provider.arguments;
  const [command, argv] =
    typeof args === "string"
      ? ["/bin/sh", ["-c", `${executable} ${args}`]]
      : [executable, args === undefined || args === null ? [] : processArgv(args)];
  const { signal } = options;
  if (signal.aborted) throw signal.reason;

  return new Promise((resolve, reject) => {
    // Its own process group, so that a shell's children die with it on timeout or interruption.
    const child = spawn(command, argv, {
      env: { ...(options.env ?? process.env), ...provider.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let failure: unknown;
    const kill = (reason: unknown) => {
      failure ??= reason;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const onAbort = () => kill(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer =
      provider.timeout === undefined
        ? undefined
        : setTimeout(
            () =>
              kill(
                new ActivityFailed(
                  `process activity took too long to complete (timeout: ${provider.timeout}s)`,
                ),
              ),
            provider.timeout * 1000,
          );
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      done();
      reject(new ActivityFailed(`could not start '${executable}': ${error.message}`));
    });
    child.on("close", (code, killedBy) => {
      done();
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      const signalNumber = killedBy ? (osConstants.signals[killedBy] ?? 0) : 0;
      resolve({
        // Python's returncode: the exit code, or minus the signal number that ended the process.
        status: code ?? -signalNumber,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });
}

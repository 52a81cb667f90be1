// One activity: pause before, substitute, execute under its timeout, record, pause after
// (chaoslib activity.py `execute_activity`). Pauses are excluded from the recorded duration.

import { raceAbort } from "../common/abort.ts";
import { errorMessage } from "../common/error-message.ts";
import type { ActivityDefinition } from "../experiment/format.ts";
import { ActivityFailed } from "../providers/activity-failed.ts";
import type { Clock } from "../providers/native.ts";
import type { ProviderCall, ProviderExecutor } from "../providers/provider-call.ts";
import { isoTime } from "./clock.ts";
import { activityTarget, type RunEvent, type RunPhase } from "./events.ts";
import type { ActivityRun, TouchRecord } from "./journal.ts";
import { substituteProvider } from "./provider-substitution.ts";

/**
 * The reason the run was stopped: an interruption (signal), the run's timeout, or a safeguard; or why
 * only its method was cut short: a deviation seen during it under `--fail-fast`.
 */
export class RunStopped extends Error {
  override name = "RunStopped";
  readonly kind: "interrupted" | "timeout" | "safeguard" | "fail-fast";

  constructor(kind: "interrupted" | "timeout" | "safeguard" | "fail-fast", message: string) {
    super(message);
    this.kind = kind;
  }
}

class ActivityTimedOut extends Error {
  override name = "ActivityTimedOut";
}

export interface ActivityEnvironment {
  execute: ProviderExecutor;
  substitute: (value: unknown) => unknown;
  clock: Clock;
  /** The run's signal: aborted with a RunStopped. */
  signal: AbortSignal;
  /** Applies to every activity (an activity's own `timeout` is ignored, as by Chaos Toolkit). */
  defaultTimeoutSeconds: number | undefined;
  call: Omit<ProviderCall, "activity" | "signal">;
  emit: (event: RunEvent) => void;
  /**
   * Executions still running, also those the run stopped waiting for (interrupted, timed out): the run
   * awaits them, bounded, before its undo, so an undo they register late is replayed too.
   */
  inFlight?: Set<Promise<unknown>>;
}

export interface ActivityResult {
  run: ActivityRun;
  /** The run was stopped (interrupted or timed out) while this activity ran. */
  stopped: boolean;
  /** One line, when the activity failed. */
  error?: string;
}

function pauseSeconds(value: unknown, which: string, name: string): number {
  if (value === undefined) return 0;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    throw new ActivityFailed(
      `the ${which} pause of '${name}' must be a number of seconds, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Both pauses, substituted and checked before the activity starts. */
function pausesOf(activity: ActivityDefinition, env: ActivityEnvironment): { before: number; after: number } {
  const { before, after } = activity.pauses ?? {};
  return {
    before: pauseSeconds(env.substitute(before), "before", activity.name),
    after: pauseSeconds(env.substitute(after), "after", activity.name),
  };
}

/** Sleeps for a pause; false when the run was stopped meanwhile. */
async function pause(
  seconds: number,
  env: ActivityEnvironment,
  announce: { phase: RunPhase; name: string; when: "before" | "after" },
): Promise<boolean> {
  if (seconds === 0) return !env.signal.aborted;
  env.emit({ type: "pause", ...announce, seconds });
  try {
    await env.clock.sleep(seconds * 1000, env.signal);
    return true;
  } catch {
    return false;
  }
}

/** For the progress line: the arguments as they will run; none when substitution fails (execute says why). */
function substitutedArguments(
  activity: ActivityDefinition,
  env: ActivityEnvironment,
): { arguments?: unknown } {
  if (activity.provider.arguments === undefined) return {};
  try {
    return { arguments: substituteProvider(activity.provider, env.substitute).arguments };
  } catch {
    return {};
  }
}

async function execute(
  activity: ActivityDefinition,
  env: ActivityEnvironment,
  touched: TouchRecord[],
): Promise<unknown> {
  // Chaos Toolkit validates an activity's own `timeout` but never applies it; so do we.
  const timeoutSeconds = env.defaultTimeoutSeconds;
  // Only an activity with a timeout gets signals of its own: a composite signal, and the
  // DOMException that cancelling its timer makes, cost each activity more than its engine does.
  let signal = env.signal;
  let timer: AbortController | undefined;
  if (timeoutSeconds !== undefined) {
    const timeout = new AbortController();
    timer = new AbortController();
    env.clock.sleep(timeoutSeconds * 1000, timer.signal).then(
      () =>
        timeout.abort(
          new ActivityTimedOut(
            `activity '${activity.name}' took too long to complete (timeout: ${timeoutSeconds}s)`,
          ),
        ),
      () => {},
    );
    signal = AbortSignal.any([env.signal, timeout.signal]);
  }
  try {
    const provider = substituteProvider(activity.provider, env.substitute);
    const running = Promise.resolve().then(() =>
      env.execute(provider, {
        ...env.call,
        // What the activity reports it changed goes into its own journal entry.
        services: { ...env.call.services, record: (record: TouchRecord) => touched.push(record) },
        activity: activity.name,
        signal,
      }),
    );
    running.catch(() => {}); // it may lose the race below; its late failure is of no interest
    const tracked = running.finally(() => env.inFlight?.delete(tracked)).catch(() => {});
    env.inFlight?.add(tracked);
    return await raceAbort(running, signal);
  } finally {
    timer?.abort();
  }
}

/**
 * Runs one activity. `evaluate` runs after the record is complete and before the `after` pause
 * (hypothesis probes check their tolerance there). Returns undefined when the run was stopped
 * before the activity started.
 */
export async function runActivity(
  activity: ActivityDefinition,
  env: ActivityEnvironment,
  phase: RunPhase,
  options: { background?: boolean; evaluate?: (result: ActivityResult) => Promise<void> } = {},
): Promise<ActivityResult | undefined> {
  const base = {
    phase,
    name: activity.name,
    kind: activity.type,
    target: activityTarget(activity),
    background: options.background ?? false,
  };
  let pauses: { before: number; after: number };
  try {
    pauses = pausesOf(activity, env);
  } catch (error) {
    // The activity cannot start: record it as failed, without running it (nor a "started" event).
    const now = isoTime(env.clock.now());
    const message = errorMessage(error);
    env.emit({ type: "activity-finished", ...base, verdict: "failed", durationSeconds: 0, error: message });
    const run: ActivityRun = { activity, output: null, start: now, end: now, duration: 0, status: "failed" };
    run.exception = [message];
    return { run, stopped: false, error: message };
  }
  if (
    !(await pause(pauses.before, env, { phase, name: activity.name, when: "before" })) ||
    env.signal.aborted
  ) {
    return undefined;
  }

  env.emit({ type: "activity-started", ...base, ...substitutedArguments(activity, env) });
  const start = env.clock.now();
  let output: unknown = null;
  let failure: unknown;
  const touched: TouchRecord[] = [];
  try {
    output = await execute(activity, env, touched);
  } catch (error) {
    failure = error;
  }
  const end = env.clock.now();
  const run: ActivityRun = {
    activity,
    output,
    start: isoTime(start),
    end: isoTime(end),
    duration: (end - start) / 1000,
    ...(touched.length > 0 ? { touched } : {}),
  };
  const stop = env.signal.aborted ? (env.signal.reason as RunStopped) : undefined;
  const result: ActivityResult = { run, stopped: stop !== undefined };
  if (stop?.kind === "interrupted" || stop?.kind === "safeguard" || stop?.kind === "fail-fast") {
    // As Chaos Toolkit: an interrupted activity has no status.
    run.output = null;
  } else if (failure !== undefined) {
    result.error = errorMessage(failure);
    run.status = "failed";
    run.exception = [result.error];
    if (failure instanceof ActivityFailed) run.output = failure.output;
  } else {
    run.status = "succeeded";
  }
  if (options.evaluate && !result.stopped) await options.evaluate(result);
  env.emit({
    type: "activity-finished",
    ...base,
    verdict: run.status ?? "interrupted",
    ...(run.tolerance_met === undefined ? {} : { toleranceMet: run.tolerance_met }),
    durationSeconds: run.duration,
    ...(run.exception === undefined ? {} : { error: run.exception[0] }),
  });
  if (!result.stopped) await pause(pauses.after, env, { phase, name: activity.name, when: "after" });
  return result;
}

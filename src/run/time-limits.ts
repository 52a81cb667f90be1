// The time limits of a run, in one order (README → "Time limits"): each activity's limit falls
// inside the method; the method stops early enough to leave a reserve; in the reserve, actions still
// in flight are awaited, rollbacks run and failing undo steps are retried; the reserve's last share is
// for publishing the report. Pure: the pipeline applies it, the engine keeps each deadline.
import { DEFAULT_UNDO_SECONDS } from "../engine/undo.ts";

/** The share of a hard limit kept for rollbacks, undo and the report: a fifth, 1 to 10 minutes, at most half. */
export function reserveSeconds(hardLimitSeconds: number): number {
  return Math.min(hardLimitSeconds / 2, Math.min(600, Math.max(60, hardLimitSeconds / 5)));
}

/** The end of the reserve kept for publishing the report: 30 s, at most a quarter of the reserve. */
export function publishSeconds(reserve: number): number {
  return Math.min(30, reserve / 4);
}

export interface ExperimentLimits {
  /** When the method stops (the engine's run timeout); absent: no limit. */
  timeoutSeconds?: number;
  /** Said after the timeout's message. */
  timeoutDetail?: string;
  /** From the end of the method: rollbacks and undo retries. */
  undoTimeoutSeconds: number;
}

/**
 * The limits of the next experiment. `stepLimit` is the hard limit of the whole step (the action's
 * `timeout-minutes`) and `elapsedSeconds` how much of it is gone; `timeoutSeconds` and
 * `undoTimeoutSeconds` are the per-experiment options. Undefined when no time is left for a method.
 */
export function experimentLimits(options: {
  timeoutSeconds?: number;
  undoTimeoutSeconds?: number;
  stepLimitSeconds?: number;
  elapsedSeconds?: number;
}): ExperimentLimits | undefined {
  if (options.stepLimitSeconds === undefined) {
    return {
      timeoutSeconds: options.timeoutSeconds,
      undoTimeoutSeconds: options.undoTimeoutSeconds ?? DEFAULT_UNDO_SECONDS,
    };
  }
  const hard = options.stepLimitSeconds;
  const reserve = reserveSeconds(hard);
  const left = hard - reserve - (options.elapsedSeconds ?? 0);
  if (left <= 0) return undefined;
  const stepBound = options.timeoutSeconds === undefined || left < options.timeoutSeconds;
  const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
  return {
    timeoutSeconds: round(stepBound ? left : (options.timeoutSeconds as number)),
    ...(stepBound
      ? {
          timeoutDetail: `(the step's limit of ${formatSeconds(hard)} keeps ${formatSeconds(reserve)} for rollbacks, undo and the report)`,
        }
      : {}),
    undoTimeoutSeconds: round(
      Math.min(options.undoTimeoutSeconds ?? Number.POSITIVE_INFINITY, reserve - publishSeconds(reserve)),
    ),
  };
}

function formatSeconds(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${Math.round(seconds * 10) / 10}s`;
}

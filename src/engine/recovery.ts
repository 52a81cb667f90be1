// Recovery: after the rollbacks and our undo, the steady-state hypothesis is checked again until it
// holds on two checks in a row, within the recovery timeout, so that the next experiment starts on a
// system that is back to its steady state (DESIGN.md → Runs of several experiments). Whether to check
// is a pure decision; the checks run on the engine's injectable clock.
import type { HypothesisStrategy, RollbackStrategy } from "../experiment/format.ts";
import { type ActivityEnvironment, RunStopped } from "./activity.ts";
import { isoTime } from "./clock.ts";
import { runHypothesis } from "./hypothesis.ts";
import type { JournalStatus, Recovery, RecoveryCheck } from "./journal.ts";
import type { ResolvedProbe } from "./refs.ts";

export const DEFAULT_RECOVERY_SECONDS = 120;

/** Between two checks; shorter (a quarter of the timeout) when the timeout is short. */
export const RECOVERY_INTERVAL_SECONDS = 1;

/** One met check could be a blip (a pod Ready for a moment between two restarts). */
const MET_IN_A_ROW = 2;

export interface RecoveryDecisionInput {
  timeoutSeconds: number;
  hasHypothesis: boolean;
  hypothesisStrategy: HypothesisStrategy;
  rollbackStrategy: RollbackStrategy;
  status: JournalStatus;
  deviated: boolean;
  /** Whether a method action started: without one there is nothing to recover from. */
  faultInjected: boolean;
}

/**
 * Why recovery is not checked, or undefined when it is. The report says "recovery not checked: " and
 * this reason.
 */
export function recoverySkipReason(run: RecoveryDecisionInput): string | undefined {
  if (run.timeoutSeconds <= 0) return "the recovery timeout is 0";
  if (!run.hasHypothesis) return "the experiment has no steady-state hypothesis";
  if (run.hypothesisStrategy === "skip") return "the hypothesis strategy is skip";
  if (run.status === "interrupted") return "the run was interrupted";
  if (!run.faultInjected) return "no fault was injected";
  if (run.rollbackStrategy === "never") return "the rollback strategy 'never' leaves the fault in place";
  if (run.rollbackStrategy === "deviated" && !run.deviated) {
    return "the rollback strategy 'deviated' leaves the fault in place when the hypothesis held";
  }
  return undefined;
}

export interface RecoveryOptions {
  timeoutSeconds: number;
  /** Default RECOVERY_INTERVAL_SECONDS, at most a quarter of the timeout. */
  intervalSeconds?: number;
  /** A hard end on the run's clock (the step's limit, less the time to publish the report). */
  endsBy?: number;
}

export interface RecoveryResult {
  recovery: Recovery;
  /** The probe that missed the last check, when not recovered. */
  missedProbe?: string;
  /** Set when the run was interrupted during the checks. */
  interrupted?: RunStopped;
}

/**
 * Checks the hypothesis from now (the end of our undo) until it is met twice in a row, or until the
 * timeout, which also cuts a probe still running. `env.signal` is the run's interruption. Each check
 * is journaled with its probes; none of them touches the experiment's `steady_states`.
 */
export async function checkRecovery(
  probes: readonly ResolvedProbe[],
  env: ActivityEnvironment,
  options: RecoveryOptions,
): Promise<RecoveryResult> {
  const { clock } = env;
  const start = clock.now();
  const timeoutMs = options.timeoutSeconds * 1000;
  const deadline = Math.min(start + timeoutMs, options.endsBy ?? Number.POSITIVE_INFINITY);
  const intervalMs = Math.min((options.intervalSeconds ?? RECOVERY_INTERVAL_SECONDS) * 1000, timeoutMs / 4);
  if (deadline <= start) {
    return { recovery: { checked: false, reason: "no time was left before the step's limit", checks: [] } };
  }
  const timeout = Math.round(deadline - start) / 1000;
  const within = `did not recover within ${formatSeconds(timeout)}`;
  const timer = new AbortController();
  const expired = new AbortController();
  clock.sleep(deadline - start, timer.signal).then(
    () => expired.abort(new RunStopped("timeout", within)),
    () => {},
  );
  const signal = AbortSignal.any([env.signal, expired.signal]);
  const checkEnv: ActivityEnvironment = { ...env, signal };
  const checks: RecoveryCheck[] = [];
  /** The end of the first of the met checks in a row. */
  let heldSince: number | undefined;
  let metInARow = 0;
  let missedProbe: string | undefined;
  try {
    while (!signal.aborted) {
      const at = clock.now();
      const outcome = await runHypothesis(probes, checkEnv, "recovery");
      const end = clock.now();
      checks.push({ ...outcome.state, start: isoTime(at), end: isoTime(end) });
      if (!outcome.stopped && outcome.state.steady_state_met === true) {
        heldSince ??= end;
        metInARow += 1;
        if (metInARow >= MET_IN_A_ROW) {
          const seconds = (heldSince - start) / 1000;
          return { recovery: { checked: true, recovered: true, seconds, timeout, checks } };
        }
      } else {
        heldSince = undefined;
        metInARow = 0;
        missedProbe = outcome.missedProbe ?? missedProbe;
      }
      try {
        await clock.sleep(intervalMs, signal);
      } catch {
        break;
      }
    }
  } finally {
    timer.abort();
  }
  if (env.signal.aborted) {
    return {
      recovery: { checked: false, timeout, reason: "the run was interrupted during the check", checks },
      interrupted: env.signal.reason as RunStopped,
    };
  }
  return {
    recovery: { checked: true, recovered: false, timeout, reason: within, checks },
    ...(missedProbe === undefined ? {} : { missedProbe }),
  };
}

const formatSeconds = (seconds: number): string => `${Math.round(seconds * 10) / 10} s`;

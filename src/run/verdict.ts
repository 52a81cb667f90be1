// How the verdicts of several experiments combine into the run's, and what the run's means as an exit code.
import type { Verdict } from "../engine/verdict.ts";
import { ConnectionError } from "../kubernetes/cluster-errors.ts";

export type { Verdict } from "../engine/verdict.ts";

const severity: Record<Verdict, number> = { skipped: 0, passed: 1, deviated: 2, failed: 3, invalid: 4 };

/** The worst verdict wins; zero experiments is `invalid`, never a pass. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return "invalid";
  return verdicts.reduce((worst, verdict) => (severity[verdict] > severity[worst] ? verdict : worst));
}

/** CLI exit status: 0 held (or dry run), 1 deviated/failed/interrupted, 2 bad input before anything ran. */
export function exitCodeOf(verdict: Verdict): 0 | 1 | 2 {
  if (verdict === "invalid") return 2;
  return verdict === "passed" || verdict === "skipped" ? 0 : 1;
}

/** Errors that mean the run's input is wrong (exit 2), not that the cluster or the experiment failed. */
export function isInputError(error: unknown): boolean {
  return error instanceof ConnectionError;
}

/** The exit status of a command that stopped with an error before producing a verdict. */
export function exitCodeOfError(error: unknown): 1 | 2 {
  return isInputError(error) ? 2 : 1;
}

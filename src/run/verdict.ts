// How the verdicts of several experiments combine into the run's, and what the run's means as an exit code.
import type { Verdict } from "../engine/verdict.ts";

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

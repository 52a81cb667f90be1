// Which hypothesis phases a strategy runs, and whether the user's rollbacks run (CHAOS-TOOLKIT.md
// §1.9, with our decided differences).
import type { HypothesisStrategy, RollbackStrategy } from "../experiment/format.ts";
import type { JournalStatus } from "./journal.ts";

export interface HypothesisPhases {
  before: boolean;
  during: boolean;
  after: boolean;
}

const PHASES: Record<HypothesisStrategy, HypothesisPhases> = {
  default: { before: true, during: false, after: true },
  "before-method-only": { before: true, during: false, after: false },
  "after-method-only": { before: false, during: false, after: true },
  "during-method-only": { before: false, during: true, after: false },
  continuously: { before: true, during: true, after: true },
  continously: { before: true, during: true, after: true },
  skip: { before: false, during: false, after: false },
};

export const hypothesisPhases = (strategy: HypothesisStrategy): HypothesisPhases => PHASES[strategy];

/** Why a run ended up `failed`: it decides whether `default` rollbacks run. */
export type FailureCause = "refused" | "before-hypothesis" | "action" | "probe" | "timeout" | "undo";

export interface RollbackDecisionInput {
  status: JournalStatus;
  deviated: boolean;
  cause: FailureCause | undefined;
}

/**
 * `default` runs the rollbacks unless the run failed or was interrupted (Chaos Toolkit), except
 * that a failed method action may have half-injected its fault, so its rollbacks do run; and a
 * steady state missed before the method injected nothing, so there is nothing to roll back.
 */
export function shouldRunRollbacks(strategy: RollbackStrategy, outcome: RollbackDecisionInput): boolean {
  switch (strategy) {
    case "always":
      return true;
    case "never":
      return false;
    case "deviated":
      return outcome.deviated;
    case "default":
      if (outcome.status === "interrupted") return false;
      if (outcome.status === "failed") return outcome.cause === "action";
      return true;
    default:
      // An unknown strategy from the experiment's `runtime` block: Chaos Toolkit plays none.
      return false;
  }
}

// What a run returns: one outcome per experiment and the combined verdict. Data only; the CLI and
// the action decide how to print it and which exit code it means.
import type { Journal } from "../engine/journal.ts";
import { formatIssue, type Issue } from "../experiment/errors.ts";
import type { TargetObject } from "../kubernetes/targets.ts";
import type { Verdict } from "./verdict.ts";

export interface ExperimentOutcome {
  /** Relative to cwd. */
  file: string;
  title?: string;
  verdict: Verdict;
  /** "held" | "deviated: <probe>" | "failed: <reason>" | "invalid: <first error>" | "skipped: dry run". */
  reason: string;
  journal?: Journal;
  journalPath?: string;
  issues: Issue[];
  /** A dry run's plan (verdict `skipped`, or `failed` when the real run would be refused). */
  plan?: DryRunPlan;
}

/**
 * What a dry run found, as data for the report: each activity with what it would touch, and what
 * would stop the real run. Nothing in it was changed in the cluster.
 */
export interface DryRunPlan {
  hypothesis: PlannedActivity[];
  method: PlannedActivity[];
  rollbacks: PlannedActivity[];
  /** The RBAC the run lacks, with the rules that grant it (formatted, several lines). */
  missingPermissions?: string;
  /** The blast-radius guard's refusal (formatted, several lines). */
  guardRefusal?: string;
  /** The Leases (namespace/name) a real run would hold; a dry run takes none. */
  leases: string[];
  /** Why the real run would be refused or inject nothing, one entry each; empty: it would start. */
  refusals: string[];
}

export interface PlannedActivity {
  name: string;
  type: "probe" | "action";
  /** `module.func`, a process's path, `GET url` (secrets redacted). */
  target: string;
  background: boolean;
  /** Kubernetes method actions: what it would touch, resolved without changing anything. */
  targets?: {
    namespaces: string[];
    /** For random picks, every object it could hit (the first LISTED_TARGETS of them, see `total`). */
    objects: TargetObject[];
    /** How many objects `objects` stands for, when it lists only the first of them. */
    total?: number;
    /** How many objects its selector matched. */
    candidates: number;
    /** Objects it names that do not exist. */
    missing: TargetObject[];
  };
  /** Its targets could not be resolved: why (the real run would be refused). */
  unresolved?: string;
  /**
   * A fault that would reach no object: why. `refused`: the real run would fail; `allowed`: by
   * --allow-no-target or the activity's allow_no_target; `uncertain`: an earlier action of the method
   * may create what it looks for.
   */
  noTarget?: { reason: string; verdict: "refused" | "allowed" | "uncertain" };
}

export interface RunResult {
  verdict: Verdict;
  outcomes: ExperimentOutcome[];
  /** Present when undo steps are left pending: the file to replay and what each step would undo. */
  undo?: { file: string; pending: string[] };
}

/** An experiment that cannot run, with the first error as its reason. */
export function invalidOutcome(
  file: string,
  issues: readonly Issue[],
  fallback = "the file could not be used",
): ExperimentOutcome {
  const first = issues.find((issue) => issue.severity === "error");
  return {
    file,
    verdict: "invalid",
    reason: `invalid: ${first ? formatIssue(first) : fallback}`,
    issues: [...issues],
  };
}

// What a run returns: one outcome per experiment and the combined verdict. Data only; the CLI and
// the action decide how to print it and which exit code it means.
import type { Journal } from "../engine/journal.ts";
import { formatIssue, type Issue } from "../experiment/errors.ts";
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

// Our verdict of a journal (DESIGN.md → Contracts → Verdicts): worst first, failed > deviated > passed.
import type { Journal, JournalVerdict } from "./journal.ts";

/** DESIGN.md → Contracts → Verdicts: an experiment's outcome, everywhere it is reported. */
export type Verdict = "passed" | "deviated" | "failed" | "invalid" | "skipped";

export function verdictOf(journal: Pick<Journal, "status" | "deviated">): JournalVerdict {
  if (journal.status !== "completed") return "failed";
  return journal.deviated ? "deviated" : "passed";
}

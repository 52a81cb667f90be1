// Our verdict of a journal (DESIGN.md → Contracts → Verdicts): worst first, failed > deviated > passed.
import type { Journal, JournalVerdict } from "./journal.ts";

export function verdictOf(journal: Pick<Journal, "status" | "deviated">): JournalVerdict {
  if (journal.status !== "completed") return "failed";
  return journal.deviated ? "deviated" : "passed";
}

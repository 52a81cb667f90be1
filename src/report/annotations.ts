// Workflow annotations: validation issues on the experiment file's line, and one annotation per
// experiment that did not hold, so the Files and Checks tabs show where to look.
import type { ReportInput } from "./markdown.ts";

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  title: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/** Annotations for a run, validation issues first. Pure: the entry point emits them. */
export function annotationsFor(result: ReportInput): Annotation[] {
  const annotations: Annotation[] = [];
  for (const outcome of result.outcomes) {
    for (const issue of outcome.issues) {
      annotations.push({
        level: issue.severity,
        title: issue.severity === "error" ? "Invalid chaos experiment" : "Chaos experiment warning",
        message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
        file: issue.file,
        startLine: issue.line,
        startColumn: issue.line !== undefined ? issue.column : undefined,
      });
    }
    if (outcome.verdict === "deviated" || (outcome.verdict === "failed" && outcome.issues.length === 0)) {
      annotations.push({
        level: "error",
        title: outcome.verdict === "deviated" ? "Chaos experiment deviated" : "Chaos experiment failed",
        message: `${outcome.title ?? outcome.journal?.experiment.title ?? outcome.file}: ${outcome.reason}`,
        file: outcome.file,
      });
    }
  }
  return annotations;
}

// What must hold for any experiment file, however broken: only our typed errors, every problem
// names the file, bounded output, and no line that a CI runner would take for a workflow command.
import { ExperimentLoadError, formatIssue, type Issue } from "../../src/experiment/errors.ts";
import { MAX_ISSUES } from "../../src/experiment/limits.ts";

/** Longest line a message may have: a path of 64 cut keys and a message quoting cut values. */
export const MAX_LINE = 8_000;

const workflowCommand = /^[\s\u0085]*(::|##\[)/;

/** The problems with one line of output, or none. */
export function lineProblems(line: string): string[] {
  const problems: string[] = [];
  if (line.length > MAX_LINE)
    problems.push(`a line of ${line.length} characters: ${JSON.stringify(line.slice(0, 300))}`);
  if (workflowCommand.test(line))
    problems.push(`a line starts a workflow command: ${JSON.stringify(line.slice(0, 80))}`);
  if (/^\s+at .+:\d+:\d+\)?$/.test(line)) problems.push(`a stack trace: ${line}`);
  if (/Maximum call stack|an internal error, please report it/.test(line))
    problems.push(`an internal error: ${line.slice(0, 300)}`);
  return problems;
}

/** The problems with the issues validation returned for `file`. */
export function issueProblems(issues: readonly Issue[], file: string): string[] {
  const problems: string[] = [];
  if (issues.length > MAX_ISSUES + 1) problems.push(`${issues.length} issues`);
  for (const issue of issues) {
    if (issue.file !== file) problems.push(`an issue names ${issue.file}, not ${file}`);
    const line = formatIssue(issue);
    if (/[\r\n\u2028\u2029\u0085]/.test(line))
      problems.push(`an issue spans lines: ${JSON.stringify(line.slice(0, 80))}`);
    problems.push(...lineProblems(line));
  }
  return problems;
}

/** The problems with an error thrown while loading `file`. */
export function thrownProblems(error: unknown, file: string): string[] {
  if (!(error instanceof ExperimentLoadError)) {
    return [`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
  const problems: string[] = [];
  if (error.file !== file || !error.message.startsWith(file))
    problems.push(`a load error that does not name ${file}`);
  if (/[\r\n]/.test(error.message))
    problems.push(`a load error that spans lines: ${JSON.stringify(error.message.slice(0, 80))}`);
  problems.push(...lineProblems(error.message));
  return problems;
}

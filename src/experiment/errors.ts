// What can go wrong with an experiment file before it runs, as typed errors whose messages are
// written for the person who wrote the file.
import { type DocPath, formatPath } from "./path.ts";
import { escapeControl, quote, shorten } from "./quote.ts";

/** Longest message kept: values are quoted short where they are written; this bounds the rest. */
const MAX_MESSAGE = 2000;
const bounded = (text: string): string => escapeControl(shorten(text, MAX_MESSAGE));

export type Severity = "error" | "warning";

/** One problem found in an experiment file. `line`/`column` are 1-based. */
export interface Issue {
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** Where inside the experiment, formatted: `method[2].provider.arguments.url` ("" for the whole file). */
  path: string;
  message: string;
}

export interface Position {
  line: number;
  column: number;
}

export function makeIssue(
  severity: Severity,
  file: string,
  position: Position,
  path: DocPath,
  message: string,
): Issue {
  return {
    severity,
    file,
    line: position.line,
    column: position.column,
    path: bounded(formatPath(path)),
    message: bounded(message),
  };
}

/** A key repeated within one mapping: loading keeps its last value, as Chaos Toolkit's does. */
export function duplicateKeyWarning(file: string, position: Position, path: DocPath, key: string): Issue {
  return makeIssue("warning", file, position, path, `duplicate key ${quote(key)}: the last one wins`);
}

/** `experiments/x.yaml:12:5 method[2].provider.arguments.url: <message>`; warnings read `...url: warning: <message>`. */
export function formatIssue(issue: Issue): string {
  const where = issue.path === "" ? "" : ` ${issue.path}`;
  const level = issue.severity === "warning" ? " warning:" : "";
  return `${issue.file}:${issue.line}:${issue.column}${where}:${level} ${issue.message}`;
}

/** The file cannot be read or parsed (or its type is not supported). */
export class ExperimentLoadError extends Error {
  override name = "ExperimentLoadError";
  readonly file: string;
  readonly position: Position | undefined;
  /** The message without the file and position. */
  readonly detail: string;

  constructor(file: string, text: string, position?: Position) {
    const message = bounded(text);
    super(position ? `${file}:${position.line}:${position.column}: ${message}` : `${file}: ${message}`);
    this.file = file;
    this.position = position;
    this.detail = message;
  }

  /** As an issue, so reports and annotations point at the line. */
  toIssue(): Issue {
    const { line, column } = this.position ?? { line: 1, column: 1 };
    return { severity: "error", file: this.file, line, column, path: "", message: this.detail };
  }
}

/** The file loaded but does not describe a valid experiment; carries every issue found. */
export class ExperimentInvalidError extends Error {
  override name = "ExperimentInvalidError";
  readonly file: string;
  readonly issues: readonly Issue[];

  constructor(file: string, issues: readonly Issue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    const count = errors.length === 1 ? "1 error" : `${errors.length} errors`;
    super(`${file} is not a valid experiment (${count}):\n${errors.map(formatIssue).join("\n")}`);
    this.file = file;
    this.issues = issues;
  }
}

/** A `--var` / `--var-file` argument is malformed or unreadable. */
export class VarsError extends Error {
  override name = "VarsError";
}

/** No experiment file matched the targets given. */
export class NoExperimentsError extends Error {
  override name = "NoExperimentsError";
}

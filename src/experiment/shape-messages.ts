// Zod's issues, rewritten for people: "expected a string, got a number (3)" rather than zod's jargon.
// Unions say what any of their branches would have accepted, unless the value clearly aimed at one
// branch (right type, wrong detail), in which case that branch's problem is reported.
import type { z } from "zod";
import type { PathSegment } from "./path.ts";
import { quote } from "./quote.ts";

export interface ShapeProblem {
  /** Relative to the value that was checked. */
  path: PathSegment[];
  message: string;
}

type ZodIssue = z.core.$ZodIssue;

/** "a string", "a number (1.5)", "a list", "a mapping", "null". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return `a string (${quote(value, 40)})`;
  }
  if (typeof value === "number")
    return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

const expectedNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
  tuple: "a list",
  null: "null",
  bigint: "an integer",
};

const expectedName = (expected: string): string => expectedNames[expected] ?? expected;

const quoteValue = (v: unknown): string => (typeof v === "string" ? quote(v) : String(v));

export function listWords(words: readonly string[], conjunction = "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const toSegments = (path: readonly PropertyKey[]): PathSegment[] =>
  path.map((p) => (typeof p === "number" ? p : String(p)));

/** Checks `value` against `schema` and returns readable problems (empty when it fits). */
export function shapeProblems(schema: z.ZodType, value: unknown): ShapeProblem[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => translate(issue, value, []));
}

function translate(issue: ZodIssue, root: unknown, base: PathSegment[]): ShapeProblem[] {
  const path = [...base, ...toSegments(issue.path)];
  const value = valueAt(root, path);
  const at = (message: string): ShapeProblem[] => [{ path, message }];
  switch (issue.code) {
    case "invalid_type":
      return at(`expected ${expectedName(issue.expected)}, got ${describeValue(value)}`);
    case "too_small":
      return at(tooSmall(issue, value));
    case "too_big":
      return at(
        issue.origin === "string" || issue.origin === "array"
          ? `must have at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`
          : `must be at most ${issue.maximum}`,
      );
    case "invalid_value": {
      const allowed = listWords(issue.values.map(quoteValue));
      return at(
        `expected ${allowed}, got ${typeof value === "string" ? quote(value) : describeValue(value)}`,
      );
    }
    case "invalid_union":
      return translateUnion(issue, root, path);
    case "invalid_key":
    case "invalid_element":
      return issue.issues.flatMap((inner) => translate(inner, root, path));
    case "unrecognized_keys":
      return at(`unknown keys: ${issue.keys.join(", ")}`);
    default:
      return at(issue.message);
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, value: unknown): string {
  if (issue.origin === "string")
    return issue.minimum === 1 ? "must not be empty" : `must have at least ${issue.minimum} characters`;
  if (issue.origin === "array") {
    if (issue.exact)
      return `expected exactly ${issue.minimum} items, got ${Array.isArray(value) ? value.length : 0}`;
    return `must have at least ${issue.minimum} items`;
  }
  if (issue.inclusive === false) return `must be greater than ${issue.minimum}, got ${String(value)}`;
  return `must be at least ${issue.minimum}, got ${String(value)}`;
}

/** A branch failed "on type" when its only problem is that the value itself has the wrong type. */
function failedOnType(issues: readonly ZodIssue[]): boolean {
  return issues.every(
    (i) =>
      (i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")) ||
      (i.code === "invalid_union" && i.path.length === 0 && i.errors.every(failedOnType)),
  );
}

function expectations(issues: readonly ZodIssue[]): string[] {
  return issues.flatMap((i) => {
    if (i.code === "invalid_type") return [expectedName(i.expected)];
    if (i.code === "invalid_value") return i.values.map(quoteValue);
    if (i.code === "invalid_union") return i.errors.flatMap(expectations);
    return [];
  });
}

function translateUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  root: unknown,
  path: PathSegment[],
): ShapeProblem[] {
  const value = valueAt(root, path);
  const aimed = issue.errors.find((branch) => !failedOnType(branch));
  if (aimed) return aimed.flatMap((inner) => translate(inner, root, path));
  const expected = [...new Set(issue.errors.flatMap(expectations))];
  if (expected.length === 0) return [{ path, message: issue.message }];
  return [{ path, message: `expected ${listWords(expected)}, got ${describeValue(value)}` }];
}

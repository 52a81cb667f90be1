// Validation of an experiment: the rules of `chaos validate` (same conditions, clearer words that
// keep Chaos Toolkit's key phrase), plus what it leaves to run time or never checks: unknown keys
// (warnings, since Chaos Toolkit ignores them), wrong types, refs that do not resolve or name an
// action from the hypothesis, runtime strategies, and python arguments against the native signatures.
// Every issue is collected; nothing stops at the first one. The checks live in validation/, one file
// per part of the experiment; this is the order they run in.

import { type Issue, makeIssue, type Severity } from "./errors.ts";
import type * as format from "./format.ts";
import { depthMessage, MAX_ISSUES, tooDeep, tooManyMessage } from "./limits.ts";
import { type ResolvedExperiment, resolutionIssues, resolveValues } from "./resolve.ts";
import { fits } from "./shapes.ts";
import {
  Checker,
  type ShapeProblems,
  type ValidateOptions,
  type ValidationInput,
} from "./validation/checker.ts";
import { checkExperiment } from "./validation/document.ts";
import {
  checkActivityReferences,
  checkControlReferences,
  checkPlaceholders,
} from "./validation/references.ts";

export type { ValidateOptions, ValidationInput } from "./validation/checker.ts";

export interface ValidationResult {
  /** Errors and warnings, in document order. */
  issues: Issue[];
  valid: boolean;
  /** The experiment as loaded (null-valued optional keys dropped), when valid. */
  experiment: format.Experiment | undefined;
  /** Its configuration and secrets, resolved once while checking them, when valid. */
  resolved: ResolvedExperiment | undefined;
}

/**
 * Validates a loaded experiment and returns every issue found (at most MAX_ISSUES, then a count).
 * Pure: the environment, the native signatures and the executable lookup are passed in. Whatever
 * the data, it returns issues naming `options.file`; it does not throw.
 *
 * Shapes are checked with the compiled table first; only when a value does not fit its shape is the
 * check made again with zod loaded, to word what is wrong (the first pass's issues are then dropped).
 */
export async function validateExperiment(
  input: ValidationInput,
  options: ValidateOptions,
): Promise<ValidationResult> {
  let misfit = false;
  const quick = validateSafely(input, options, (shape, value) => {
    if (fits(shape, value)) return [];
    misfit = true;
    return [{ path: [], message: "does not fit its shape" }];
  });
  if (!misfit) return quick;
  const { zodShapeProblems } = await import("./validation/shape-wording.ts");
  return validateSafely(input, options, zodShapeProblems);
}

function validateSafely(
  input: ValidationInput,
  options: ValidateOptions,
  shapeProblems: ShapeProblems,
): ValidationResult {
  try {
    return validateBounded(input, options, shapeProblems);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    const text =
      error instanceof RangeError
        ? depthMessage
        : `could not be validated (an internal error, please report it): ${name}: ${message}`;
    return invalid([makeIssue("error", options.file, { line: 1, column: 1 }, [], text)]);
  }
}

const invalid = (issues: Issue[]): ValidationResult => ({
  issues,
  valid: false,
  experiment: undefined,
  resolved: undefined,
});

function validateBounded(
  input: ValidationInput,
  options: ValidateOptions,
  shapeProblems: ShapeProblems,
): ValidationResult {
  const deep = tooDeep(input.data);
  if (deep) {
    const position = input.locate?.(deep) ?? { line: 1, column: 1 };
    return invalid([makeIssue("error", options.file, position, [], depthMessage)]);
  }
  const data = structuredClone(input.data);
  const checker = new Checker(input, options, shapeProblems);
  let resolved: ResolvedExperiment | undefined;
  if (checkExperiment(checker, data)) {
    checkActivityReferences(checker);
    checkControlReferences(checker);
    checkPlaceholders(checker, data);
    const resolution = resolveValues(data, {
      env: options.env,
      vars: options.vars,
      unsetEnvUnchecked: options.unsetEnvUnchecked,
    });
    resolved = resolution.resolved;
    for (const { path, message } of resolution.unchecked) checker.warn(path, message);
    // Only as many as can still be shown are placed in the file; the rest are counted.
    const room = Math.max(0, MAX_ISSUES - checker.issues.length);
    const { problems } = resolution;
    checker.issues.push(
      ...resolutionIssues({ file: options.file, data, locate: input.locate }, problems.slice(0, room)),
    );
    checker.omitted.error += Math.max(0, problems.length - room);
  }
  const found = [...(input.warnings ?? []), ...checker.issues].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  const omitted = { ...checker.omitted };
  for (const dropped of found.slice(MAX_ISSUES)) omitted[dropped.severity]++;
  const issues = found.slice(0, MAX_ISSUES);
  const more = omitted.error + omitted.warning;
  if (more > 0) {
    const severity: Severity = omitted.error > 0 ? "error" : "warning";
    issues.push(
      makeIssue(severity, options.file, { line: 1, column: 1 }, [], tooManyMessage(issues.length + more)),
    );
  }
  const valid = !issues.some((i) => i.severity === "error");
  return {
    issues,
    valid,
    experiment: valid ? (data as format.Experiment) : undefined,
    resolved: valid ? resolved : undefined,
  };
}

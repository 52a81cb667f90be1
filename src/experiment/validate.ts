// Validation of an experiment: the rules of `chaos validate` (same conditions, clearer words that
// keep Chaos Toolkit's key phrase), plus what it leaves to run time or never checks: unknown keys
// (warnings, since Chaos Toolkit ignores them), wrong types, refs that do not resolve or name an
// action from the hypothesis, runtime strategies, and python arguments against the native signatures.
// Every issue is collected; nothing stops at the first one. The checks live in validation/, one file
// per part of the experiment; this is the order they run in.

import type { Issue } from "./errors.ts";
import type * as format from "./format.ts";
import { type ResolvedExperiment, resolutionIssues, resolveValues } from "./resolve.ts";
import { Checker, type ValidateOptions, type ValidationInput } from "./validation/checker.ts";
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
 * Validates a loaded experiment and returns every issue found. Pure: the environment, the native
 * signatures and the executable lookup are passed in.
 */
export function validateExperiment(input: ValidationInput, options: ValidateOptions): ValidationResult {
  const data = structuredClone(input.data);
  const checker = new Checker(input, options);
  let resolved: ResolvedExperiment | undefined;
  if (checkExperiment(checker, data)) {
    checkActivityReferences(checker);
    checkControlReferences(checker);
    checkPlaceholders(checker, data);
    const resolution = resolveValues(data, { env: options.env, vars: options.vars });
    resolved = resolution.resolved;
    const { problems } = resolution;
    checker.issues.push(...resolutionIssues({ file: options.file, data, locate: input.locate }, problems));
  }
  const issues = [...(input.warnings ?? []), ...checker.issues].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  const valid = !issues.some((i) => i.severity === "error");
  return {
    issues,
    valid,
    experiment: valid ? (data as format.Experiment) : undefined,
    resolved: valid ? resolved : undefined,
  };
}

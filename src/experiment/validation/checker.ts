// What validation carries while it walks an experiment: its options, the issues found so far (each
// placed at its position in the file), the names that references are resolved against afterwards,
// and the one check every mapping goes through (unknown keys, missing keys, wrong types, null as
// "not given").
//
// Shapes come from format.ts, compiled (shapes.ts): each object is checked against its shape field by
// field, so that unions (activity or ref, provider type, tolerance kind) are decided by the checks,
// where a useful message can be written, rather than left to the shape. What is wrong with a value
// that does not fit its shape is worded by the ShapeProblems the checker is given (validate.ts).
import { isRecord } from "../../common/record.ts";
import { type Issue, makeIssue, type Position, type Severity } from "../errors.ts";
import { MAX_ISSUES } from "../limits.ts";
import type { DocPath, PathSegment } from "../path.ts";
import { quote } from "../quote.ts";
import type { Environment } from "../resolve.ts";
import { describeValue, type ShapeProblem } from "../shape-messages.ts";
import { fieldsOf, fits, nullRuleOf } from "../shapes.ts";
import type { NativeSignature } from "../signature.ts";
import type { VarOverrides } from "../vars.ts";

export interface ValidateOptions {
  /** The file name used in every issue. */
  file: string;
  /** The native implementations of `python` providers. */
  signatures: readonly NativeSignature[];
  /** The resolved executable for a process provider's `path`, or undefined when it cannot be run. */
  findExecutable: (path: string) => string | undefined;
  /** The environment `type: env` values are read from. */
  env: Environment;
  /** `--var`/`--var-file` overrides (an overridden env configuration need not exist). */
  vars?: VarOverrides;
  /** `validate --no-env`: unset `type: env` variables are warnings saying they were not checked. */
  unsetEnvUnchecked?: boolean;
}

/** What validation reads: the data, and positions when it came from a file. */
export interface ValidationInput {
  data: unknown;
  locate?: (path: DocPath) => Position;
  /** Issues found while loading (duplicate keys), reported with the others. */
  warnings?: readonly Issue[];
}

/** Where an activity sits: its rules differ (a hypothesis runs probes, a tolerance probe gets `value`). */
export type Where = "method" | "rollbacks" | "hypothesis" | "tolerance";

/** A named method activity or hypothesis probe, for resolving refs. */
export interface Definition {
  name: string;
  type: unknown;
}

export interface Reference {
  ref: string;
  path: PathSegment[];
  where: Where;
}

/** How `Checker.object` treats the keys of one kind of mapping. */
export interface ObjectSpec {
  /** Message when a required key is missing. */
  missing?: Record<string, string>;
  /** Prefix for any problem with the key's value. */
  invalid?: Record<string, string>;
  /** Keys checked by hand instead of by their schema (called only when present and not null-as-absent). */
  fields?: Record<string, (value: unknown, path: PathSegment[]) => void>;
  /** Keys Chaos Toolkit accepts that the schema does not declare. */
  extraKnown?: readonly string[];
  /** Problems with these keys are warnings (Chaos Toolkit does not read them). */
  lenient?: readonly string[];
}

/** The activity a provider belongs to, for messages. */
export interface ActivityInfo {
  name: string;
  type: unknown;
  where: Where;
}

/** The problems of a value with a shape (a node of shapes.ts): none when it fits. */
export type ShapeProblems = (shape: number, value: unknown) => ShapeProblem[];

export class Checker {
  /** The first MAX_ISSUES problems found; the rest are only counted in `omitted`. */
  readonly issues: Issue[] = [];
  readonly omitted: Record<Severity, number> = { error: 0, warning: 0 };
  readonly definitions = new Map<string, Definition>();
  readonly hypothesisDefinitions = new Map<string, Definition>();
  readonly references: Reference[] = [];
  readonly controlNames: string[] = [];
  readonly controlRefs: { ref: string; path: PathSegment[] }[] = [];
  /** The native signatures by module, then function. */
  readonly modules = new Map<string, Map<string, NativeSignature>>();
  /** The scopes of the experiment's `secrets`, which a provider's `secrets` may list. */
  secretScopes = new Set<string>();

  readonly input: ValidationInput;
  readonly options: ValidateOptions;
  readonly shapeProblems: ShapeProblems;

  constructor(input: ValidationInput, options: ValidateOptions, shapeProblems: ShapeProblems) {
    this.input = input;
    this.options = options;
    this.shapeProblems = shapeProblems;
    for (const signature of options.signatures) {
      const funcs = this.modules.get(signature.module) ?? new Map<string, NativeSignature>();
      funcs.set(signature.func, signature);
      this.modules.set(signature.module, funcs);
    }
  }

  report(severity: Severity, path: PathSegment[], message: string) {
    if (this.issues.length >= MAX_ISSUES) {
      this.omitted[severity]++;
      return;
    }
    const position = this.input.locate?.(path) ?? { line: 1, column: 1 };
    this.issues.push(makeIssue(severity, this.options.file, position, path, message));
  }
  error(path: PathSegment[], message: string) {
    this.report("error", path, message);
  }
  warn(path: PathSegment[], message: string) {
    this.report("warning", path, message);
  }

  /** Checks a mapping against an object shape; returns false when it is not a mapping at all. */
  object(
    value: unknown,
    shape: number,
    path: PathSegment[],
    what: string,
    spec: ObjectSpec = {},
  ): value is Record<string, unknown> {
    if (!isRecord(value)) {
      this.error(path, `expected ${what} as a mapping, got ${describeValue(value)}`);
      return false;
    }
    const fields = fieldsOf(shape);
    const known = [...Object.keys(fields), ...(spec.extraKnown ?? [])];
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.warn([...path, key], unknownKeyMessage(key, known, what));
    }
    for (const [key, field] of Object.entries(fields)) {
      const here = [...path, key];
      let fieldValue = value[key];
      const optional = fits(field, undefined);
      if (fieldValue === null && optional) {
        const rule = nullRuleOf(field);
        if (rule?.null === "refused") {
          this.error(here, `\`${key}: null\` ${rule.effect}; remove the key or write \`${rule.example}\``);
          continue;
        }
        if (rule?.null === "means") {
          value[key] = rule.value;
          fieldValue = rule.value;
          this.warn(
            here,
            `\`${key}: null\` means ${JSON.stringify(rule.value)} to Chaos Toolkit (${rule.why}), and here too; write it, or remove the key for the default`,
          );
        } else if (rule?.null !== "value") {
          // Chaos Toolkit reads this key with .get() and a falsy test: an explicit null means "not given".
          delete value[key];
          fieldValue = undefined;
        }
      }
      if (fieldValue === undefined) {
        if (!optional) {
          const severity: Severity = spec.lenient?.includes(key) ? "warning" : "error";
          this.report(severity, here, spec.missing?.[key] ?? `\`${key}\` is required in ${what}`);
        }
        continue;
      }
      const handler = spec.fields?.[key];
      if (handler) {
        handler(fieldValue, here);
        continue;
      }
      const severity: Severity = spec.lenient?.includes(key) ? "warning" : "error";
      const prefix = spec.invalid?.[key] ?? spec.missing?.[key];
      for (const problem of this.shapeProblems(field, fieldValue)) {
        const message = prefix ? `${prefix}: ${problem.message}` : problem.message;
        this.report(severity, [...here, ...problem.path], message);
      }
    }
    return true;
  }
}

function unknownKeyMessage(key: string, known: readonly string[], what: string): string {
  // Long keys are no typo of a short one; the bound keeps the distance cheap.
  const close =
    key.length > 64
      ? undefined
      : known.find((candidate) => editDistance(candidate, key) <= Math.max(1, Math.floor(key.length / 4)));
  const hint = close ? `; did you mean '${close}'?` : "";
  return `unknown key ${quote(key)} in ${what} is ignored${hint}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

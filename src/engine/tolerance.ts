// Whether a hypothesis probe's output is within its tolerance, with Chaos Toolkit's exact rules
// (chaoslib hypothesis.py `within_tolerance`). A tolerance that cannot be evaluated (a regex on an
// object, a range on null, a bad JSONPath) throws a ToleranceError; the engine records it against
// the probe instead of crashing the run.
import { isRecord } from "../common/record.ts";
import type {
  JsonPathTolerance,
  ProbeTolerance,
  RangeTolerance,
  RegexTolerance,
  Tolerance,
} from "../experiment/format.ts";
import { textOf } from "../providers/response-text.ts";
import { compareDecimals, decimalFromNumber, decimalFromString, type PyDecimal } from "../python/decimal.ts";
import { parseJsonPath } from "../python/jsonpath-parse.ts";
import { queryJsonPath } from "../python/jsonpath-query.ts";
import { compilePythonRegex } from "../python/regex.ts";
import { PythonTypeError, pyCompare, pyEquals, pyIn, pyTruthy, pyTypeName } from "../python/values.ts";

export class ToleranceError extends Error {
  override name = "ToleranceError";
}

export interface ToleranceContext {
  /** `${var}` substitution with the run's configuration and secrets. */
  substitute(value: unknown): unknown;
  /**
   * Runs a probe used as a tolerance (its `arguments.value` already set) and returns its output;
   * throws when the probe fails.
   */
  runProbe(probe: ProbeTolerance): Promise<unknown>;
}

const hasStatus = (output: unknown): output is { status: unknown } => isRecord(output) && "status" in output;

export async function withinTolerance(
  tolerance: unknown,
  output: unknown,
  ctx: ToleranceContext,
): Promise<boolean> {
  if (typeof tolerance === "boolean") return pyEquals(output, tolerance);
  if (typeof tolerance === "number") {
    if (!Number.isInteger(tolerance)) {
      throw new ToleranceError(`a tolerance cannot be a decimal number (${tolerance}); use a range instead`);
    }
    return pyEquals(hasStatus(output) ? output.status : output, tolerance);
  }
  if (typeof tolerance === "string") {
    const substituted = ctx.substitute(tolerance);
    if (typeof substituted === "string") return pyEquals(output, substituted);
    // chaoslib's within_tolerance has no rule for what a variable may also hold (a float, None,
    // bytes, a mapping of another type) and answers None: not met.
    if (!hasToleranceRule(substituted)) return false;
    return withinTolerance(substituted, output, ctx);
  }
  if (Array.isArray(tolerance)) return withinList(tolerance, output);
  if (isRecord(tolerance)) {
    const typed = tolerance as Exclude<Tolerance, boolean | number | string | unknown[]>;
    switch (typed.type) {
      case "regex":
        return withinRegex(typed, output, ctx);
      case "jsonpath":
        return withinJsonPath(typed, output, ctx);
      case "range":
        return withinRange(typed, output);
      case "probe":
        return withinProbe(typed, output, ctx);
    }
    throw new ToleranceError(`tolerance type ${JSON.stringify(tolerance.type ?? null)} is not supported`);
  }
  throw new ToleranceError(
    `a tolerance must be a boolean, an integer, a string, a list or an object, not ${pyTypeName(tolerance)}`,
  );
}

const TOLERANCE_TYPES = ["regex", "jsonpath", "range", "probe"];

function hasToleranceRule(tolerance: unknown): boolean {
  if (typeof tolerance === "boolean" || Array.isArray(tolerance)) return true;
  if (typeof tolerance === "number") return Number.isInteger(tolerance);
  return isRecord(tolerance) && TOLERANCE_TYPES.includes(tolerance.type as string);
}

function withinList(tolerance: unknown[], output: unknown): boolean {
  if (hasStatus(output)) return pyIn(output.status, tolerance);
  if (tolerance.length === 2) {
    try {
      return pyCompare(tolerance[0], output) <= 0 && pyCompare(output, tolerance[1]) <= 0;
    } catch (error) {
      if (error instanceof PythonTypeError) {
        throw new ToleranceError(
          `the two-value tolerance ${JSON.stringify(tolerance)} is a range, and the probe returned ${describe(output)} which cannot be compared with it (${error.message})`,
        );
      }
      throw error;
    }
  }
  return pyIn(output, tolerance);
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  return `a ${pyTypeName(value)} (${json.length > 80 ? `${json.slice(0, 77)}...` : json})`;
}

// chaoslib: `if target: value = value.get(target, value)`, which only works on an object.
function targeted(output: unknown, target: unknown, kind: string): unknown {
  if (!pyTruthy(target)) return output;
  if (!isRecord(output)) {
    throw new ToleranceError(
      `${kind} tolerance has target ${JSON.stringify(target)}, but the probe returned ${describe(output)}, not an object`,
    );
  }
  // Keys read from JSON or YAML are strings: a target of another type finds none.
  return typeof target === "string" && Object.hasOwn(output, target) ? output[target] : output;
}

function withinRegex(tolerance: RegexTolerance, output: unknown, ctx: ToleranceContext): boolean {
  const pattern = ctx.substitute(tolerance.pattern);
  if (typeof pattern !== "string") {
    throw new ToleranceError(`regex tolerance pattern must be a string, got ${describe(pattern)}`);
  }
  const targetedValue = targeted(output, tolerance.target, "regex");
  const value = typeof targetedValue === "string" ? targetedValue : (textOf(targetedValue) ?? targetedValue);
  if (typeof value !== "string") {
    const hint = isRecord(value)
      ? ` (set "target" to one of its keys: ${Object.keys(value).join(", ")})`
      : "";
    throw new ToleranceError(
      `regex tolerance needs a string, but the probe returned ${describe(value)}${hint}`,
    );
  }
  try {
    return compilePythonRegex(pattern).test(value);
  } catch (error) {
    throw new ToleranceError((error as Error).message);
  }
}

function withinJsonPath(tolerance: JsonPathTolerance, output: unknown, ctx: ToleranceContext): boolean {
  const path = ctx.substitute(tolerance.path);
  if (typeof path !== "string")
    throw new ToleranceError(`jsonpath tolerance path must be a string, got ${describe(path)}`);
  let parsed: ReturnType<typeof parseJsonPath>;
  try {
    parsed = parseJsonPath(path);
  } catch (error) {
    throw new ToleranceError((error as Error).message);
  }
  let value = targeted(output, tolerance.target, "jsonpath");
  if (value instanceof Uint8Array) value = new TextDecoder().decode(value);
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      // chaoslib keeps a string that is not JSON as it is.
    }
  }
  const values = queryJsonPath(parsed, value);
  if ("expect" in tolerance) {
    const expect = ctx.substitute(tolerance.expect);
    return pyEquals(values, Array.isArray(expect) ? expect : [expect]);
  }
  // Python `len(values) == count`: a count of another type (`"2"`) never matches, `true` is 1.
  if (tolerance.count !== undefined) return pyEquals(values.length, tolerance.count);
  return values.length > 0;
}

// Python `Decimal(value)`: a string that is not a number is InvalidOperation (not within range).
function toDecimal(value: unknown): PyDecimal | undefined {
  if (typeof value === "number") return decimalFromNumber(value);
  if (typeof value === "boolean") return decimalFromNumber(Number(value));
  if (typeof value === "string") return decimalFromString(value);
  throw new ToleranceError(`range tolerance needs a number, but the probe returned ${describe(value)}`);
}

function withinRange(tolerance: RangeTolerance, output: unknown): boolean {
  const value = toDecimal(targeted(output, tolerance.target, "range"));
  if (value === undefined) return false;
  // Bounds may be booleans: Python counts bool as a number.
  const [low, high] = tolerance.range.map((bound) => decimalFromNumber(Number(bound))) as [
    PyDecimal,
    PyDecimal,
  ];
  const lower = compareDecimals(low, value);
  const upper = lower !== undefined && lower <= 0 ? compareDecimals(value, high) : 0;
  if (lower === undefined || upper === undefined) {
    // Decimal raises InvalidOperation when it orders a NaN.
    throw new ToleranceError(`range tolerance cannot compare NaN with [${tolerance.range.join(", ")}]`);
  }
  return lower <= 0 && upper <= 0;
}

async function withinProbe(
  tolerance: ProbeTolerance,
  output: unknown,
  ctx: ToleranceContext,
): Promise<boolean> {
  const args = tolerance.provider.arguments;
  if (!isRecord(args)) {
    throw new ToleranceError(
      `probe tolerance "${tolerance.name}" needs provider.arguments as an object: its "value" argument receives the probe's output`,
    );
  }
  const probe = {
    ...tolerance,
    provider: { ...tolerance.provider, arguments: { ...args, value: output } },
  } as ProbeTolerance;
  try {
    return pyTruthy(await ctx.runProbe(probe));
  } catch {
    return false;
  }
}

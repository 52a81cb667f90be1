// Tolerances of hypothesis probes: the plain ones (a boolean, an integer, a string, a list) and the
// typed regex, jsonpath and range ones, whose pattern, JSONPath and bounds are checked as Chaos
// Toolkit (Python `re`, jsonpath2, Decimal) would read them. A `probe` tolerance is an activity, and
// is checked as one by activities.ts.
import { plainErrorMessage } from "../../common/error-message.ts";
import { isRecord } from "../../common/record.ts";
import { parseJsonPath } from "../../python/jsonpath-parse.ts";
import { compilePythonRegex } from "../../python/regex.ts";
import type { PathSegment } from "../path.ts";
import { quote } from "../quote.ts";
import { describeValue, listWords } from "../shape-messages.ts";
import { SHAPES } from "../shapes.ts";
import type { Checker } from "./checker.ts";

const toleranceTypes = ["regex", "jsonpath", "range", "probe"];

export function checkTolerance(c: Checker, value: unknown, path: PathSegment[]): void {
  if (typeof value === "boolean" || typeof value === "string" || Array.isArray(value)) return;
  if (typeof value === "number" && Number.isInteger(value)) return;
  if (!isRecord(value)) {
    c.error(
      path,
      `hypothesis probe tolerance must either be an integer, a string, a boolean, a list (two values are an inclusive range) or a mapping with a type (${listWords(toleranceTypes)}), got ${describeValue(value)}`,
    );
    return;
  }
  const type = value.type;
  if (type === "regex") {
    c.object(value, SHAPES.RegexTolerance, path, "a regex tolerance", {
      missing: { pattern: "hypothesis regex probe tolerance must have a `pattern` key" },
      invalid: { pattern: "hypothesis probe tolerance pattern has an invalid type" },
      lenient: ["target"],
      fields: { pattern: (v, p) => checkRegexPattern(c, v, p) },
    });
  } else if (type === "jsonpath") {
    c.object(value, SHAPES.JsonPathTolerance, path, "a jsonpath tolerance", {
      missing: { path: "hypothesis jsonpath probe tolerance must have a `path` key" },
      // Chaos Toolkit checks neither: a count that is not an integer never matches.
      lenient: ["count", "target"],
      fields: { path: (v, p) => checkJsonPath(c, v, p) },
    });
  } else if (type === "range") {
    c.object(value, SHAPES.RangeTolerance, path, "a range tolerance", {
      missing: { range: "hypothesis range probe tolerance must have a `range` key" },
      lenient: ["target"],
      fields: { range: (v, p) => checkRange(c, v, p) },
    });
  } else {
    const shown =
      typeof type === "string" ? quote(type) : type === undefined ? "(none)" : describeValue(type);
    c.error(
      [...path, "type"],
      `hypothesis probe tolerance type ${shown} is unsupported (expected ${listWords(toleranceTypes)})`,
    );
  }
}

function checkRegexPattern(c: Checker, value: unknown, path: PathSegment[]): void {
  if (typeof value !== "string") {
    c.error(
      path,
      `hypothesis probe tolerance pattern has an invalid type: expected a string, got ${describeValue(value)}`,
    );
    return;
  }
  if (value.includes("${")) return; // substituted at run time
  try {
    compilePythonRegex(value);
  } catch (error) {
    c.error(path, `hypothesis probe tolerance pattern seems invalid: ${plainErrorMessage(error)}`);
  }
}

function checkJsonPath(c: Checker, value: unknown, path: PathSegment[]): void {
  if (typeof value !== "string") {
    c.error(
      path,
      `hypothesis probe tolerance JSON path has an invalid type: expected a string, got ${describeValue(value)}`,
    );
    return;
  }
  if (value.trim() === "") {
    c.error(path, "hypothesis probe tolerance JSON path cannot be empty");
    return;
  }
  if (value.includes("${")) return;
  try {
    parseJsonPath(value.trim());
  } catch (error) {
    c.error(path, `hypothesis probe tolerance JSON path is invalid: ${plainErrorMessage(error)}`);
  }
}

function checkRange(c: Checker, value: unknown, path: PathSegment[]): void {
  if (!Array.isArray(value)) {
    c.error(path, `hypothesis range must be a sequence [lower, upper], got ${describeValue(value)}`);
    return;
  }
  if (value.length !== 2) {
    c.error(path, `hypothesis range sequence must be made of two values [lower, upper], got ${value.length}`);
    return;
  }
  (["lower", "upper"] as const).forEach((bound, index) => {
    // Python's `isinstance(x, Number)`, which bool passes.
    if (typeof value[index] !== "number" && typeof value[index] !== "boolean") {
      c.error(
        [...path, index],
        `hypothesis range ${bound} boundary must be a number, got ${describeValue(value[index])}`,
      );
    }
  });
}

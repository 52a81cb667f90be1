// A python provider's call against the native signatures: the module and function exist, every
// required argument is given, every given one is a parameter of the right type. (The binding at run
// time is the providers' own, in providers/python.ts.)
import { isRecord } from "../../common/record.ts";
import type { PathSegment } from "../path.ts";
import { quote } from "../quote.ts";
import { describeValue } from "../shape-messages.ts";
import type { NativeParam, ParamType } from "../signature.ts";
import { isWholePlaceholder } from "../substitute.ts";
import type { ActivityInfo, Checker } from "./checker.ts";

export function checkPythonCall(
  c: Checker,
  provider: Record<string, unknown>,
  path: PathSegment[],
  activity: ActivityInfo,
): void {
  const { module, func } = provider;
  if (typeof module !== "string" || module === "" || typeof func !== "string" || func === "") return;
  const funcs = c.modules.get(module);
  if (!funcs) {
    const supported = [...c.modules.keys()].sort();
    const list =
      supported.length === 0
        ? "no Python modules are available"
        : `supported modules: ${supported.join(", ")}`;
    c.error(
      [...path, "module"],
      `could not find Python module ${quote(module)} in activity ${quote(activity.name)}: chaos-action runs python providers natively; ${list}`,
    );
    return;
  }
  const signature = funcs.get(func);
  if (!signature) {
    const kind = activity.type === "action" ? "action" : "probe";
    c.error(
      [...path, "func"],
      `The python module ${quote(module)} does not expose a function called ${quote(func)} in ${kind} ${quote(activity.name)}; supported functions of ${module}: ${[...funcs.keys()].sort().join(", ")}`,
    );
    return;
  }
  if (provider.arguments !== undefined && !isRecord(provider.arguments)) return; // reported as a shape error
  const args = provider.arguments ?? {};
  const argsPath = [...path, "arguments"];
  const params = new Map(signature.params.map((p) => [p.name, p]));
  for (const param of signature.params) {
    const given =
      Object.hasOwn(args, param.name) || (activity.where === "tolerance" && param.name === "value");
    if (isRequired(param) && !given) {
      c.error(
        isRecord(provider.arguments) ? argsPath : path,
        `required argument ${quote(param.name)} is missing from activity ${quote(activity.name)} (${module}.${func})`,
      );
    }
  }
  for (const [name, value] of Object.entries(args)) {
    const param = params.get(name);
    if (!param) {
      const takes = signature.params.map((p) => p.name).join(", ") || "no arguments";
      c.error(
        [...argsPath, name],
        `argument ${quote(name)} is not part of the function signature in activity ${quote(activity.name)} (${module}.${func} takes: ${takes})`,
      );
    } else if (!fitsParam(param, value)) {
      c.error(
        [...argsPath, name],
        `argument ${quote(name)} of ${module}.${func} expects ${paramTypeName(param.type)}, got ${describeValue(value)}`,
      );
    }
  }
}

const isRequired = (param: NativeParam): boolean => param.required ?? !("default" in param);

const paramTypeNames: Record<ParamType, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "a mapping",
  array: "a list",
  "string|array": "a string or a list",
  "number|string": "a number or a string",
  any: "any value",
};

const paramTypeName = (type: ParamType): string => paramTypeNames[type];

function fitsParam(param: NativeParam, value: unknown): boolean {
  if (isWholePlaceholder(value)) return true; // its type is only known after substitution
  if (value === null)
    return param.type === "any" || (Object.hasOwn(param, "default") && param.default === null);
  switch (param.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "string|array":
      return typeof value === "string" || Array.isArray(value);
    case "number|string":
      return typeof value === "number" || typeof value === "string";
    case "any":
      return true;
  }
}

// An activity's provider: its type, then the keys of a python, process or http provider; a process
// `path` must name an executable, a python module and function one of the native signatures
// (python-call.ts).
import { isRecord } from "../../common/record.ts";
import type { PathSegment } from "../path.ts";
import { quote } from "../quote.ts";
import { describeValue } from "../shape-messages.ts";
import { fieldsOf, SHAPES } from "../shapes.ts";
import type { ActivityInfo, Checker } from "./checker.ts";
import { checkPythonCall } from "./python-call.ts";

const providerTypes = ["python", "process", "http"];

export function checkProvider(c: Checker, value: unknown, path: PathSegment[], activity: ActivityInfo): void {
  if (!isRecord(value)) {
    c.error(path, `an activity requires a provider (a mapping with a type), got ${describeValue(value)}`);
    return;
  }
  const type = value.type;
  if (type === undefined || type === null || type === "") {
    c.error([...path, "type"], "a provider must have a type (python, process or http)");
    return;
  }
  if (typeof type !== "string" || !providerTypes.includes(type)) {
    const shown = typeof type === "string" ? quote(type) : describeValue(type);
    c.error([...path, "type"], `unknown provider type ${shown} (expected python, process or http)`);
    return;
  }
  if (type === "python") {
    const ok = c.object(value, SHAPES.PythonProvider, path, "a python provider", {
      missing: {
        module: "a Python activity must have a module path",
        func: "a Python activity must have a function name",
      },
      invalid: { arguments: "arguments must be a mapping of argument names to values" },
      fields: { secrets: (v, p) => checkProviderSecrets(c, v, p) },
    });
    if (ok) checkPythonCall(c, value, path, activity);
  } else if (type === "process") {
    const ok = c.object(value, SHAPES.ProcessProvider, path, "a process provider", {
      missing: { path: "a process activity must have a path" },
    });
    if (ok && typeof value.path === "string" && value.path !== "") {
      if (c.options.findExecutable(value.path) === undefined) {
        c.error(
          [...path, "path"],
          `path ${quote(value.path)} cannot be found, in activity ${quote(activity.name)} (no executable of that name on PATH)`,
        );
      }
    }
    if (ok && isRecord(value.arguments)) {
      c.warn([...path, "arguments"], "process arguments as a mapping are deprecated: use a list or a string");
    }
  } else {
    c.object(value, SHAPES.HttpProvider, path, "an http provider", {
      missing: { url: "a HTTP activity must have a URL" },
      invalid: { headers: "a HTTP activity expects headers as a mapping" },
      fields: {
        expected_status: (_v, p) =>
          c.warn(
            p,
            "`expected_status` is ignored (as by Chaos Toolkit): a 4xx/5xx response is the probe's output; check its status with a tolerance",
          ),
      },
    });
  }
}

function checkProviderSecrets(c: Checker, value: unknown, path: PathSegment[]): void {
  for (const problem of c.shapeProblems(fieldsOf(SHAPES.PythonProvider).secrets!, value)) {
    c.error([...path, ...problem.path], `secrets must list secret scope names: ${problem.message}`);
  }
  if (!Array.isArray(value)) return;
  value.forEach((scope, index) => {
    if (typeof scope === "string" && !c.secretScopes.has(scope)) {
      c.warn(
        [...path, index],
        `secret scope ${quote(scope)} is not declared in the experiment's \`secrets\``,
      );
    }
  });
}

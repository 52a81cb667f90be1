// Activities wherever they appear (method, rollbacks, hypothesis probes, probe tolerances): their
// keys, their type for the place they are in, refs (resolved once every activity is known, in
// references.ts) and pauses. Each activity's provider is checked by providers.ts.
import { isRecord } from "../../common/record.ts";
import { ACTIVITY_SETTINGS_KEY } from "../format-names.ts";
import type { PathSegment } from "../path.ts";
import { quote } from "../quote.ts";
import { describeValue } from "../shape-messages.ts";
import { fieldsOf, optionOf, SHAPES } from "../shapes.ts";
import type { Checker, Where } from "./checker.ts";
import { checkControls } from "./controls.ts";
import { checkProvider } from "./providers.ts";
import { checkTolerance } from "./tolerances.ts";

export function checkActivities(c: Checker, value: unknown, path: PathSegment[], where: Where): void {
  if (!Array.isArray(value)) {
    c.error(path, `expected a list of activities, got ${describeValue(value)}`);
    return;
  }
  value.forEach((activity, index) => {
    checkActivity(c, activity, [...path, index], where);
  });
}

function checkActivity(c: Checker, value: unknown, path: PathSegment[], where: Where): void {
  if (value === null || value === undefined || (isRecord(value) && Object.keys(value).length === 0)) {
    c.error(path, "empty activity is no activity");
    return;
  }
  if (!isRecord(value)) {
    c.error(
      path,
      `expected an activity (a mapping with type, name and provider, or a ref), got ${describeValue(value)}`,
    );
    return;
  }
  if ("ref" in value && value.ref !== null && where !== "tolerance") {
    checkReference(c, value, path, where);
    return;
  }
  const shape =
    where === "hypothesis"
      ? optionOf(SHAPES.HypothesisProbe, 1)
      : where === "tolerance"
        ? SHAPES.ProbeTolerance
        : SHAPES.ActivityDefinition;
  const name = typeof value.name === "string" && value.name !== "" ? value.name : undefined;
  c.object(value, shape, path, "an activity", {
    missing: {
      type: "an activity must have a type (probe or action)",
      name: "an activity must have a name",
      provider: "an activity requires a provider",
      tolerance: "hypothesis probe must have a tolerance entry",
    },
    invalid: {
      timeout: "activity timeout must be a number",
      background: "activity background must be a boolean",
    },
    fields: {
      type: (v, p) => checkActivityType(c, v, p, where),
      provider: (v, p) => checkProvider(c, v, p, { name: name ?? "(unnamed)", type: value.type, where }),
      pauses: (v, p) => checkPauses(c, v, p),
      timeout: (v, p) => {
        if (typeof v !== "number") {
          c.error(p, `activity timeout must be a number, got ${describeValue(v)}`);
        } else {
          c.warn(
            p,
            "an activity's `timeout` is not applied (Chaos Toolkit ignores it too); set `timeout` on a process or http provider instead",
          );
        }
      },
      tolerance: (v, p) => {
        if (where === "hypothesis") checkToleranceOrProbe(c, v, p);
        else c.warn(p, "a tolerance is only evaluated in the steady-state hypothesis; it is ignored here");
      },
      controls: (v, p) => checkControls(c, v, p),
      secrets: (_v, p) =>
        c.warn(p, "`secrets` belongs on the provider (Chaos Toolkit ignores it on the activity)"),
      [ACTIVITY_SETTINGS_KEY]: (v, p) => checkSettings(c, v, p, value.type),
    },
  });
  if (name !== undefined && (where === "method" || where === "hypothesis")) {
    const target = where === "method" ? c.definitions : c.hypothesisDefinitions;
    target.set(name, { name, type: value.type });
  }
}

/** `chaos_action: {allow_no_target: true}`: our own settings, which Chaos Toolkit ignores. */
function checkSettings(c: Checker, value: unknown, path: PathSegment[], type: unknown): void {
  c.object(value, SHAPES.ActivitySettings, path, `chaos-action's settings (${ACTIVITY_SETTINGS_KEY})`, {
    fields: {
      allow_no_target: (v, p) => {
        if (typeof v !== "boolean")
          c.error(p, `allow_no_target must be true or false, got ${describeValue(v)}`);
        else if (type !== "action") c.warn(p, "allow_no_target only applies to actions; it is ignored here");
      },
    },
  });
}

function checkActivityType(c: Checker, value: unknown, path: PathSegment[], where: Where): void {
  if (value === "probe" || (value === "action" && where !== "hypothesis" && where !== "tolerance")) return;
  if (value === "action") {
    // Chaos Toolkit runs it all the same.
    const role = where === "hypothesis" ? "a steady-state hypothesis" : "a tolerance";
    c.warn(path, `${role} should only run probes, and this is an action: it runs on every check`);
  } else if (typeof value === "string" && value !== "") {
    c.error(path, `${quote(value)} is not a supported activity type (expected probe or action)`);
  } else {
    c.error(path, `an activity must have a type (probe or action), got ${describeValue(value)}`);
  }
}

function checkReference(c: Checker, value: Record<string, unknown>, path: PathSegment[], where: Where): void {
  const schema = where === "hypothesis" ? optionOf(SHAPES.HypothesisProbe, 0) : SHAPES.ActivityRef;
  c.object(value, schema, path, "an activity reference", {
    missing: { tolerance: "hypothesis probe must have a tolerance entry" },
    extraKnown: ["type"],
    fields: {
      ref: (v, p) => {
        if (typeof v !== "string" || v === "") {
          c.error(p, `reference to activity must be non-empty strings, got ${describeValue(v)}`);
        } else {
          c.references.push({ ref: v, path: p, where });
        }
      },
      tolerance: (v, p) => checkToleranceOrProbe(c, v, p),
    },
  });
}

function checkPauses(c: Checker, value: unknown, path: PathSegment[]): void {
  c.object(value, SHAPES.Pauses, path, "pauses", {
    fields: Object.fromEntries(
      ["before", "after"].map((key) => [
        key,
        (v: unknown, p: PathSegment[]) => {
          if (typeof v === "string") {
            if (!(v.startsWith("${") && v.endsWith("}"))) {
              c.error(
                p,
                `activity ${key} pause must be a number or a pattern to a variable from the configuration or secrets (like \${pause}), got ${describeValue(v)}`,
              );
            }
            return;
          }
          for (const problem of c.shapeProblems(fieldsOf(SHAPES.Pauses).before!, v)) {
            c.error([...p, ...problem.path], `activity ${key} pause: ${problem.message}`);
          }
        },
      ]),
    ),
  });
}

/** A probe tolerance is an activity (whose `value` argument is the output); any other kind is checked as a tolerance. */
function checkToleranceOrProbe(c: Checker, value: unknown, path: PathSegment[]): void {
  if (isRecord(value) && value.type === "probe") checkActivity(c, value, path, "tolerance");
  else checkTolerance(c, value, path);
}

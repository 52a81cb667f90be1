// `${name}` placeholders that name no configuration or secret value. Chaos Toolkit leaves them as
// written, so a typo becomes a URL or an argument with `${...}` in it at run time; we say so before.
// Only the braced form is checked: `$name` is common in shell commands given to process providers.
import { isRecord } from "../common/record.ts";
import type { PathSegment } from "./path.ts";

export interface UndefinedPlaceholder {
  path: PathSegment[];
  names: string[];
}

const placeholder = /\$(?:(\$)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})/g;

/** The names a run can substitute: configuration keys and the keys of every secret scope. */
export function definedNames(
  data: Record<string, unknown>,
  overrides: {
    configuration?: Readonly<Record<string, unknown>>;
    secrets?: Readonly<Record<string, unknown>>;
  } = {},
): Set<string> {
  const names = new Set<string>();
  const addKeys = (value: unknown) => {
    if (isRecord(value)) for (const key of Object.keys(value)) names.add(key);
  };
  addKeys(data.configuration);
  addKeys(overrides.configuration);
  for (const secrets of [data.secrets, overrides.secrets]) {
    if (isRecord(secrets)) for (const scope of Object.values(secrets)) addKeys(scope);
  }
  return names;
}

/** Every string of the title and of the activities' providers, pauses and tolerances naming an undefined value. */
export function undefinedPlaceholders(
  data: Record<string, unknown>,
  defined: ReadonlySet<string>,
): UndefinedPlaceholder[] {
  const found: UndefinedPlaceholder[] = [];
  const visit = (value: unknown, path: PathSegment[]) => {
    if (typeof value === "string") {
      const names = unknownNames(value, defined);
      if (names.length > 0) found.push({ path, names });
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, [...path, index]);
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  const activities = (list: unknown, path: PathSegment[]) => {
    if (!Array.isArray(list)) return;
    list.forEach((activity, index) => {
      if (!isRecord(activity)) return;
      for (const key of ["provider", "pauses", "tolerance"]) {
        if (key in activity) visit(activity[key], [...path, index, key]);
      }
    });
  };
  visit(data.title, ["title"]);
  const hypothesis = data["steady-state-hypothesis"];
  if (isRecord(hypothesis)) activities(hypothesis.probes, ["steady-state-hypothesis", "probes"]);
  activities(data.method, ["method"]);
  activities(data.rollbacks, ["rollbacks"]);
  return found;
}

function unknownNames(text: string, defined: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(placeholder)) {
    const name = match[2];
    if (name !== undefined && !defined.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

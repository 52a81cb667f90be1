// `${name}` substitution exactly as Chaos Toolkit does it (Python string.Template.safe_substitute plus
// its TypedTemplate twist): a string that is exactly `${name}` becomes the value itself, keeping its
// type; anywhere else values are embedded with Python's str(). Unknown names are left as they are.
// Called by the engine at execution time; the journal keeps the unsubstituted definitions.
import { pythonStr } from "../python/str.ts";

export type SubstitutionMapping = ReadonlyMap<string, unknown>;

const identifier = "[_a-zA-Z][_a-zA-Z0-9]*";
// One alternation per Template group: escaped `$$`, named `$x`, braced `${x}`, invalid `$`.
const placeholder = new RegExp(`\\$(?:(\\$)|(${identifier})|\\{(${identifier})\\}|)`, "g");
const wholeBraced = new RegExp(`^\\$\\{(${identifier})\\}$`);

/** Configuration first, then each secret scope in declaration order; the first definition of a name wins. */
export function substitutionMapping(
  configuration: Readonly<Record<string, unknown>> | undefined,
  secrets: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
): SubstitutionMapping {
  const mapping = new Map<string, unknown>();
  const add = (scope: Readonly<Record<string, unknown>> | undefined) => {
    if (scope === null || typeof scope !== "object") return;
    for (const [key, value] of Object.entries(scope)) if (!mapping.has(key)) mapping.set(key, value);
  };
  add(configuration);
  for (const scope of Object.values(secrets ?? {})) add(scope);
  return mapping;
}

/** Substitutes every string inside `value` (recursing through mappings and lists); returns a new value. */
export function substitute<T>(value: T, mapping: SubstitutionMapping): T;
export function substitute(value: unknown, mapping: SubstitutionMapping): unknown {
  if (typeof value === "string") return substituteString(value, mapping);
  if (Array.isArray(value)) return value.map((item) => substitute(item, mapping));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substitute(item, mapping);
    return out;
  }
  return value;
}

function substituteString(template: string, mapping: SubstitutionMapping): unknown {
  const whole = wholeBraced.exec(template);
  if (whole && mapping.has(whole[1]!)) return mapping.get(whole[1]!);
  return template.replace(placeholder, (match, escaped?: string, named?: string, braced?: string) => {
    if (escaped !== undefined) return "$";
    const name = named ?? braced;
    if (name !== undefined && mapping.has(name)) return pythonStr(mapping.get(name));
    return match;
  });
}

/** True when the string is exactly one `${name}` placeholder (its type is only known after substitution). */
export function isWholePlaceholder(value: unknown): value is string {
  return typeof value === "string" && wholeBraced.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// A JSON Schema (draft 2020-12) check of the keywords schema/experiment.schema.json uses, for tests
// only: no JSON Schema validator is among the project's dependencies. A keyword it does not know
// throws, so the schema cannot outgrow this check unnoticed.
type Schema = boolean | Record<string, unknown>;

const annotations = new Set([
  "$schema",
  "$id",
  "$defs",
  "title",
  "description",
  "markdownEnumDescriptions",
  "then",
  "else",
]);

export function acceptsJson(root: Schema, value: unknown): boolean {
  return matches(root, root, value);
}

function matches(root: Schema, schema: Schema, value: unknown): boolean {
  if (typeof schema === "boolean") return schema;
  for (const keyword of Object.keys(schema)) {
    if (!annotations.has(keyword) && !(keyword in checks)) {
      throw new Error(`json-schema-subset: unsupported keyword ${keyword}`);
    }
  }
  return Object.entries(schema).every(([keyword, argument]) => {
    const check = checks[keyword];
    return check === undefined || check(argument, value, root, schema);
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number") return Number.isInteger(value) ? ["number", "integer"] : ["number"];
  return [typeof value];
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Check = (argument: unknown, value: unknown, root: Schema, schema: Record<string, unknown>) => boolean;

const checks: Record<string, Check> = {
  type: (t, v) => (Array.isArray(t) ? t : [t]).some((name) => typeOf(v).includes(name as string)),
  enum: (options, v) => (options as unknown[]).some((option) => equal(option, v)),
  const: (c, v) => equal(c, v),
  pattern: (p, v) => typeof v !== "string" || new RegExp(p as string, "u").test(v),
  minLength: (n, v) => typeof v !== "string" || [...v].length >= (n as number),
  minimum: (n, v) => typeof v !== "number" || v >= (n as number),
  maximum: (n, v) => typeof v !== "number" || v <= (n as number),
  exclusiveMinimum: (n, v) => typeof v !== "number" || v > (n as number),
  minItems: (n, v) => !Array.isArray(v) || v.length >= (n as number),
  maxItems: (n, v) => !Array.isArray(v) || v.length <= (n as number),
  anyOf: (list, v, root) => (list as Schema[]).some((s) => matches(root, s, v)),
  allOf: (list, v, root) => (list as Schema[]).every((s) => matches(root, s, v)),
  if: (condition, v, root, schema) => {
    const branch = matches(root, condition as Schema, v) ? schema.then : schema.else;
    return branch === undefined || matches(root, branch as Schema, v);
  },
  oneOf: (list, v, root) => (list as Schema[]).filter((s) => matches(root, s, v)).length === 1,
  $ref: (ref, v, root) => matches(root, resolve(root, ref as string), v),
  required: (keys, v) => !isObject(v) || (keys as string[]).every((key) => key in v),
  properties: (props, v, root) =>
    !isObject(v) ||
    Object.entries(props as Record<string, Schema>).every(
      ([key, s]) => !(key in v) || matches(root, s, v[key]),
    ),
  additionalProperties: (extra, v, root, schema) => {
    if (!isObject(v)) return true;
    const declared = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    return Object.entries(v).every(
      ([key, item]) => declared.includes(key) || matches(root, extra as Schema, item),
    );
  },
  propertyNames: (names, v, root) =>
    !isObject(v) || Object.keys(v).every((key) => matches(root, names as Schema, key)),
  prefixItems: (list, v, root) =>
    !Array.isArray(v) || (list as Schema[]).every((s, i) => i >= v.length || matches(root, s, v[i])),
  items: (items, v, root, schema) => {
    if (!Array.isArray(v)) return true;
    const skip = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
    return v.slice(skip).every((item) => matches(root, items as Schema, item));
  },
};

function resolve(root: Schema, ref: string): Schema {
  if (ref === "#") return root;
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const target =
    name !== undefined && typeof root !== "boolean"
      ? (root.$defs as Record<string, Schema>)?.[name]
      : undefined;
  if (target === undefined) throw new Error(`json-schema-subset: cannot resolve ${ref}`);
  return target;
}

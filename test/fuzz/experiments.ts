// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// Experiment files for fuzzing: valid shapes from the format, then broken on purpose. Values are
// replaced by wrong types, nulls, deep nesting, huge strings, unicode and control characters; keys
// are added at random; the text is truncated, garbled, or given YAML anchors that expand.
import fc from "fast-check";
import { stringify } from "yaml";

type Json = unknown;

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const controlText = fc.string({
  unit: fc.constantFrom(
    "\n",
    "\r",
    "\t",
    "\u001b",
    "\u0000",
    "\u0085",
    "\u2028",
    "::",
    "##[",
    "a",
    " ",
    "'",
    '"',
  ),
});
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 2, arbitrary: controlText.map((t) => `x${t}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("::error::boom", "\n::set-output name=x::y", "${config}", "yes", "1e3", "~"),
  },
);

const provider = fc.oneof(
  fc.record({
    type: fc.constant("process"),
    path: fc.constantFrom("echo", "true", "no-such-tool"),
    arguments: fc.oneof(fc.array(text, { maxLength: 3 }), text),
  }),
  fc.record({
    type: fc.constant("http"),
    url: fc.constantFrom("http://127.0.0.1:9/", "not a url"),
    method: fc.constantFrom("GET", "POST"),
    timeout: fc.nat(5),
  }),
  fc.record({
    type: fc.constant("python"),
    module: fc.constantFrom("os", "chaosk8s.pod.actions", "chaosk8s.deployment.probes", "no.such.module"),
    func: fc.constantFrom("terminate_pods", "deployment_available_and_healthy", "getcwd", "nope"),
    arguments: fc.dictionary(
      fc.constantFrom("ns", "label_selector", "name", "qty", "rand"),
      fc.oneof(text, fc.integer(), fc.boolean()),
    ),
  }),
);

const activity = (kind: "action" | "probe") =>
  fc.record(
    {
      type: fc.constant(kind),
      name,
      provider,
      tolerance: fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.record({ type: fc.constantFrom("range", "regex", "jsonpath"), target: text }),
      ),
      pauses: fc.record({ after: fc.nat(1) }),
    },
    { requiredKeys: ["type", "name", "provider"] },
  );

/** An experiment with the format's shape: mostly valid, and a good start for mutations. */
export const experiment: fc.Arbitrary<Record<string, Json>> = fc.record(
  {
    title: text,
    description: text,
    tags: fc.array(text, { maxLength: 3 }),
    configuration: fc.dictionary(
      name,
      fc.oneof(text, fc.integer(), fc.record({ type: fc.constant("env"), key: name, default: text })),
    ),
    secrets: fc.dictionary(
      name,
      fc.dictionary(name, fc.oneof(text, fc.record({ type: fc.constant("env"), key: name }))),
    ),
    "steady-state-hypothesis": fc.record({
      title: text,
      probes: fc.array(activity("probe"), { maxLength: 3 }),
    }),
    method: fc.array(fc.oneof(activity("action"), activity("probe"), fc.record({ ref: name })), {
      maxLength: 4,
    }),
    rollbacks: fc.array(activity("action"), { maxLength: 2 }),
    runtime: fc.record({
      hypothesis: fc.record({ strategy: text }),
      rollbacks: fc.record({ strategy: text }),
    }),
  },
  { requiredKeys: ["title", "description", "method"] },
);

const nested = (depth: number, leaf: Json): Json => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
};

/** What a mutation puts in place of a value. */
const badValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Json>(null, [], {}, true, 0, -1.5) },
  { weight: 4, arbitrary: fc.oneof(fc.integer(), fc.double(), text, controlText) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ unit: "binary", maxLength: 12 }), text, { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 300 }).map((depth) => nested(depth, 1)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((length) => "z".repeat(length)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 3_000 }).map((count) => Array.from({ length: count }, () => 1)),
  },
);

function paths(value: Json, path: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(path);
  if (path.length > 6 || value === null || typeof value !== "object") return out;
  for (const [key, child] of Object.entries(value))
    paths(child, [...path, Array.isArray(value) ? Number(key) : key], out);
  return out;
}

function valueAt(root: Json, path: Array<string | number>): Json {
  let value = root;
  for (const key of path) value = (value as Record<string | number, Json>)[key];
  return value;
}

/** A copy of `root` with `value` at `path`; only the containers along the path are copied. */
function replaceAt(root: Json, path: Array<string | number>, value: Json): Json {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, Json>;
  copy[key] = replaceAt(copy[key], rest, value);
  return copy;
}

/** A mutation of the data: a value replaced, or a key added somewhere. */
const mutated: fc.Arbitrary<Json> = fc
  .tuple(
    experiment,
    fc.array(fc.tuple(fc.nat(), badValue, fc.option(fc.string({ maxLength: 10 }))), { maxLength: 3 }),
  )
  .map(([base, changes]) => {
    let data: Json = base;
    for (const [pick, value, key] of changes) {
      const all = paths(data);
      const path = all[pick % all.length]!;
      const target = valueAt(data, path);
      const intoMapping =
        key !== null && target !== null && typeof target === "object" && !Array.isArray(target);
      data = replaceAt(data, intoMapping ? [...path, key] : path, value);
    }
    return data;
  });

export type Format = "yaml" | "json";

export interface FuzzFile {
  format: Format;
  text: string;
}

const serialize = (data: Json, format: Format): string => {
  if (format === "json") return JSON.stringify(data, null, 1) ?? "null";
  try {
    return stringify(data, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(data) ?? "null";
  }
};

const laughs = [
  "configuration:",
  "  a: &a [x, x, x, x, x, x, x, x, x, x]",
  "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "",
].join("\n");

/** Text-level damage: cut short, characters inserted or removed, anchors and aliases, deep brackets. */
const textChange = fc.oneof(
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  fc.tuple(fc.nat(), fc.string({ unit: "binary", maxLength: 8 })).map(([at, junk]) => (t: string) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + junk + t.slice(i);
  }),
  fc.tuple(fc.nat(), fc.nat(20)).map(([at, n]) => (t: string) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + t.slice(i + n);
  }),
  fc.constant((t: string) => `${t}\n${laughs}`),
  fc.constant((t: string) => `anchor: &x {title: t, method: [*x]}\n${t}`),
  fc.constant((t: string) => `defaults: &d {type: action, name: n}\nmore: *d\n${t}`),
  fc
    .integer({ min: 50, max: 20_000 })
    .map((depth) => (t: string) => `${t}\nz: ${"[".repeat(depth)}${"]".repeat(depth)}\n`),
  fc.constant((t: string) => `!!python/object:os.system ${t}`),
  fc.constant((t: string) => `\uFEFF${t}`),
);

/** A fuzzed experiment file: generated or mutated data, serialized, sometimes damaged as text. */
export const fuzzFile: fc.Arbitrary<FuzzFile> = fc
  .tuple(
    fc.oneof({ weight: 1, arbitrary: experiment as fc.Arbitrary<Json> }, { weight: 3, arbitrary: mutated }),
    fc.constantFrom<Format>("yaml", "json"),
    fc.array(textChange, { maxLength: 2 }),
  )
  .map(([data, format, changes]) => ({
    format,
    text: changes.reduce((t, change) => change(t), serialize(data, format)),
  }));

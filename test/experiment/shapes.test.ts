// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Chaos Toolkit placeholders are plain strings here.
// The compiled shapes (shapes.ts) decide exactly as zod's safeParse of the schemas they come from:
// for values built from each shape with random damage, and for every part of every experiment in
// the fixtures (and in ../shared/corpus when it is there).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { experimentFormatOf, parseExperimentText } from "../../src/experiment/load.ts";
import { fits, type ShapeNode } from "../../src/experiment/shapes.ts";
import { compileShapes, renderShapeTable } from "../../src/experiment/shapes-compile.ts";

const { table, schemas } = compileShapes();
const nodes = table.nodes;

const literals = [
  ...new Set(nodes.flatMap((node) => (node.kind === "values" ? node.values : []))),
] as unknown[];
const keys = [...new Set(nodes.flatMap((node) => (node.kind === "object" ? Object.keys(node.fields) : [])))];

/** Values that sit on the edges zod tells apart. */
const edges = fc.constantFrom<unknown>(
  undefined,
  null,
  0,
  -0,
  -1,
  1,
  1.5,
  2 ** 53,
  -(2 ** 53),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "x",
  "${v}",
  "${",
  "\u{1F600}",
  true,
  false,
  [],
  {},
  [1, 2],
  [1, 2, 3],
  ...literals,
);
const noise = fc.oneof(edges, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.constantFrom(...keys), edges));

const built = new Map<string, fc.Arbitrary<unknown>>();

/** Values aimed at a shape: mostly fitting, with random damage at any depth. */
function aimedAt(node: number, depth: number): fc.Arbitrary<unknown> {
  const memo = `${node}/${depth}`;
  const known = built.get(memo);
  if (known) return known;
  const arbitrary =
    depth <= 0
      ? noise
      : fc.oneof({ arbitrary: fitting(nodes[node]!, depth - 1), weight: 5 }, { arbitrary: noise, weight: 1 });
  built.set(memo, arbitrary);
  return arbitrary;
}

function fitting(node: ShapeNode, depth: number): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case "unknown":
      return fc.jsonValue({ maxDepth: 1 });
    case "boolean":
      return fc.boolean();
    case "string":
      return node.pattern ? fc.constantFrom("${a}", "${}", "$a", "x${a}") : fc.string({ maxLength: 3 });
    case "number":
      return fc.oneof(fc.integer({ min: -2, max: 3 }), fc.double({ noDefaultInfinity: true }));
    case "values":
      return fc.constantFrom(...(node.values as unknown[]));
    case "optional":
      return fc.oneof(fc.constant(undefined), aimedAt(node.inner, depth));
    case "array":
      return fc.array(aimedAt(node.element, depth), { maxLength: 3 });
    case "tuple":
      return fc.tuple(...node.items.map((item) => aimedAt(item, depth)));
    case "record":
      return fc.dictionary(fc.string({ maxLength: 2 }), aimedAt(node.value, depth), { maxKeys: 2 });
    case "object":
      return fc.record(
        Object.fromEntries(Object.entries(node.fields).map(([key, field]) => [key, aimedAt(field, depth)])),
        { requiredKeys: [] },
      );
    case "union":
    case "discriminated":
      return fc.oneof(...node.options.map((option) => aimedAt(option, depth)));
  }
}

const zodFits = (node: number, value: unknown) => schemas[node]!.safeParse(value).success;

/** Every value inside `data`, itself included. */
function* partsOf(data: unknown): Generator<unknown> {
  yield data;
  if (Array.isArray(data)) for (const item of data) yield* partsOf(item);
  else if (typeof data === "object" && data !== null)
    for (const value of Object.values(data)) yield* partsOf(value);
}

function experimentsIn(dir: string): unknown[] {
  const found: unknown[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const format = entry.isFile() ? experimentFormatOf(entry.name) : undefined;
    if (!format) continue;
    const file = join(entry.parentPath, entry.name);
    try {
      found.push(parseExperimentText(readFileSync(file, "utf8"), file, format).data);
    } catch {
      // not an experiment that loads: nothing to compare
    }
  }
  return found;
}

function disagreements(data: readonly unknown[]): string[] {
  const found: string[] = [];
  for (const experiment of data) {
    for (const part of partsOf(experiment)) {
      for (let node = 0; node < nodes.length; node++) {
        if (fits(node, part) !== zodFits(node, part))
          found.push(`shape ${node} (${nodes[node]!.kind}): ${JSON.stringify(part)?.slice(0, 200)}`);
      }
    }
  }
  return found;
}

describe("compiled shapes", () => {
  it("format-shapes.json is what format.ts compiles to (run `npm run schema` after editing format.ts)", () => {
    const committed = readFileSync(
      new URL("../../src/experiment/format-shapes.json", import.meta.url),
      "utf8",
    );
    expect(JSON.parse(committed)).toEqual(JSON.parse(renderShapeTable(table)));
  });

  it("decide as zod does, for values aimed at every shape", () => {
    for (let node = 0; node < nodes.length; node++) {
      fc.assert(
        fc.property(aimedAt(node, 4), (value) => {
          expect(fits(node, value), `shape ${node} (${nodes[node]!.kind})`).toBe(zodFits(node, value));
        }),
        { numRuns: 150 },
      );
    }
  });

  it("decide as zod does, for every part of every fixture experiment, against every shape", () => {
    const data = experimentsIn(new URL("../fixtures", import.meta.url).pathname);
    expect(data.length).toBeGreaterThan(50);
    expect(disagreements(data)).toEqual([]);
  });

  const corpus = new URL("../../../shared/corpus", import.meta.url).pathname;
  let corpusData: unknown[] | undefined;
  try {
    corpusData = experimentsIn(corpus);
  } catch {
    console.log(`compiled shapes: ${corpus} is absent, the public corpus is not compared`);
  }
  it.skipIf(corpusData === undefined)("decide as zod does, for every part of the public corpus", () => {
    expect(disagreements(corpusData ?? [])).toEqual([]);
  });

  it("refuse a zod schema they cannot express, naming where it is", () => {
    const Experiment = z.object({ title: z.string(), extra: z.array(z.string().max(3)) });
    expect(() => compileShapes({ Experiment })).toThrow(
      /Experiment\.extra\[\] is a string with a max_length check/,
    );
    expect(() => compileShapes({ Experiment: z.object({ at: z.date() }) })).toThrow(
      /Experiment\.at is a date/,
    );
  });
});

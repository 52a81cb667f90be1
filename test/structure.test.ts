// The shape of src/: the folders are layers, from the entry points down to what everything uses, and an
// import (static, type-only or dynamic) never runs from a lower layer to a higher one, nor round a
// circle of files. A newcomer follows one experiment from the entry to the PR comment without going
// back up the tree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");

/** Each folder of src/ and its layer: a file may import from its own layer or a lower one. */
const LAYERS: Record<string, number> = {
  action: 9,
  cli: 9,
  run: 8,
  load: 7,
  prometheus: 7,
  report: 6,
  kubernetes: 6,
  engine: 5,
  providers: 4,
  experiment: 3,
  python: 2,
  sim: 1,
  common: 1,
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

const files = readdirSync(src, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => join(src, file));

/** Every file of src/ with the files of src/ it imports. */
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]
      .map((match) => resolve(dirname(file), match[1]!))
      .filter((target) => target.endsWith(".ts"));
    return [file, [...new Set(targets)]];
  }),
);

const name = (file: string) => relative(src, file);
const layerOf = (file: string) => LAYERS[name(file).split("/")[0]!];

/** The circles of files (strongly connected components of more than one file, or a file importing itself). */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const target of imports.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (stack.includes(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(name(member));
    } while (member !== file);
    if (component.length > 1 || imports.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("the structure of src/", () => {
  it("reads the imports of every file", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.get(join(src, "cli", "main.ts"))).toContain(join(src, "cli", "output.ts"));
  });

  it("gives every folder a layer", () => {
    expect(files.filter((file) => layerOf(file) === undefined).map(name)).toEqual([]);
  });

  it("has no import from a lower layer to a higher one", () => {
    const upward = files.flatMap((file) =>
      (imports.get(file) ?? [])
        .filter((target) => layerOf(target)! > layerOf(file)!)
        .map((target) => `${name(file)} -> ${name(target)}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no circle of imports", () => {
    expect(circles()).toEqual([]);
  });
});

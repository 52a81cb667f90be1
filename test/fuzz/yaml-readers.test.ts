import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readersDisagree, YAML_FINER_POINTS } from "../experiment/yaml-readers.ts";
import { fuzzFile } from "./experiments.ts";
import { settings } from "./settings.ts";

const experiments = join(import.meta.dirname, "..", "..", "experiments");
/** Small plain files to damage: YAML's finer points and the beginnings of the shipped experiments. */
const plainFiles = [
  ...YAML_FINER_POINTS.map(([, text]) => text),
  ...readdirSync(experiments)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => readFileSync(join(experiments, file), "utf8").slice(0, 600)),
];
/** What YAML's syntax turns on: a character here changes how the rest of a line or a block reads. */
const yamlSyntax = [...":- #'\"[]{},|>?\t\r\\a1.~+éy!&*%_\u2028", "\n", "\r\n", "---", "...", "<<", "0x"];
/** A plain file with one to six characters inserted, removed or replaced. */
const damagedPlainFile = fc
  .tuple(
    fc.constantFrom(...plainFiles),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...yamlSyntax), fc.integer({ min: 0, max: 2 })), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, character, kind]) => {
      const i = at % (t.length + 1);
      if (kind === 0) return t.slice(0, i) + character + t.slice(i);
      if (kind === 1) return t.slice(0, i) + t.slice(i + 1);
      return t.slice(0, i) + character + t.slice(i + 1);
    }, text),
  );

describe(`fuzz: the two YAML readers (${settings.runs} files, seed ${settings.seed})`, () => {
  it("read every fuzzed file the plain reader accepts to the same data, positions and warnings", () => {
    const disagreements: string[] = [];
    let cases = 0;
    for (const { format, text } of fc.sample(fuzzFile, { numRuns: settings.runs, seed: settings.seed })) {
      if (format !== "yaml") continue;
      cases++;
      const body = text.replace(/^\uFEFF/, "");
      const difference = readersDisagree(body);
      if (difference) disagreements.push(`${difference}\n  file: ${JSON.stringify(body.slice(0, 300))}`);
    }
    expect(cases).toBeGreaterThan(0);
    expect(disagreements.slice(0, 5), `${disagreements.length} of ${cases} files`).toEqual([]);
  }, 600_000);

  it("read every plain file damaged at YAML's syntax that the plain reader accepts alike", () => {
    const disagreements: string[] = [];
    for (const text of fc.sample(damagedPlainFile, { numRuns: settings.runs, seed: settings.seed })) {
      const difference = readersDisagree(text);
      if (difference) disagreements.push(`${difference}\n  file: ${JSON.stringify(text.slice(0, 300))}`);
    }
    expect(disagreements.slice(0, 5), `${disagreements.length} of ${settings.runs} files`).toEqual([]);
  }, 600_000);
});

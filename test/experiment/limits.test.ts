import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExperimentLoadError, formatIssue } from "../../src/experiment/errors.ts";
import { MAX_DEPTH, MAX_FILE_BYTES, MAX_ISSUES, tooDeep } from "../../src/experiment/limits.ts";
import { loadExperimentFile, parseExperimentText } from "../../src/experiment/load.ts";
import { type ValidateOptions, validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";

const options: ValidateOptions = {
  file: "x.yaml",
  signatures: fakeSignatures,
  findExecutable: fakeFindExecutable,
  env: fakeEnv,
};
const head = "title: t\ndescription: d\n";

function loadError(text: string, format: "yaml" | "json" = "yaml"): ExperimentLoadError {
  try {
    parseExperimentText(text, "x.yaml", format);
  } catch (error) {
    if (error instanceof ExperimentLoadError) return error;
    throw error;
  }
  throw new Error("expected a load error");
}

const dir = mkdtempSync(join(tmpdir(), "limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("file size", () => {
  it("refuses a file over the limit before reading it, saying both sizes", async () => {
    const file = join(dir, "big.yaml");
    writeFileSync(file, `${head}method: []\n# ${"x".repeat(2 * 1024 * 1024)}\n`);
    await expect(loadExperimentFile(file)).rejects.toThrow(
      /big\.yaml: the file is 2\.0 MiB \(\d+ bytes\); an experiment file may be at most 256 KiB$/,
    );
  });

  it("applies to text as well, counted in UTF-8 bytes", async () => {
    const text = `${head}description: "${"é".repeat(MAX_FILE_BYTES / 2)}"\n`;
    expect(loadError(text).message).toMatch(/^x\.yaml: the file is 257 KiB/);
    expect(() => parseExperimentText(`${head}method: []\n`, "x.yaml", "yaml")).not.toThrow();
  });
});

describe("nesting depth", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  it("refuses JSON nested thousands deep with a message naming the file, not a RangeError", async () => {
    const text = `{"title": "t", "description": "d", "method": [], "configuration": {"x": ${nested(4000)}}}`;
    expect(loadError(text, "json").message).toBe(
      `x.yaml: values are nested more than ${MAX_DEPTH} levels deep; an experiment may nest at most ${MAX_DEPTH} levels`,
    );
  });

  it("points at the first value too deep in YAML", async () => {
    let text = `${head}method: []\nconfiguration:\n`;
    for (let level = 1; level <= MAX_DEPTH; level++) text += `${"  ".repeat(level)}k:\n`;
    text += `${"  ".repeat(MAX_DEPTH + 1)}leaf: 1\n`;
    const error = loadError(text);
    expect(error.message).toMatch(/^x\.yaml:\d+:\d+: values are nested more than 64 levels deep/);
    expect(error.position?.line).toBeGreaterThan(60);
  });

  it("accepts the deepest nesting allowed", async () => {
    const value = nested(MAX_DEPTH - 2);
    const text = `{"title": "t", "description": "d", "method": [], "configuration": {"x": ${value}}}`;
    expect(() => parseExperimentText(text, "x.json", "json")).not.toThrow();
  });

  it("stops on cycles (YAML aliases can make them) and deep data given to validate directly", async () => {
    const cycle: Record<string, unknown> = { title: "t" };
    cycle.self = cycle;
    expect(tooDeep(cycle)).toHaveLength(MAX_DEPTH);
    const deep = JSON.parse(`{"title":"t","description":"d","method":[],"x":${nested(5000)}}`);
    const result = await validateExperiment({ data: deep }, options);
    expect(result.valid).toBe(false);
    expect(result.issues.map(formatIssue)).toEqual([
      `x.yaml:1:1: values are nested more than ${MAX_DEPTH} levels deep; an experiment may nest at most ${MAX_DEPTH} levels`,
    ]);
  });

  it("refuses YAML aliases that expand beyond the limit", async () => {
    const laughs = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    ].join("\n");
    expect(
      loadError(`${head}method: []\nconfiguration:\n  ${laughs.replaceAll("\n", "\n  ")}\n`).message,
    ).toMatch(/^x\.yaml: Failed parsing YAML experiment: Excessive alias count/);
  });
});

describe("issue count", () => {
  it(`reports the first ${MAX_ISSUES} problems, then how many there were`, async () => {
    const text = `${head}method: [${Array.from({ length: 300 }, () => "1").join(", ")}]\n`;
    const result = await validateExperiment(parseExperimentText(text, "x.yaml", "yaml"), options);
    expect(result.valid).toBe(false);
    expect(result.issues).toHaveLength(MAX_ISSUES + 1);
    expect(formatIssue(result.issues.at(-1)!)).toBe(
      `x.yaml:1:1: 300 problems, more than ${MAX_ISSUES}; the first ${MAX_ISSUES} are shown`,
    );
  });

  it("stays invalid when every error is among the ones not shown", async () => {
    const unknown = Array.from({ length: 150 }, (_, i) => `unknown${i}: 1`).join("\n");
    const result = await validateExperiment(
      parseExperimentText(`${unknown}\n${head}method: 3\n`, "x.yaml", "yaml"),
      options,
    );
    expect(result.issues.slice(0, MAX_ISSUES).every((issue) => issue.severity === "warning")).toBe(true);
    expect(result.issues.at(-1)?.severity).toBe("error");
    expect(result.valid).toBe(false);
  });

  it("caps duplicate-key warnings and long lists of names", async () => {
    const keys = Array.from({ length: 500 }, () => "dup: 1").join("\n  ");
    const loaded = parseExperimentText(`${head}method: []\nconfiguration:\n  ${keys}\n`, "x.yaml", "yaml");
    expect(loaded.warnings.length).toBeLessThanOrEqual(MAX_ISSUES + 1);
    const names = Array.from(
      { length: 300 },
      (_, i) => `  - {type: action, name: a${i}, provider: {type: process, path: echo}}`,
    );
    const refs = `${head}method:\n${names.join("\n")}\n  - ref: missing\n`;
    const [message] = (
      await validateExperiment(parseExperimentText(refs, "x.yaml", "yaml"), options)
    ).issues.map((i) => i.message);
    expect(message).toMatch(/known activities: 'a0', .*'a9' and 290 more\)$/);
  });
});

describe("values in messages", () => {
  it("escape control characters and are cut, in the message and in the path", async () => {
    const text = `${head}method:\n  - type: "act\\n::error::injected"\n    name: x\n"bad\\u001bkey${"k".repeat(100)}": 1\n`;
    const lines = (await validateExperiment(parseExperimentText(text, "x.yaml", "yaml"), options)).issues.map(
      formatIssue,
    );
    expect(lines.join("\n").split("\n")).toHaveLength(lines.length);
    expect(lines.join("\n")).toContain("'act\\n::error::injected' is not a supported activity type");
    expect(lines.join("\n")).toContain(`["bad\\u001bkey${"k".repeat(50)}`);
    for (const line of lines) expect(line.length).toBeLessThan(400);
  });
});

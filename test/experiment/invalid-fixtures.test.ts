// Every file under test/fixtures/invalid/ must produce exactly the lines of its `.expected.txt`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExperimentLoadError, formatIssue } from "../../src/experiment/errors.ts";
import { experimentFormatOf, parseExperimentText } from "../../src/experiment/load.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";

const dir = join(import.meta.dirname, "..", "fixtures", "invalid");
const fixtures = readdirSync(dir)
  .filter((name) => experimentFormatOf(name) !== undefined)
  .sort();

async function report(name: string): Promise<string[]> {
  const text = readFileSync(join(dir, name), "utf8");
  try {
    const loaded = parseExperimentText(text, name, experimentFormatOf(name)!);
    const result = await validateExperiment(loaded, {
      file: name,
      signatures: fakeSignatures,
      findExecutable: fakeFindExecutable,
      env: fakeEnv,
    });
    return result.issues.map(formatIssue);
  } catch (error) {
    if (error instanceof ExperimentLoadError) return [error.message];
    throw error;
  }
}

describe("invalid experiment fixtures", () => {
  it("has a corpus of cases, each with its expected messages", async () => {
    expect(fixtures.length).toBeGreaterThan(60);
    for (const name of fixtures) {
      expect(readdirSync(dir)).toContain(name.replace(/\.(json|ya?ml)$/, ".expected.txt"));
    }
  });

  it.each(fixtures)("%s", async (name) => {
    const expected = readFileSync(join(dir, name.replace(/\.(json|ya?ml)$/, ".expected.txt")), "utf8")
      .split("\n")
      .filter((line) => line !== "");
    const lines = await report(name);
    expect(lines).toEqual(expected);
    // An invalid fixture must fail: at least one error, not only warnings.
    expect(lines.some((line) => !/^\S+:\d+:\d+ \S*: warning: /.test(line))).toBe(true);
  });
});

describe("valid experiment fixtures", () => {
  const validDir = join(import.meta.dirname, "..", "fixtures", "valid");
  const valid = readdirSync(validDir).sort();

  it.each(valid)("%s validates without any issue", async (name) => {
    const loaded = parseExperimentText(
      readFileSync(join(validDir, name), "utf8"),
      name,
      experimentFormatOf(name)!,
    );
    const result = await validateExperiment(loaded, {
      file: name,
      signatures: fakeSignatures,
      findExecutable: fakeFindExecutable,
      env: fakeEnv,
    });
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.experiment?.title).toBe((loaded.data as { title: string }).title);
  });
});

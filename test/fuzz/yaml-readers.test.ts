import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readersDisagree } from "../experiment/yaml-readers.ts";
import { fuzzFile } from "./experiments.ts";
import { settings } from "./settings.ts";

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
});

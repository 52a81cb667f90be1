// The case generator: enough cases, every category, the same cases for the same seed.
import { describe, expect, it } from "vitest";
import { categories, generateCases, sampleCases } from "./cases.ts";

describe("generateCases", () => {
  it("generates at least 200 cases with distinct ids, in every category", () => {
    const cases = generateCases();
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const category of categories) expect(cases.some((c) => c.category === category)).toBe(true);
  });

  it("is seeded: the same seed gives the same cases, another seed other times and error draws", () => {
    expect(generateCases(3)).toEqual(generateCases(3));
    expect(generateCases(3)).not.toEqual(generateCases(4));
    expect(generateCases(3).length).toBe(generateCases(4).length);
  });
});

describe("sampleCases", () => {
  it("picks every baseline, an action and an undo case where a category has both, else one case", () => {
    const all = generateCases();
    const sample = sampleCases(all);
    const count = (category: string) => sample.filter((c) => c.category === category).length;
    expect(count("baseline")).toBe(all.filter((c) => c.category === "baseline").length);
    expect(count("signal")).toBe(1);
    const apiErrors = sample.filter((c) => c.category === "api-error");
    expect(apiErrors.map((c) => ("target" in c.fault ? c.fault.target?.phase : undefined))).toEqual([
      "action",
      "undo",
    ]);
    expect(new Set(apiErrors.map((c) => c.fixture)).size).toBe(2);
    expect(sample.length).toBeLessThanOrEqual(25);
  });
});

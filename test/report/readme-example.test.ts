// The README shows a rendered report instead of a screenshot: it must be what the renderer really
// produces, so it cannot drift from the code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/markdown.ts";
import { outcomeOf } from "./journals.ts";

describe("the README's example report", () => {
  it("is the renderer's output for two experiments, one deviating", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const example = /\n````markdown\n([\s\S]*?)````\n/.exec(readme)?.[1];
    const rendered = renderReport(
      {
        verdict: "deviated",
        outcomes: [outcomeOf("terminate-pod-held"), outcomeOf("single-replica-deviated")],
      },
      { repositoryUrl: "https://github.com/acme/shop" },
    );
    expect(example).toBe(rendered);
  });
});

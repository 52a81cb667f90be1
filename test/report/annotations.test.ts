import { describe, expect, it } from "vitest";
import { annotationsFor } from "../../src/report/annotations.ts";
import { invalidOutcome, outcomeOf } from "./journals.ts";

describe("annotationsFor", () => {
  it("puts a validation error on the experiment file's line and column", () => {
    expect(annotationsFor({ verdict: "invalid", outcomes: [invalidOutcome] })).toEqual([
      {
        level: "error",
        title: "Invalid chaos experiment",
        message: "method[0].provider.url: is required for an http provider",
        file: "experiments/broken.yaml",
        startLine: 12,
        startColumn: 7,
      },
    ]);
  });

  it("flags deviated and failed experiments on their file, and nothing for a pass", () => {
    const annotations = annotationsFor({
      verdict: "failed",
      outcomes: [
        outcomeOf("terminate-pod-held"),
        outcomeOf("single-replica-deviated"),
        outcomeOf("unhealthy-before-failed"),
      ],
    });
    expect(annotations.map((annotation) => [annotation.title, annotation.file])).toEqual([
      ["Chaos experiment deviated", "experiments/web/single-replica.yaml"],
      ["Chaos experiment failed", "experiments/cart/drain.yaml"],
    ]);
    expect(annotations[0]?.message).toContain("deviated: web-pods-running");
  });
});

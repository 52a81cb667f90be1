import { describe, expect, it } from "vitest";
import { gatedCommit } from "../../src/action/publish.ts";

describe("the commit a run gated", () => {
  const head = "3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";
  const main = "0123456789abcdef0123456789abcdef01234567";

  it("is the pull request's head for a workflow_run, not the default branch's GITHUB_SHA", () => {
    expect(
      gatedCommit({ name: "workflow_run", payload: { workflow_run: { head_sha: head } }, sha: main }),
    ).toBe(head);
  });

  it("is GITHUB_SHA for every other event", () => {
    expect(gatedCommit({ name: "push", payload: { after: head }, sha: head })).toBe(head);
    expect(gatedCommit({ name: "schedule", payload: {}, sha: "" })).toBeUndefined();
  });
});

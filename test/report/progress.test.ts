// The progress line of the recovery check, as the CLI and the action's log print it.
import { describe, expect, it } from "vitest";
import { describeActivity, formatRunEvent } from "../../src/report/progress.ts";

describe("the recovery check's progress line", () => {
  it("says how long recovery took, that it did not happen, or why it was not checked", () => {
    expect(
      formatRunEvent({ type: "recovery-finished", checked: true, recovered: true, seconds: 2.5, checks: 5 }),
    ).toBe("  recovery ✓ recovered in 2.50s (5 checks)");
    expect(
      formatRunEvent({
        type: "recovery-finished",
        checked: true,
        recovered: false,
        reason: "did not recover within 120 s",
        checks: 120,
      }),
    ).toBe("  recovery ✗ did not recover within 120 s (120 checks)");
    expect(
      formatRunEvent({
        type: "recovery-finished",
        checked: false,
        reason: "the recovery timeout is 0",
        checks: 0,
      }),
    ).toBe("  recovery - not checked: the recovery timeout is 0");
  });
});

// Found by CI's fuzz run (seed 1364791354): a dry run printed an http probe's 12,057-character URL on
// one line. The journal keeps the target whole; the line cuts it.
describe("who a progress or dry-run line is about", () => {
  it("cuts an activity's name and target at 200 characters and says it did", () => {
    const url = `https://example.com/${"z".repeat(12_000)}`;
    const line = describeActivity({ kind: "probe", name: "n".repeat(300), target: `GET ${url}` });
    expect(line).toBe(`probe ${"n".repeat(199)}… [GET ${url.slice(0, 195)}…]`);
    expect(describeActivity({ kind: "action", name: "kill", target: "true", background: true })).toBe(
      "action kill [true] (background)",
    );
  });
});

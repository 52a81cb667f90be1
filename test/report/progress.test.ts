// The progress line of the recovery check, as the CLI and the action's log print it.
import { describe, expect, it } from "vitest";
import { formatRunEvent } from "../../src/report/progress.ts";

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

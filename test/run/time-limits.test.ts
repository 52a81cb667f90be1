// Time limits in one order: the method stops early enough to leave the reserve for rollbacks, undo
// and the report; without a step limit, the options apply as given.
import { describe, expect, it } from "vitest";
import { experimentLimits, publishSeconds, reserveSeconds } from "../../src/run/time-limits.ts";

describe("the reserve of a hard limit", () => {
  it("is a fifth, at least a minute and at most ten, never more than half", () => {
    expect([30, 120, 600, 1200, 3600, 21_600].map(reserveSeconds)).toEqual([15, 60, 120, 240, 600, 600]);
    expect([15, 60, 240].map(publishSeconds)).toEqual([3.75, 15, 30]);
  });
});

describe("experimentLimits", () => {
  it("without a step limit: the run's timeout as given, undo retries for 120 s or --undo-timeout", () => {
    expect(experimentLimits({})).toEqual({ timeoutSeconds: undefined, undoTimeoutSeconds: 120 });
    expect(experimentLimits({ timeoutSeconds: 90, undoTimeoutSeconds: 30 })).toEqual({
      timeoutSeconds: 90,
      undoTimeoutSeconds: 30,
    });
  });

  it("with timeout-minutes 20: the method stops at 16 min, undo retries end 30 s before the limit", () => {
    expect(experimentLimits({ timeoutSeconds: 1200, stepLimitSeconds: 1200, elapsedSeconds: 0 })).toEqual({
      timeoutSeconds: 960,
      timeoutDetail: "(the step's limit of 20m keeps 4m for rollbacks, undo and the report)",
      undoTimeoutSeconds: 210,
    });
    // A later experiment has what is left of the method's share.
    expect(
      experimentLimits({ timeoutSeconds: 1200, stepLimitSeconds: 1200, elapsedSeconds: 900 })?.timeoutSeconds,
    ).toBe(60);
    // A shorter limit per experiment still applies; --undo-timeout cannot eat into the report's share.
    expect(
      experimentLimits({
        timeoutSeconds: 30,
        undoTimeoutSeconds: 900,
        stepLimitSeconds: 1200,
        elapsedSeconds: 0,
      }),
    ).toEqual({ timeoutSeconds: 30, undoTimeoutSeconds: 210 });
  });

  it("no time left for a method: the experiment does not start", () => {
    expect(experimentLimits({ stepLimitSeconds: 600, elapsedSeconds: 480 })).toBeUndefined();
  });
});

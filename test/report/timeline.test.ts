import { describe, expect, it } from "vitest";
import { timelineOf } from "../../src/report/timeline.ts";
import { journal } from "./journals.ts";

describe("timelineOf", () => {
  it("puts the injection at the first method action's start, and the pause after it", () => {
    const { times, steps, duration } = timelineOf(journal("terminate-pod-held"));
    expect(duration).toBe(7250);
    expect(times.injected).toEqual({ at: 100, action: "kill-one-checkout-pod" });
    expect(times.firstMiss).toBeUndefined();
    expect(steps.find((step) => step.kind === "pause")).toMatchObject({
      lane: "method",
      label: "pause 5 s",
      start: 140,
      end: 5140,
    });
    expect(steps.filter((step) => step.lane === "before").map((step) => step.result)).toEqual(["met", "met"]);
  });

  it("finds the first miss after the injection and the check after rollbacks that held again", () => {
    const { times, steps } = timelineOf(journal("continuous-miss-recovered"));
    expect(times.firstMiss).toEqual({ at: 1240, probe: "api-answers", lane: "during", error: false });
    // Recovery checks at 4.5 s (missed), 6.5 s (missed), 8.5 s and 10.5 s (met): held again at the end of 8.5 s's.
    expect(times.heldAgain).toEqual({ at: 8600, by: "recovery" });
    // Checks of one probe with the same result in a row are one step.
    const during = steps.filter((step) => step.lane === "during");
    expect(during.map((step) => [step.result, step.count])).toEqual([
      ["met", 1],
      ["missed", 2],
      ["met", 1],
    ]);
    const recovery = steps.filter((step) => step.lane === "recovery");
    expect(recovery.map((step) => [step.result, step.count])).toEqual([
      ["missed", 2],
      ["met", 2],
    ]);
  });

  it("has no held-again moment when the system did not recover", () => {
    const { times } = timelineOf(journal("never-recovers"));
    expect(times.recovery?.recovered).toBe(false);
    expect(times.heldAgain).toBeUndefined();
  });

  it("says no fault was injected when the hypothesis missed before the method", () => {
    const { times } = timelineOf(journal("unhealthy-before-failed"));
    expect(times.injected).toBeUndefined();
    expect(times.firstMiss).toMatchObject({ probe: "cart-healthz", lane: "before" });
  });

  it("marks interrupted activities, and draws no pause after them", () => {
    const source = journal("interrupted-with-undo");
    source.run[1]!.activity.pauses = { after: 10 };
    const { steps } = timelineOf(source);
    expect(steps.find((step) => step.label === "wait-a-while")?.result).toBe("interrupted");
    expect(steps.some((step) => step.kind === "pause")).toBe(false);
    expect(steps.find((step) => step.lane === "undo")).toMatchObject({
      result: "ok",
      start: 3300,
      end: 3400,
    });
  });

  it("takes a held-again moment from the check after the method when no recovery was recorded", () => {
    const source = journal("continuous-miss-recovered");
    delete source.chaos_action.recovery;
    expect(timelineOf(source).times.heldAgain).toEqual({ at: 4300, by: "after" });
  });
});

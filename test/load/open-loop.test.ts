// The open loop asked to finish (the method it runs beside has ended) versus stopped (an abort): both
// stop starting requests; finishing awaits and counts those in flight, and its elapsed time is the
// time up to the finish; an abort abandons them.
import { describe, expect, it } from "vitest";
import { summarizeLoad } from "../../src/load/load-summary.ts";
import { runOpenLoop, type SendRequest } from "../../src/load/open-loop.ts";
import { ManualClock, settle } from "../engine/support.ts";

/** Requests that stay in flight until `answerAll` (or their signal). */
function heldRequests() {
  const waiting: Array<() => void> = [];
  let sent = 0;
  const send: SendRequest = (signal) =>
    new Promise<number>((resolve, reject) => {
      sent++;
      waiting.push(() => resolve(200));
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  return {
    send,
    sent: () => sent,
    answerAll: () => {
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

const plan = { rate: 10, durationMs: 60_000, timeoutMs: 30_000, maxInFlight: 100 };

describe("runOpenLoop asked to finish", () => {
  it("stops starting requests, counts those in flight, and covers the time up to the finish", async () => {
    const clock = new ManualClock();
    const requests = heldRequests();
    const finish = new AbortController();
    const pending = runOpenLoop(plan, requests.send, clock, new AbortController().signal, finish.signal);
    await clock.advance(1500);
    const sentBeforeFinish = requests.sent();
    expect(sentBeforeFinish).toBe(16); // slots at 0, 100, ..., 1500 ms
    finish.abort();
    await clock.advance(1000);
    expect(requests.sent()).toBe(sentBeforeFinish);
    requests.answerAll();
    const run = await pending;
    expect(run.samples).toHaveLength(16);
    expect(run.samples.every((sample) => sample.ok)).toBe(true);
    expect(run.elapsedMs).toBe(1500);
    expect(run.stoppedEarly).toBe(true);
    const summary = summarizeLoad(run.samples, { rate: plan.rate, ...run });
    expect(summary).toMatchObject({ requests: 16, failed: 0, duration_s: 1.5, stopped_early: true });
  });

  it("an abort instead abandons the requests in flight: they are not counted", async () => {
    const clock = new ManualClock();
    const requests = heldRequests();
    const stop = new AbortController();
    const pending = runOpenLoop(plan, requests.send, clock, stop.signal, new AbortController().signal);
    await clock.advance(1500);
    stop.abort(new Error("interrupted"));
    await settle();
    const run = await pending;
    expect(requests.sent()).toBe(16);
    expect(run.samples).toEqual([]);
    expect(run.stoppedEarly).toBe(true);
  });

  it("runs its whole duration when nothing asks it to finish", async () => {
    const clock = new ManualClock();
    const requests = heldRequests();
    const short = { ...plan, durationMs: 1000 };
    const pending = runOpenLoop(short, requests.send, clock, new AbortController().signal);
    await clock.advance(2000);
    requests.answerAll();
    const run = await pending;
    expect(run.samples).toHaveLength(10);
    expect(run.elapsedMs).toBe(1000);
    expect(run.stoppedEarly).toBe(false);
  });
});

// When the method ends, and what ends with it: background probes (the load generator) are asked to
// finish when the steps they observe are done, when fail-fast cuts the method, and when the run stops;
// fail-fast cuts the step in progress (a long pause, a long action) within one tick of the breach.
import { describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { action, experiment, harness, hypothesisProbe, ManualClock, probe, T0, until } from "./support.ts";

const healthy = hypothesisProbe("app-is-healthy", "healthy", true);
const observer = probe("traffic", "observe", {}, { background: true });

const runOf = (journal: Journal, name: string) => journal.run.find((r) => r.activity.name === name);

/**
 * Advances a manual clock one tick at a time until the run is done (at most `ticks`), letting file
 * I/O (the undo log) progress between ticks.
 */
async function drive(clock: ManualClock, pending: Promise<Journal>, tickMs: number, ticks = 200) {
  let done = false;
  void pending.then(() => {
    done = true;
  });
  for (let i = 0; i < ticks && !done; i++) {
    await clock.advance(tickMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(done).toBe(true);
  return pending;
}

describe("background probes end with the method", () => {
  it("a background probe is asked to finish once the foreground steps are done; its result counts", async () => {
    const h = harness();
    const journal = await h.run(experiment({ method: [observer, action("a", "value", { value: 1 })] }));
    const traffic = runOf(journal, "traffic");
    expect(traffic).toMatchObject({ status: "succeeded", output: "finished" });
    expect(Date.parse(traffic!.end)).toBeGreaterThanOrEqual(Date.parse(runOf(journal, "a")!.end));
    expect(journal.chaos_action.verdict).toBe("passed");
  });

  it("background actions are awaited before the observers are asked to finish", async () => {
    const h = harness();
    const pending = h.run(
      experiment({
        method: [observer, action("slow", "wait", { value: "go" }, { background: true })],
      }),
    );
    await until(() => h.world.count("observe") > 0 && h.world.count("wait") > 0, "both to start");
    h.world.open("go");
    const journal = await pending;
    expect(runOf(journal, "traffic")).toMatchObject({ status: "succeeded", output: "finished" });
    expect(Date.parse(runOf(journal, "traffic")!.end)).toBeGreaterThanOrEqual(
      Date.parse(runOf(journal, "slow")!.end),
    );
  });

  it("a background probe that no step follows runs to its own end", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        method: [
          action("a", "value", { value: 1 }),
          probe("tail", "observe", { value: 5 }, { background: true }),
        ],
      }),
    );
    expect(runOf(journal, "tail")).toMatchObject({ status: "succeeded", output: "elapsed" });
  });

  it("a method of nothing but background probes lets them run to their own end", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ method: [probe("alone", "observe", { value: 5 }, { background: true })] }),
    );
    expect(runOf(journal, "alone")).toMatchObject({ status: "succeeded", output: "elapsed" });
  });

  it("a failed action ends the method: the observer finishes, its result kept", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ method: [observer, action("inject", "fail"), action("never", "value")] }),
    );
    expect(runOf(journal, "traffic")).toMatchObject({ status: "succeeded", output: "finished" });
    expect(runOf(journal, "never")).toBeUndefined();
    expect(journal.chaos_action.verdict).toBe("failed");
  });

  it("an interruption stops the observer with the run", async () => {
    const h = harness();
    const controller = new AbortController();
    const pending = h.run(experiment({ method: [observer, action("stuck", "hang")] }), {
      signal: controller.signal,
    });
    await until(() => h.world.count("hang") > 0 && h.world.count("observe") > 0, "the method to start");
    controller.abort("SIGTERM");
    const journal = await pending;
    expect(journal.status).toBe("interrupted");
    // As Chaos Toolkit: an interrupted activity has no status.
    expect(runOf(journal, "traffic")?.status).toBeUndefined();
  });
});

describe("fail-fast cuts the method within one tick of the breach", () => {
  const tickMs = 1000;
  const failFastRun = (method: Parameters<typeof experiment>[0]["method"]) => {
    const h = harness();
    const clock = new ManualClock();
    const pending = h.run(
      experiment({
        "steady-state-hypothesis": { title: "the app is healthy", probes: [healthy] },
        method: method ?? [],
        rollbacks: [action("repair-it", "repair")],
      }),
      { clock, strategies: { hypothesis: "continuously", frequencySeconds: tickMs / 1000, failFast: true } },
    );
    return { h, journal: drive(clock, pending, tickMs) };
  };

  /** When the first miss during the method was seen, and when the hypothesis after it began (virtual time). */
  const breachAndAfter = (journal: Journal) => {
    const miss = journal.steady_states.during.find((state) => state.steady_state_met === false)!;
    return {
      breach: Date.parse(miss.probes.at(-1)!.end),
      after: Date.parse(journal.steady_states.after!.probes[0]!.start),
    };
  };

  it("differs from Chaos Toolkit: a breach during a long pause stops the method at once, not after the pause", async () => {
    const { journal: pending } = failFastRun([
      action("break-it", "break"),
      action("hold", "value", { value: 1 }, { pauses: { after: 3600 } }),
      action("never", "value"),
    ]);
    const journal = await pending;
    const { breach, after } = breachAndAfter(journal);
    expect(after - breach).toBeLessThanOrEqual(tickMs);
    expect(breach - T0).toBeLessThanOrEqual(2 * tickMs);
    expect(journal.run.map((r) => r.activity.name)).toEqual(["break-it", "hold"]);
    expect(journal.steady_states.during.filter((s) => s.steady_state_met === false)).toHaveLength(1);
    expect(journal).toMatchObject({ status: "completed", deviated: true });
    // The rollback strategy (default) then runs the rollbacks, and the after hypothesis runs as Chaos Toolkit's.
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["repair-it"]);
    expect(journal.steady_states.after?.steady_state_met).toBe(false);
  });

  it("differs from Chaos Toolkit: a breach during a long action cuts the action, which is left without a status", async () => {
    const { h, journal: pending } = failFastRun([
      observer,
      action("break-it", "break"),
      action("stuck", "hang"),
      action("never", "value"),
    ]);
    const journal = await pending;
    const { breach, after } = breachAndAfter(journal);
    expect(after - breach).toBeLessThanOrEqual(tickMs);
    expect(runOf(journal, "stuck")?.status).toBeUndefined();
    expect(runOf(journal, "never")).toBeUndefined();
    // The load beside the method keeps what it measured up to the cut.
    expect(runOf(journal, "traffic")).toMatchObject({ status: "succeeded", output: "finished" });
    expect(journal.chaos_action.reason).toBe("deviated: app-is-healthy");
    expect(h.world.count("repair")).toBe(1);
  });

  it("without fail-fast the same breach lets the method run on", async () => {
    const h = harness();
    const clock = new ManualClock();
    const pending = h.run(
      experiment({
        "steady-state-hypothesis": { title: "the app is healthy", probes: [healthy] },
        method: [
          action("break-it", "break"),
          action("hold", "value", { value: 1 }, { pauses: { after: 5 } }),
        ],
      }),
      { clock, strategies: { hypothesis: "continuously", frequencySeconds: 1 } },
    );
    const journal = await drive(clock, pending, tickMs);
    expect(journal.steady_states.during.filter((s) => s.steady_state_met === false).length).toBeGreaterThan(
      1,
    );
    expect(journal).toMatchObject({ status: "completed", deviated: true });
  });
});

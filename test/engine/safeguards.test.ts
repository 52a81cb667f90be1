// The safeguards control (chaosaddons.controls.safeguards) run natively: a safeguard not met aborts the
// run; the rollbacks and our undo still run.
import { describe, expect, it } from "vitest";
import type { Experiment, HypothesisProbe } from "../../src/experiment/format.ts";
import { action, experiment, harness, hypothesisProbe } from "./support.ts";

const healthy = hypothesisProbe("app-is-healthy", "healthy", true);

function guarded(
  safeguards: Array<HypothesisProbe & { frequency?: number }>,
  extra: Partial<Experiment> = {},
) {
  return experiment({
    "steady-state-hypothesis": { title: "the app is healthy", probes: [healthy] },
    method: [action("scale-down", "scale", { value: 3 }), action("break-it", "break")],
    rollbacks: [action("repair-it", "repair")],
    controls: [
      {
        name: "safeguard",
        provider: {
          type: "python",
          module: "chaosaddons.controls.safeguards",
          arguments: { probes: safeguards },
        },
      },
    ],
    ...extra,
  });
}

describe("the safeguards control", () => {
  it("a safeguard not met before the experiment aborts it before the hypothesis; rollbacks still run", async () => {
    const h = harness();
    h.world.broken = true;
    const journal = await h.run(guarded([hypothesisProbe("cluster-ok", "healthy", true)]));
    expect(journal.status).toBe("aborted");
    expect(journal.steady_states.before).toBeNull();
    expect(journal.run).toEqual([]);
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["repair-it"]);
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: safeguard 'cluster-ok' was not met",
      fault_injected: false,
    });
    expect(journal.chaos_action.safeguards).toMatchObject([
      { activity: { name: "cluster-ok" }, status: "succeeded", output: false, tolerance_met: false },
    ]);
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: "activity-finished", phase: "safeguard", name: "cluster-ok" }),
    );
  });

  it("safeguards that hold leave the run alone, and repeating ones stop when it ends", async () => {
    const h = harness();
    const journal = await h.run(
      guarded(
        [
          hypothesisProbe("pre-check", "value", 1, { value: 1 }),
          { ...hypothesisProbe("still-ok", "value", 1, { value: 1 }), frequency: 2 },
        ],
        { method: [action("scale-down", "scale", { value: 3 })] },
      ),
    );
    expect(journal.status).toBe("completed");
    expect(journal.chaos_action.verdict).toBe("passed");
    const names = (journal.chaos_action.safeguards ?? []).map((r) => r.activity.name);
    expect(names[0]).toBe("pre-check");
    expect(names).toContain("still-ok");
    expect(journal.undo).toMatchObject([{ description: "scale back to 3", status: "succeeded" }]);
  });

  it("a repeating safeguard that trips during the method stops it; rollbacks and undo run", async () => {
    const h = harness();
    const journal = await h.run(
      guarded([{ ...hypothesisProbe("error-budget", "healthy", true), frequency: 1 }], {
        method: [
          action("scale-down", "scale", { value: 3 }),
          action("break-it", "break"),
          action("hold-the-fault", "hang"),
          action("never-runs", "value"),
        ],
      }),
    );
    expect(journal.status).toBe("aborted");
    expect(journal.run.map((r) => r.activity.name)).toEqual(["scale-down", "break-it", "hold-the-fault"]);
    expect(journal.run[2]!.status).toBeUndefined();
    expect(journal.steady_states.after).toBeNull();
    expect(journal.rollbacks.map((r) => [r.activity.name, r.status])).toEqual([["repair-it", "succeeded"]]);
    expect(journal.undo).toMatchObject([{ description: "scale back to 3", status: "succeeded" }]);
    expect(h.world.broken).toBe(false);
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: safeguard 'error-budget' was not met",
      fault_injected: true,
    });
  });

  it("a background safeguard whose probe fails aborts the run, naming the probe's error", async () => {
    const h = harness();
    const journal = await h.run(
      guarded(
        [
          {
            ...hypothesisProbe("monitor", "fail", true, { message: "alertmanager firing" }),
            background: true,
          },
        ],
        {
          method: [action("scale-down", "scale", { value: 3 }), action("hold", "wait", { value: "never" })],
        },
      ),
    );
    expect(journal.status).toBe("aborted");
    expect(journal.chaos_action.reason).toBe(
      "failed: safeguard 'monitor' was not met: probe 'monitor' failed: alertmanager firing",
    );
  });

  it("a method action that already failed keeps its reason when a safeguard trips afterwards", async () => {
    const h = harness();
    const journal = await h.run(
      guarded([{ ...hypothesisProbe("error-budget", "healthy", true), frequency: 1 }], {
        method: [action("inject", "fail", { message: "no target" }), action("break-it", "break")],
      }),
    );
    expect(journal.status).toBe("failed");
    expect(journal.chaos_action.reason).toBe("failed: action 'inject' failed: no target");
  });
});

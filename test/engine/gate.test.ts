import { describe, expect, it } from "vitest";
import { action, experiment, harness, hypothesisProbe } from "./support.ts";

const gated = () =>
  experiment({
    "steady-state-hypothesis": {
      title: "healthy",
      probes: [hypothesisProbe("app-is-healthy", "healthy", true)],
    },
    method: [action("break-it", "break")],
    rollbacks: [action("repair-it", "repair")],
  });

describe("the gate before anything runs (RBAC preflight, blast-radius guard)", () => {
  it("refuses the run with the gate's message and runs nothing, not even rollbacks", async () => {
    const h = harness();
    const journal = await h.run(gated(), {
      gate: async () => {
        throw new Error("the blast-radius guard refused: pod kube-system/dns is in a protected namespace");
      },
      strategies: { rollbacks: "always" },
    });
    expect(journal.status).toBe("failed");
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: the blast-radius guard refused: pod kube-system/dns is in a protected namespace",
      fault_injected: false,
    });
    expect(journal.steady_states.before).toBeNull();
    expect(journal.run).toEqual([]);
    expect(journal.rollbacks).toEqual([]);
    expect(h.world.calls).toEqual([]);
  });

  it("lets the run go on when it passes", async () => {
    const h = harness();
    let gateCalls = 0;
    const journal = await h.run(gated(), {
      gate: async () => {
        gateCalls++;
      },
    });
    expect(gateCalls).toBe(1);
    expect(journal.chaos_action.verdict).toBe("deviated");
    expect(journal.run.map((r) => r.activity.name)).toEqual(["break-it"]);
  });
});

describe("what an activity reports it touched", () => {
  it("lands in that activity's journal entry only", async () => {
    const h = harness();
    const touching = experiment({
      method: [action("poke", "value", { value: 1 }), action("touch", "value", { value: 2 })],
    });
    const journal = await h.run(touching, {
      services: {},
      execute: async (provider, call) => {
        const record = call.services.record as (detail: unknown) => void;
        const value = provider.type === "python" ? provider.arguments?.value : undefined;
        if (value === 2)
          record({ action: "test.value", objects: [{ kind: "Pod", name: "web-1", uid: "u1" }] });
        return value;
      },
    });
    expect(journal.run[0]!.touched).toBeUndefined();
    expect(journal.run[1]!.touched).toEqual([
      { action: "test.value", objects: [{ kind: "Pod", name: "web-1", uid: "u1" }] },
    ]);
  });
});

describe("undo registered by rollbacks", () => {
  it("is not kept: the replay after the rollbacks must not re-inject the fault", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        method: [action("scale-down", "scale", { value: 3 })],
        rollbacks: [action("scale-up", "scale", { value: 1 })],
      }),
      { strategies: { rollbacks: "always" } },
    );
    expect(journal.rollbacks.map((r) => r.status)).toEqual(["succeeded"]);
    expect(h.undone.map((step) => step.description)).toEqual(["scale back to 3"]);
  });
});

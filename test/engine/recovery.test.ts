// The recovery check after the undo (engine/recovery.ts), as a specification: a system whose health
// follows the run's clock, a ManualClock moved a quarter of a second at a time until the run ends.
import { describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { recoverySkipReason } from "../../src/engine/recovery.ts";
import { type RunInput, runExperiment } from "../../src/engine/run.ts";
import type { Experiment, HypothesisProbe } from "../../src/experiment/format.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import type { NativeImplementation, NativeModuleSource } from "../../src/providers/native.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { experiment, ManualClock, settle, T0 } from "./support.ts";

/** A system that is healthy from `healthyFrom` on (run clock time); `flaps` overrides it, check by check. */
class App {
  healthyFrom = T0;
  flaps: boolean[] = [];
  probes = 0;
  /** From this call of the probe on, it never answers. */
  hangsFromProbe = Number.POSITIVE_INFINITY;
}

function appSource(app: App): NativeModuleSource {
  const impls: Record<string, NativeImplementation> = {
    healthy: async (_args, ctx) => {
      app.probes += 1;
      if (app.probes >= app.hangsFromProbe) {
        return new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }),
        );
      }
      if (app.flaps.length > 0) return app.flaps.length > 1 ? app.flaps.shift() : app.flaps[0];
      return ctx.clock.now() >= app.healthyFrom;
    },
    // Down for `seconds` from now; for good without them.
    down: async (args, ctx) => {
      app.healthyFrom =
        typeof args.seconds === "number" ? ctx.clock.now() + args.seconds * 1000 : Number.POSITIVE_INFINITY;
      return "down";
    },
    up: async () => {
      app.healthyFrom = Number.NEGATIVE_INFINITY;
      return "up";
    },
    fail: async () => {
      throw new Error("it failed");
    },
  };
  return {
    signatures: Object.keys(impls).map((func) => ({
      module: "app",
      func,
      kind: func === "healthy" ? "probe" : "action",
      params: [{ name: "seconds", type: "any" as const, default: null }],
      summary: func,
    })),
    load: async (_module, func) => impls[func]!,
  };
}

const call = (type: "action" | "probe", name: string, func: string, args: Record<string, unknown> = {}) => ({
  type,
  name,
  provider: { type: "python" as const, module: "app", func, arguments: args },
});
const healthy: HypothesisProbe = {
  ...call("probe", "app-is-healthy", "healthy"),
  type: "probe",
  tolerance: true,
};
const hypothesis = { title: "the app is healthy", probes: [healthy] };

/** Method: a fault that does not show; rollback: a restart that leaves the app down `restartSeconds`. */
const restarting = (restartSeconds: number, extra: Partial<Experiment> = {}) =>
  experiment({
    "steady-state-hypothesis": hypothesis,
    method: [call("action", "poke", "up")],
    rollbacks: [call("action", "restart", "down", { seconds: restartSeconds })],
    ...extra,
  });

/** Runs the experiment, moving the clock 250 ms at a time (and `during` at each step) until it ends. */
async function run(
  app: App,
  exp: Experiment,
  input: Partial<RunInput> = {},
  during?: (clock: ManualClock) => void,
): Promise<Journal> {
  const clock = new ManualClock();
  let done = false;
  const journal = runExperiment({
    experiment: exp,
    file: "experiments/app.yaml",
    experimentDir: ".",
    execute: createExecutor({ registry: createRegistry([appSource(app)]) }),
    // Nothing to undo here; and no file I/O, so virtual time moves only while the run waits on it.
    undo: {
      registry: { register: async (step) => ({ ...step, id: "1" }), discard: async () => {} },
      replay: async () => [],
    },
    clock,
    recovery: { timeoutSeconds: 120 },
    ...input,
  }).finally(() => {
    done = true;
  });
  for (let step = 0; step < 4000 && !done; step++) {
    await settle(20);
    during?.(clock);
    await clock.advance(250);
  }
  return journal;
}

describe("the recovery check", () => {
  it("checks the hypothesis twice, a second apart, when the system is healthy at once", async () => {
    const app = new App();
    const events: string[] = [];
    const journal = await run(app, restarting(0), {
      onEvent: (event) => {
        if (event.type === "activity-finished") events.push(`${event.phase}:${event.name}`);
        if (event.type === "recovery-finished") events.push(`recovered:${event.recovered}:${event.checks}`);
      },
    });
    expect(journal.chaos_action.verdict).toBe("passed");
    expect(journal.chaos_action.reason).toBe("held");
    expect(journal.chaos_action.recovery).toMatchObject({ checked: true, recovered: true, seconds: 0 });
    const checks = journal.chaos_action.recovery!.checks;
    expect(checks.map((check) => check.steady_state_met)).toEqual([true, true]);
    expect(Date.parse(checks[1]!.start) - Date.parse(checks[0]!.start)).toBe(1000);
    expect(checks[0]!.probes[0]).toMatchObject({ output: true, tolerance_met: true, status: "succeeded" });
    expect(events.slice(-3)).toEqual([
      "recovery:app-is-healthy",
      "recovery:app-is-healthy",
      "recovered:true:2",
    ]);
  });

  it("waits for a system still recovering, and times it from the end of the undo", async () => {
    const app = new App();
    const journal = await run(app, restarting(4.5));
    const recovery = journal.chaos_action.recovery!;
    expect(recovery.checks.map((check) => check.steady_state_met)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(recovery).toMatchObject({ checked: true, recovered: true, seconds: 5 });
    expect(journal.chaos_action.verdict).toBe("passed");
    // The checks leave Chaos Toolkit's steady states alone.
    expect(journal.steady_states.after).toMatchObject({ steady_state_met: true, probes: [{ output: true }] });
    expect(journal.steady_states.during).toEqual([]);
  });

  it("needs two met checks in a row: one met check between misses is not a recovery", async () => {
    const app = new App();
    // before, after, then the recovery checks: met, missed, met, met
    app.flaps = [true, true, true, false, true, true];
    const journal = await run(app, restarting(0));
    const recovery = journal.chaos_action.recovery!;
    expect(recovery.checks.map((check) => check.steady_state_met)).toEqual([true, false, true, true]);
    expect(recovery.seconds).toBe(2);
  });

  it("is a deviation when the system does not recover, whatever the method showed", async () => {
    const app = new App();
    const journal = await run(app, restarting(1000), { recovery: { timeoutSeconds: 10 } });
    expect(journal.status).toBe("completed");
    expect(journal.deviated).toBe(true);
    expect(journal.chaos_action).toMatchObject({
      verdict: "deviated",
      reason: "deviated: did not recover within 10 s (last missed: app-is-healthy)",
      recovery: { checked: true, recovered: false, reason: "did not recover within 10 s" },
    });
    expect(journal.chaos_action.recovery!.seconds).toBeUndefined();
    // one check a second, the last one at the deadline's edge
    expect(journal.chaos_action.recovery!.checks).toHaveLength(10);
    expect(journal.chaos_action.recovery!.checks.every((check) => !check.steady_state_met)).toBe(true);
  });

  it("adds not recovering to a deviation seen after the method", async () => {
    const app = new App();
    const journal = await run(
      app,
      experiment({ "steady-state-hypothesis": hypothesis, method: [call("action", "break", "down")] }),
      { recovery: { timeoutSeconds: 3 } },
    );
    expect(journal.chaos_action).toMatchObject({
      verdict: "deviated",
      reason: "deviated: app-is-healthy; did not recover within 3 s (last missed: app-is-healthy)",
      recovery: { recovered: false },
    });
  });

  it("keeps a failed run failed, and says it did not recover", async () => {
    const app = new App();
    const journal = await run(
      app,
      experiment({
        "steady-state-hypothesis": hypothesis,
        method: [call("action", "break", "down"), call("action", "oops", "fail")],
      }),
      { recovery: { timeoutSeconds: 2 } },
    );
    expect(journal.chaos_action.verdict).toBe("failed");
    expect(journal.deviated).toBe(true);
    expect(journal.chaos_action.reason).toBe(
      "failed: action 'oops' failed: it failed; did not recover within 2 s (last missed: app-is-healthy)",
    );
  });

  it("checks every quarter of a timeout shorter than four seconds, so two checks always fit", async () => {
    const app = new App();
    const journal = await run(app, restarting(0), { recovery: { timeoutSeconds: 1 } });
    const [first, second] = journal.chaos_action.recovery!.checks;
    expect(journal.chaos_action.recovery!.recovered).toBe(true);
    expect(Date.parse(second!.start) - Date.parse(first!.start)).toBe(250);
  });

  it("cuts a probe still running at the deadline", async () => {
    const app = new App();
    app.hangsFromProbe = 3; // before, after, then the first recovery check hangs
    const journal = await run(app, restarting(0), { recovery: { timeoutSeconds: 5 } });
    expect(journal.chaos_action.recovery).toMatchObject({
      recovered: false,
      reason: "did not recover within 5 s",
      checks: [{ steady_state_met: null, probes: [{ activity: { name: "app-is-healthy" } }] }],
    });
    expect(journal.chaos_action.reason).toBe("deviated: did not recover within 5 s");
  });

  it("ends by the step's limit when that comes first, and is skipped when no time is left", async () => {
    const journal = await run(new App(), restarting(1000), {
      recovery: { timeoutSeconds: 120, endsWithinSeconds: 5 },
    });
    expect(journal.chaos_action.recovery).toMatchObject({
      recovered: false,
      reason: "did not recover within 5 s",
    });
    const late = await run(new App(), restarting(1000), {
      recovery: { timeoutSeconds: 120, endsWithinSeconds: 0 },
    });
    expect(late.chaos_action.recovery).toEqual({
      checked: false,
      reason: "no time was left before the step's limit",
      checks: [],
    });
    expect(late.chaos_action.verdict).toBe("passed");
  });

  it("stops at an interruption, and the run is interrupted", async () => {
    const app = new App();
    const controller = new AbortController();
    const journal = await run(app, restarting(1000), { signal: controller.signal }, () => {
      if (app.probes >= 4) controller.abort("SIGINT"); // before, after, two recovery checks
    });
    expect(journal.status).toBe("interrupted");
    expect(journal.chaos_action.reason).toBe("failed: interrupted by SIGINT while checking recovery");
    expect(journal.chaos_action.recovery).toMatchObject({
      checked: false,
      reason: "the run was interrupted during the check",
      checks: [{ steady_state_met: false }, { steady_state_met: false }],
    });
    expect(journal.chaos_action.recovery!.recovered).toBeUndefined();
  });

  it("says nothing of recovery when not asked to check it", async () => {
    const journal = await run(new App(), restarting(0), { recovery: undefined });
    expect(journal.chaos_action.recovery).toBeUndefined();
  });
});

describe("when recovery is not checked, and why", () => {
  const skipped = async (exp: Experiment, input: Partial<RunInput> = {}) => {
    const app = new App();
    const journal = await run(app, exp, input);
    expect(journal.chaos_action.recovery).toMatchObject({ checked: false, checks: [] });
    expect(journal.chaos_action.recovery!.recovered).toBeUndefined();
    return journal.chaos_action.recovery!.reason;
  };

  it("without a hypothesis", async () => {
    expect(await skipped(experiment({ method: [call("action", "break", "down")] }))).toBe(
      "the experiment has no steady-state hypothesis",
    );
  });

  it("with a recovery timeout of 0", async () => {
    expect(await skipped(restarting(1000), { recovery: { timeoutSeconds: 0 } })).toBe(
      "the recovery timeout is 0",
    );
  });

  it("when the rollback strategy leaves the fault in place: never", async () => {
    const reason = await skipped(restarting(1000), { strategies: { rollbacks: "never" } });
    expect(reason).toBe("the rollback strategy 'never' leaves the fault in place");
  });

  it("when the rollback strategy leaves the fault in place: deviated, and the hypothesis held", async () => {
    const reason = await skipped(restarting(1000), { strategies: { rollbacks: "deviated" } });
    expect(reason).toBe(
      "the rollback strategy 'deviated' leaves the fault in place when the hypothesis held",
    );
  });

  it("but with deviated on a deviation, the rollbacks ran: recovery is checked", async () => {
    const journal = await run(
      new App(),
      experiment({
        "steady-state-hypothesis": hypothesis,
        method: [call("action", "break", "down")],
        rollbacks: [call("action", "repair", "up")],
      }),
      { strategies: { rollbacks: "deviated" } },
    );
    expect(journal.chaos_action.recovery).toMatchObject({ checked: true, recovered: true });
    expect(journal.chaos_action.reason).toBe("deviated: app-is-healthy");
  });

  it("when the run was interrupted", async () => {
    const controller = new AbortController();
    controller.abort("SIGTERM");
    expect(await skipped(restarting(1000), { signal: controller.signal })).toBe("the run was interrupted");
  });

  it("when nothing was injected (the steady state was missed before the method)", async () => {
    const exp = restarting(0);
    const app = new App();
    app.healthyFrom = Number.POSITIVE_INFINITY;
    const journal = await run(app, exp);
    expect(journal.chaos_action.verdict).toBe("failed");
    expect(journal.chaos_action.recovery).toMatchObject({
      checked: false,
      reason: "no fault was injected",
    });
  });

  it("with the hypothesis strategy skip", async () => {
    expect(await skipped(restarting(1000), { strategies: { hypothesis: "skip" } })).toBe(
      "the hypothesis strategy is skip",
    );
  });

  it("is one pure decision", () => {
    const base = {
      timeoutSeconds: 120,
      hasHypothesis: true,
      hypothesisStrategy: "default",
      rollbackStrategy: "default",
      status: "completed",
      deviated: false,
      faultInjected: true,
    } as const;
    expect(recoverySkipReason(base)).toBeUndefined();
    expect(recoverySkipReason({ ...base, status: "failed" })).toBeUndefined();
    expect(recoverySkipReason({ ...base, rollbackStrategy: "always" })).toBeUndefined();
    expect(recoverySkipReason({ ...base, rollbackStrategy: "deviated", deviated: true })).toBeUndefined();
    expect(recoverySkipReason({ ...base, status: "interrupted" })).toMatch(/interrupted/);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax, not a template literal.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { createUndoLog, type ReplayOptions } from "../../src/engine/undo.ts";
import { verdictOf } from "../../src/engine/verdict.ts";
import type { HypothesisStrategy, RollbackStrategy } from "../../src/experiment/format.ts";
import {
  action,
  experiment,
  harness,
  hypothesisProbe,
  JumpClock,
  ManualClock,
  probe,
  T0,
  until,
} from "./support.ts";

const healthy = hypothesisProbe("app-is-healthy", "healthy", true);
const faultExperiment = (extra: Parameters<typeof experiment>[0] = {}) =>
  experiment({
    "steady-state-hypothesis": { title: "the app is healthy", probes: [healthy] },
    method: [action("break-it", "break")],
    rollbacks: [action("repair-it", "repair")],
    ...extra,
  });

describe("a run that holds", () => {
  it("produces a Chaos Toolkit journal plus our verdict", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        title: "holds for ${who}",
        "steady-state-hypothesis": { title: "ok", probes: [healthy] },
        method: [action("poke", "value", { value: "${who}" }), probe("look", "value", { value: 7 })],
        rollbacks: [action("tidy", "value", { value: 1 })],
      }),
      { configuration: { who: "web" } },
    );
    expect(journal).toMatchObject({
      "chaoslib-version": "0.1.0-test",
      status: "completed",
      deviated: false,
      experiment: { title: "holds for web", dry: null },
      chaos_action: {
        version: "0.1.0-test",
        file: "experiments/test.yaml",
        verdict: "passed",
        reason: "held",
        fault_injected: true,
        hypothesis_strategy: "default",
        rollback_strategy: "default",
      },
    });
    expect(journal.steady_states.before).toMatchObject({
      steady_state_met: true,
      probes: [{ tolerance_met: true }],
    });
    expect(journal.steady_states.after).toMatchObject({ steady_state_met: true });
    expect(journal.steady_states.during).toEqual([]);
    expect(journal.run.map((r) => [r.activity.name, r.status, r.output])).toEqual([
      ["poke", "succeeded", "web"],
      ["look", "succeeded", 7],
    ]);
    // the journal keeps the unsubstituted definition
    expect(journal.run[0]!.activity.provider).toMatchObject({ arguments: { value: "${who}" } });
    expect(journal.run[0]!.start).toMatch(/^2026-01-01T12:00:00\.000\+00:00$/);
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["tidy"]);
    expect(journal.start.endsWith("+00:00")).toBe(true);
    expect(journal.end >= journal.start).toBe(true);
    expect(JSON.parse(JSON.stringify(journal))).toEqual(journal);
  });

  it("never writes literal secret values into the journal's copy of the experiment", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        secrets: {
          k8s: { KUBERNETES_HOST: "https://h", token: { type: "env", key: "TOKEN" }, nested: { a: "b" } },
        },
      }),
    );
    expect(journal.experiment.secrets).toEqual({
      k8s: {
        KUBERNETES_HOST: "***",
        token: { type: "env", key: "TOKEN" },
        nested: { a: "***" },
      },
    });
  });

  it("never evaluates the tolerance of a probe in the method", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ method: [{ ...probe("look", "value", { value: 1 }), tolerance: 99 }] }),
    );
    expect(journal.run[0]).toMatchObject({ status: "succeeded" });
    expect(journal.run[0]!.tolerance_met).toBeUndefined();
    expect(verdictOf(journal)).toBe("passed");
  });

  it("a failing probe in the method does not fail the run", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ method: [probe("look", "fail", { message: "nope" }), action("a", "value")] }),
    );
    expect(journal.run.map((r) => r.status)).toEqual(["failed", "succeeded"]);
    expect(journal.status).toBe("completed");
  });
});

describe("the hypothesis before the method (our difference: a miss fails the run)", () => {
  it("skips the method, fails, says no fault was injected, and replays undos", async () => {
    const h = harness();
    h.world.broken = true;
    const journal = await h.run(faultExperiment());
    expect(journal.status).toBe("failed");
    expect(journal.deviated).toBe(false);
    expect(journal.run).toEqual([]);
    expect(journal.steady_states.after).toBeNull();
    expect(journal.rollbacks).toEqual([]); // default rollbacks: nothing was injected
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: steady state was not met before any fault was injected: app-is-healthy",
      fault_injected: false,
    });
  });

  it("stops at the first probe that misses", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [
            hypothesisProbe("first", "value", 1, { value: 1 }),
            hypothesisProbe("second", "value", 1, { value: 2 }),
            hypothesisProbe("third", "value", 1, { value: 1 }),
          ],
        },
      }),
    );
    expect(journal.steady_states.before!.probes.map((p) => [p.activity.name, p.tolerance_met])).toEqual([
      ["first", true],
      ["second", false],
    ]);
    expect(journal.chaos_action.reason).toBe(
      "failed: steady state was not met before any fault was injected: second",
    );
  });

  it("a probe that fails is recorded with its error and fails the run", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [
            hypothesisProbe("reach", "fail", 200, { message: "failed to connect to http://x: refused" }),
          ],
        },
      }),
    );
    expect(journal.steady_states.before!.probes[0]).toMatchObject({
      status: "failed",
      tolerance_met: false,
      exception: ["failed to connect to http://x: refused"],
    });
    expect(journal.chaos_action.reason).toBe(
      "failed: steady state was not met before any fault was injected: reach (probe 'reach' failed: failed to connect to http://x: refused)",
    );
  });

  it("a probe tolerance runs through the executor with arguments.value = the output", async () => {
    const h = harness();
    const tolerance = {
      type: "probe" as const,
      name: "is-truthy",
      provider: { type: "python" as const, module: "test", func: "value", arguments: {} },
    };
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [
            hypothesisProbe("one", "value", tolerance, { value: 1 }),
            hypothesisProbe("zero", "value", tolerance, { value: 0 }),
          ],
        },
      }),
    );
    expect(journal.steady_states.before!.probes.map((p) => p.tolerance_met)).toEqual([true, false]);
    expect(h.world.calls.filter((c) => c.func === "value").map((c) => c.args.value)).toEqual([1, 1, 0, 0]);
  });

  it("a tolerance that cannot be evaluated is an error of that probe, not a crash", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [hypothesisProbe("obj", "value", { type: "regex", pattern: "x" }, { value: { a: 1 } })],
        },
      }),
    );
    const entry = journal.steady_states.before!.probes[0]!;
    expect(entry).toMatchObject({ status: "failed", tolerance_met: false, output: { a: 1 } });
    expect(entry.exception![0]).toMatch(
      /^the tolerance of probe 'obj' could not be evaluated: regex tolerance needs a string, but the probe returned a dict/,
    );
    expect(journal.status).toBe("failed");
  });
});

describe("deviations and failures after the fault", () => {
  it("a miss after the method deviates, and default rollbacks run", async () => {
    const h = harness();
    const journal = await h.run(faultExperiment());
    expect(journal.status).toBe("completed");
    expect(journal.deviated).toBe(true);
    expect(journal.steady_states.after).toMatchObject({ steady_state_met: false });
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["repair-it"]);
    expect(journal.chaos_action).toMatchObject({ verdict: "deviated", reason: "deviated: app-is-healthy" });
  });

  it("a failing method action fails the run, stops the method, and still runs rollbacks and undos", async () => {
    const h = harness();
    const journal = await h.run(
      faultExperiment({
        method: [
          action("scale-down", "scale", { value: 3 }),
          action("inject", "fail", { message: "pod default/web-1 is unmanaged" }),
          action("never", "value"),
        ],
      }),
    );
    expect(journal.status).toBe("failed");
    expect(journal.run.map((r) => [r.activity.name, r.status])).toEqual([
      ["scale-down", "succeeded"],
      ["inject", "failed"],
    ]);
    expect(journal.run[1]!.exception).toEqual(["pod default/web-1 is unmanaged"]);
    expect(journal.steady_states.after).toMatchObject({ steady_state_met: true });
    expect(journal.rollbacks).toHaveLength(1);
    expect(journal.undo).toMatchObject([{ description: "scale back to 3", status: "succeeded" }]);
    expect(h.undone.map((s) => s.kind)).toEqual(["test.scale"]);
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: action 'inject' failed: pod default/web-1 is unmanaged",
      fault_injected: true,
    });
  });

  it("an activity that throws a JavaScript error gets a one-line message without stack frames", async () => {
    const h = harness();
    const journal = await h.run(experiment({ method: [action("boom", "crash")] }));
    expect(journal.run[0]!.exception).toEqual([
      expect.stringMatching(/^TypeError: Cannot read properties of undefined/),
    ]);
    expect(journal.run[0]!.exception![0]).not.toMatch(/\n|\s+at /);
  });

  it("a probe that raises after the method is a deviation (the fault showing); the journal says failed as Chaos Toolkit's", async () => {
    const h = harness();
    const journal = await h.run(
      faultExperiment({
        "steady-state-hypothesis": { title: "ok", probes: [hypothesisProbe("reach", "reachable", true)] },
      }),
    );
    expect(journal.steady_states.after?.probes[0]).toMatchObject({
      status: "failed",
      tolerance_met: false,
      exception: ["connection refused"],
    });
    expect(journal).toMatchObject({ status: "failed", deviated: true });
    expect(journal.chaos_action.verdict).toBe("deviated");
    expect(journal.chaos_action.reason).toBe("deviated: reach (probe 'reach' failed: connection refused)");
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["repair-it"]); // a deviation: rollbacks run
  });

  it("a tolerance that cannot be evaluated after the method fails the run: the experiment is broken", async () => {
    const h = harness();
    const journal = await h.run(
      faultExperiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [hypothesisProbe("shape", "value", { type: "regex", pattern: "x" }, { value: { a: 1 } })],
        },
      }),
    );
    expect(journal.chaos_action.verdict).toBe("failed");
  });

  it("a missing ref aborts with a journal", async () => {
    const h = harness();
    const journal = await h.run(experiment({ method: [{ ref: "nope" }] }));
    expect(journal.status).toBe("aborted");
    expect(journal.chaos_action.reason).toBe(
      "failed: referenced activity 'nope' in the method could not be found in the experiment",
    );
    expect(verdictOf(journal)).toBe("failed");
  });
});

describe("refs", () => {
  it("resolve to method activities, then hypothesis probes (which win), and keep the ref's tolerance", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": {
          title: "ok",
          probes: [hypothesisProbe("shared", "value", 2, { value: 2 }), { ref: "shared", tolerance: [1, 3] }],
        },
        method: [
          probe("shared", "value", { value: 1 }),
          action("act", "value", { value: "a" }),
          { ref: "shared" },
        ],
        rollbacks: [{ ref: "act" }],
      }),
    );
    expect(journal.run.map((r) => r.output)).toEqual([1, "a", 2]);
    expect(journal.steady_states.before!.probes.map((p) => [p.output, p.activity.tolerance])).toEqual([
      [2, 2],
      [2, [1, 3]],
    ]);
    expect(journal.rollbacks.map((r) => r.output)).toEqual(["a"]);
  });
});

describe("pauses and durations", () => {
  it("pauses (substituted) happen before and after, outside the activity's duration", async () => {
    const h = harness();
    const clock = new JumpClock();
    const journal = await h.run(
      experiment({
        method: [action("a", "value", {}, { pauses: { before: "${wait}", after: 2 } }), action("b", "value")],
      }),
      { clock, configuration: { wait: 5 } },
    );
    expect(clock.sleeps).toEqual([5000, 2000]);
    expect(journal.run[0]!.duration).toBe(0);
    expect(journal.run[0]!.start).toBe(new Date(T0 + 5000).toISOString().replace("Z", "+00:00"));
    expect(journal.run[1]!.start).toBe(new Date(T0 + 7000).toISOString().replace("Z", "+00:00"));
    expect(journal.duration).toBe(7);
  });

  it("a pause that is not a number fails the activity", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ method: [probe("a", "value", {}, { pauses: { before: "${wait}" } })] }),
      {
        configuration: { wait: "soon" },
      },
    );
    expect(journal.run[0]).toMatchObject({
      status: "failed",
      exception: ["the before pause of 'a' must be a number of seconds, got \"soon\""],
    });
    // checked before the activity starts, so a bad `after` pause does not run it either
    const again = await h.run(experiment({ method: [action("b", "break", {}, { pauses: { after: -1 } })] }));
    expect(again.run[0]).toMatchObject({
      status: "failed",
      exception: ["the after pause of 'b' must be a number of seconds, got -1"],
    });
    expect(h.world.broken).toBe(false);
    expect(again.chaos_action.fault_injected).toBe(false);
  });
});

describe("background activities", () => {
  it("run concurrently, are awaited before the hypothesis after, and are journaled in start order", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": { title: "ok", probes: [hypothesisProbe("p", "value", 1, { value: 1 })] },
        method: [
          action("load", "wait", { value: "go" }, { background: true }),
          action("other", "wait", { value: "go2" }, { background: true }),
          action("release", "open", { value: "go" }),
          action("release2", "open", { value: "go2" }),
        ],
      }),
    );
    expect(journal.run.map((r) => r.activity.name)).toEqual(["load", "other", "release", "release2"]);
    expect(journal.run.every((r) => r.status === "succeeded")).toBe(true);
    const after = Date.parse(journal.steady_states.after!.probes[0]!.start);
    expect(Math.max(...journal.run.map((r) => Date.parse(r.end)))).toBeLessThanOrEqual(after);
  });

  it("a ref runs in the foreground even when it names a background activity (Chaos Toolkit reads the entry)", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        method: [
          action("release", "open", { value: "go" }),
          action("bg", "wait", { value: "go" }, { background: true }),
          { ref: "bg" },
        ],
      }),
    );
    expect(journal.run.map((r) => r.activity.name)).toEqual(["release", "bg", "bg"]);
    const started = h.events.flatMap((e) => (e.type === "activity-started" ? [e.background] : []));
    expect(started).toEqual([false, true, false]);
  });

  it("a failing background action fails the run", async () => {
    const h = harness();
    const journal = await h.run(experiment({ method: [action("bg", "fail", {}, { background: true })] }));
    expect(journal.status).toBe("failed");
    expect(journal.chaos_action.reason).toBe("failed: action 'bg' failed: it failed");
  });
});

describe("rollback strategy from the runtime block", () => {
  it("an unknown strategy in the runtime block plays no rollbacks, as Chaos Toolkit", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({
        method: [action("a", "value")],
        rollbacks: [action("r", "value")],
        runtime: { rollbacks: { strategy: "on-failure" as "always" } },
      }),
    );
    expect(journal.status).toBe("completed");
    expect(journal.rollbacks).toEqual([]);
  });
});

describe("hypothesis strategies", () => {
  // The fault breaks the app; the hypothesis then misses (CHAOS-TOOLKIT.md §1.9's experiment).
  const run = (strategy: HypothesisStrategy, failFast = false) => {
    const h = harness();
    const journal = h.run(
      faultExperiment({
        method: [
          action("break-it", "break"),
          action("watch", "wait-deviation"),
          action("last", "value", { value: 1 }),
        ],
      }),
      { strategies: { hypothesis: strategy, frequencySeconds: 0.5, failFast } },
    );
    return { h, journal };
  };

  it.each<[HypothesisStrategy, boolean, boolean, "passed" | "deviated"]>([
    ["default", true, true, "deviated"],
    ["after-method-only", false, true, "deviated"],
    ["continuously", true, true, "deviated"],
  ])("%s: before %s, after %s → %s", async (strategy, before, after, verdict) => {
    const { h, journal: pending } = run(strategy);
    if (strategy !== "continuously") h.world.counters["seen-broken"] = 0; // nothing watches during the method
    const journal = await pending;
    expect(journal.steady_states.before !== null).toBe(before);
    expect(journal.steady_states.after !== null).toBe(after);
    expect(journal.chaos_action.verdict).toBe(verdict);
    expect(journal.chaos_action.hypothesis_strategy).toBe(strategy);
  });

  it("before-method-only never sees the deviation", async () => {
    const { h, journal: pending } = run("before-method-only");
    h.world.counters["seen-broken"] = 0;
    const journal = await pending;
    expect(journal.steady_states.before?.steady_state_met).toBe(true);
    expect(journal.steady_states.after).toBeNull();
    expect(journal.steady_states.during).toEqual([]);
    expect(journal.chaos_action.verdict).toBe("passed");
  });

  it("during-method-only: a miss during the method counts as a deviation (our difference)", async () => {
    const { journal: pending } = run("during-method-only");
    const journal = await pending;
    expect(journal.steady_states.before).toBeNull();
    expect(journal.steady_states.after).toBeNull();
    expect(journal.steady_states.during.length).toBeGreaterThan(0);
    expect(journal.steady_states.during.some((s) => s.steady_state_met === false)).toBe(true);
    expect(journal.run.map((r) => r.activity.name)).toEqual(["break-it", "watch", "last"]);
    expect(journal).toMatchObject({ status: "completed", deviated: true });
    expect(journal.chaos_action.reason).toBe("deviated: app-is-healthy");
  });

  it("continuously: the hypothesis runs before, during (every frequency seconds) and after", async () => {
    const clock = new JumpClock();
    const h = harness();
    const journal = await h.run(
      experiment({
        "steady-state-hypothesis": { title: "ok", probes: [healthy] },
        method: [action("a", "value", { value: 1 }, { pauses: { after: 3 } })],
      }),
      { clock, strategies: { hypothesis: "continuously", frequencySeconds: 0.25 } },
    );
    expect(journal.steady_states.before?.steady_state_met).toBe(true);
    expect(journal.steady_states.after?.steady_state_met).toBe(true);
    expect(journal.steady_states.during.length).toBeGreaterThanOrEqual(1);
    expect(clock.sleeps).toContain(250);
    expect(journal.chaos_action.verdict).toBe("passed");
  });

  it("continuously + fail-fast: the method stops after the current activity, the hypothesis after still runs", async () => {
    const { journal: pending } = run("continuously", true);
    const journal = await pending;
    expect(journal.run.map((r) => r.activity.name)).toEqual(["break-it", "watch"]);
    expect(journal.steady_states.during.at(-1)?.steady_state_met).toBe(false);
    expect(journal.steady_states.after?.steady_state_met).toBe(false);
    expect(journal).toMatchObject({ status: "completed", deviated: true });
    expect(journal.rollbacks).toHaveLength(1);
  });

  it("during-method-only + fail-fast: deviated, method stopped, default rollbacks run", async () => {
    const { journal: pending } = run("during-method-only", true);
    const journal = await pending;
    expect(journal.run.map((r) => r.activity.name)).toEqual(["break-it", "watch"]);
    expect(journal.steady_states.after).toBeNull();
    expect(journal).toMatchObject({ status: "completed", deviated: true });
    expect(journal.rollbacks).toHaveLength(1);
  });

  it("takes the experiment's runtime block when no strategy is given", async () => {
    const h = harness();
    h.world.counters["seen-broken"] = 0;
    const journal = await h.run(
      faultExperiment({
        runtime: { hypothesis: { strategy: "before-method-only" }, rollbacks: { strategy: "never" } },
      }),
    );
    expect(journal.chaos_action).toMatchObject({
      hypothesis_strategy: "before-method-only",
      rollback_strategy: "never",
      verdict: "passed",
    });
    expect(journal.rollbacks).toEqual([]);
  });
});

describe("rollback strategies", () => {
  type Case = "held" | "deviated" | "failed-before" | "action-failed" | "interrupted";
  const scenario = async (strategy: RollbackStrategy, kind: Case): Promise<Journal> => {
    const h = harness();
    if (kind === "failed-before") h.world.broken = true;
    const method =
      kind === "held"
        ? [action("noop", "value")]
        : kind === "action-failed"
          ? [action("inject", "fail")]
          : kind === "interrupted"
            ? [action("stuck", "hang")]
            : [action("break-it", "break")];
    const controller = new AbortController();
    const pending = h.run(faultExperiment({ method }), {
      strategies: { rollbacks: strategy },
      signal: controller.signal,
    });
    if (kind === "interrupted") {
      await until(() => h.world.count("hang") > 0, "the method to start");
      controller.abort("SIGTERM");
    }
    return pending;
  };

  it.each<[RollbackStrategy, Case, boolean]>([
    ["default", "held", true],
    ["default", "deviated", true],
    ["default", "failed-before", false],
    ["default", "action-failed", true],
    ["default", "interrupted", false],
    ["always", "held", true],
    ["always", "failed-before", true],
    ["always", "interrupted", true],
    ["never", "deviated", false],
    ["never", "action-failed", false],
    ["deviated", "held", false],
    ["deviated", "deviated", true],
    ["deviated", "failed-before", false],
  ])("%s on %s → rollbacks run: %s", async (strategy, kind, runs) => {
    const journal = await scenario(strategy, kind);
    expect(journal.rollbacks.length > 0).toBe(runs);
    expect(journal.chaos_action.rollback_strategy).toBe(strategy);
  });

  it("a failing rollback does not stop the others", async () => {
    const h = harness();
    const journal = await h.run(
      experiment({ rollbacks: [action("r1", "fail"), action("r2", "value", { value: 2 })] }),
      { strategies: { rollbacks: "always" } },
    );
    expect(journal.rollbacks.map((r) => r.status)).toEqual(["failed", "succeeded"]);
    expect(journal.status).toBe("completed");
  });
});

describe("interruption (SIGINT/SIGTERM through an AbortSignal)", () => {
  it("stops the method, records the activity without status, skips the hypothesis after, replays undos", async () => {
    const h = harness();
    const controller = new AbortController();
    const pending = h.run(
      faultExperiment({
        method: [action("scale", "scale", { value: 2 }), action("stuck", "hang"), action("never", "value")],
      }),
      { signal: controller.signal },
    );
    await until(() => h.world.count("hang") > 0, "the stuck activity");
    controller.abort("SIGINT");
    const journal = await pending;
    expect(journal.status).toBe("interrupted");
    expect(journal.run.map((r) => r.activity.name)).toEqual(["scale", "stuck"]);
    expect(journal.run[1]!.status).toBeUndefined();
    expect(journal.run[1]!.output).toBeNull();
    expect(journal.steady_states.after).toBeNull();
    expect(journal.rollbacks).toEqual([]);
    expect(journal.undo).toMatchObject([{ description: "scale back to 2", status: "succeeded" }]);
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: interrupted by SIGINT",
    });
    const undoFile = JSON.parse(readFileSync(h.undoFile, "utf8"));
    expect(undoFile.entries.map((e: { state: string }) => e.state)).toEqual(["done"]);
  });

  it("an already aborted signal runs nothing but still returns a journal", async () => {
    const h = harness();
    const journal = await h.run(faultExperiment(), { signal: AbortSignal.abort("SIGTERM") });
    expect(journal.status).toBe("interrupted");
    expect(journal.run).toEqual([]);
    expect(h.world.calls).toEqual([]);
  });
});

describe("timeouts", () => {
  it("the run's timeout fails the run, the activity is failed, undos replay", async () => {
    const h = harness();
    const clock = new ManualClock();
    const pending = h.run(
      faultExperiment({ method: [action("scale", "scale", { value: 4 }), action("stuck", "hang")] }),
      { clock, timeoutSeconds: 30 },
    );
    await until(() => h.world.count("hang") > 0, "the stuck activity");
    await clock.advance(30_000);
    const journal = await pending;
    expect(journal.status).toBe("failed");
    expect(journal.run[1]).toMatchObject({
      status: "failed",
      exception: ["the run did not finish within its timeout of 30s"],
      duration: 30,
    });
    expect(journal.rollbacks).toEqual([]);
    expect(journal.undo).toHaveLength(1);
    expect(journal.chaos_action.reason).toBe("failed: the run did not finish within its timeout of 30s");
  });

  it("the default activity timeout fails an activity; an activity's own `timeout` is ignored, as by Chaos Toolkit", async () => {
    const h = harness();
    const clock = new ManualClock();
    const pending = h.run(
      experiment({ method: [probe("slow-probe", "hang", {}, { timeout: 2 }), action("stuck", "hang")] }),
      { clock, activityTimeoutSeconds: 5 },
    );
    await until(() => h.world.count("hang") === 1, "the first activity");
    await clock.advance(2000);
    expect(h.world.count("hang")).toBe(1);
    await clock.advance(3000);
    await until(() => h.world.count("hang") === 2, "the second activity");
    await clock.advance(5000);
    const journal = await pending;
    expect(journal.run.map((r) => [r.status, r.exception?.[0], r.duration])).toEqual([
      ["failed", "activity 'slow-probe' took too long to complete (timeout: 5s)", 5],
      ["failed", "activity 'stuck' took too long to complete (timeout: 5s)", 5],
    ]);
    expect(journal.chaos_action.reason).toBe(
      "failed: action 'stuck' failed: activity 'stuck' took too long to complete (timeout: 5s)",
    );
  });
});

describe("secrets, configuration and events", () => {
  it("a python provider gets only the secret scopes it lists, merged flat; configuration always", async () => {
    const h = harness();
    await h.run(
      experiment({
        method: [
          {
            ...action("with", "value"),
            provider: { type: "python", module: "test", func: "value", secrets: ["k8s", "db"] },
          },
          action("without", "value"),
          probe("conf", "config"),
        ],
      }),
      {
        secrets: { k8s: { token: "t", shared: 1 }, db: { password: "p", shared: 2 }, other: { x: 1 } },
        configuration: { c: 1 },
      },
    );
    expect(h.world.calls.map((c) => c.secrets)).toEqual([{ token: "t", password: "p", shared: 2 }, {}, {}]);
  });

  it("emits started/finished events with target, verdict and duration", async () => {
    const h = harness();
    await h.run(faultExperiment({ method: [action("scale", "scale", { value: 1 })] }));
    const summary = h.events.map((e) =>
      e.type === "undo-finished"
        ? ["undo", e.undo.status]
        : e.type === "recovery-finished"
          ? ["recovery", e.recovered]
          : e.type === "pause"
            ? ["pause", e.phase, e.name, e.when, e.seconds]
            : [e.type, e.phase, e.name, e.target, e.type === "activity-finished" ? e.verdict : ""],
    );
    expect(summary).toEqual([
      ["activity-started", "before", "app-is-healthy", "test.healthy", ""],
      ["activity-finished", "before", "app-is-healthy", "test.healthy", "succeeded"],
      ["activity-started", "method", "scale", "test.scale", ""],
      ["activity-finished", "method", "scale", "test.scale", "succeeded"],
      ["activity-started", "after", "app-is-healthy", "test.healthy", ""],
      ["activity-finished", "after", "app-is-healthy", "test.healthy", "succeeded"],
      ["activity-started", "rollbacks", "repair-it", "test.repair", ""],
      ["activity-finished", "rollbacks", "repair-it", "test.repair", "succeeded"],
      ["undo", "succeeded"],
    ]);
    const finished = h.events.find((e) => e.type === "activity-finished" && e.phase === "before");
    expect(finished).toMatchObject({ toleranceMet: true, durationSeconds: 0 });
  });

  it("a listener that throws does not change the run", async () => {
    const h = harness();
    const journal = await h.run(faultExperiment({ method: [] }), {
      onEvent: () => {
        throw new Error("listener broke");
      },
    });
    expect(journal.chaos_action.verdict).toBe("passed");
  });
});

describe("verdictOf", () => {
  it.each([
    ["completed", false, "passed"],
    ["completed", true, "deviated"],
    ["failed", true, "failed"],
    ["failed", false, "failed"],
    ["aborted", false, "failed"],
    ["interrupted", false, "failed"],
  ] as const)("%s, deviated %s → %s", (status, deviated, verdict) => {
    expect(verdictOf({ status, deviated })).toBe(verdict);
  });
});

describe("an undo that cannot be completed", () => {
  const stuckUndo = (h: ReturnType<typeof harness>) => {
    const log = createUndoLog({
      file: h.undoFile,
      runId: "stuck",
      execute: async () => {
        throw Object.assign(new Error("the API server answered 500"), { retryable: false });
      },
    });
    return { registry: log, replay: (options?: ReplayOptions) => log.replay(options), file: h.undoFile };
  };

  it("fails a run whose hypothesis held, names what is left changed and keeps the step pending", async () => {
    const h = harness();
    const journal = await h.run(faultExperiment({ method: [action("scale", "scale", { value: 4 })] }), {
      undo: stuckUndo(h),
    });
    expect(journal.steady_states.after?.steady_state_met).toBe(true);
    expect(journal.status).toBe("failed");
    expect(journal.undo).toMatchObject([{ description: "scale back to 4", status: "pending", attempts: 1 }]);
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: our undo could not be completed, changes are left in the cluster (scale back to 4)",
      left_changed: ["scale back to 4"],
      undo_file: h.undoFile,
    });
    const file = JSON.parse(readFileSync(h.undoFile, "utf8"));
    expect(file.entries.map((e: { state: string }) => e.state)).toEqual(["pending"]);
  });

  it("fails a deviated run too, and keeps the first failure's reason in front", async () => {
    const h = harness();
    const deviated = await h.run(
      faultExperiment({ method: [action("break-it", "break"), action("scale", "scale", { value: 2 })] }),
      { undo: stuckUndo(h), strategies: { rollbacks: "never" } },
    );
    expect(deviated.deviated).toBe(true);
    expect(deviated.chaos_action.verdict).toBe("failed");
    expect(deviated.chaos_action.reason).toMatch(
      /^failed: our undo could not be completed, changes are left in the cluster \(scale back to 2\); deviated: app-is-healthy$/,
    );
    const h2 = harness();
    const failed = await h2.run(
      experiment({ method: [action("scale", "scale", { value: 2 }), action("boom", "fail")] }),
      { undo: stuckUndo(h2) },
    );
    expect(failed.chaos_action.reason).toMatch(
      /^failed: action 'boom' failed: .*; our undo could not be completed/,
    );
  });
});

describe("an action in flight at a stop", () => {
  it("is awaited (bounded) before the undo, so the undo it registers late is replayed", async () => {
    const h = harness();
    const controller = new AbortController();
    const journal = await h.run(experiment({ method: [action("late", "late-scale", { value: 5 })] }), {
      signal: controller.signal,
      clock: undefined, // real time: the action's late answer comes on a real timer
      onEvent: (event) => {
        if (event.type === "activity-started") setTimeout(() => controller.abort("SIGTERM"), 5);
      },
    });
    expect(journal.status).toBe("interrupted");
    expect(journal.undo).toMatchObject([{ description: "scale back to 5", status: "succeeded" }]);
    expect(h.undone.map((step) => step.description)).toEqual(["scale back to 5"]);
  });

  it("is given up after the grace period: the reason says a change may be left", async () => {
    const h = harness();
    const controller = new AbortController();
    const journal = await h.run(experiment({ method: [action("forever", "ignore-signal")] }), {
      signal: controller.signal,
      inFlightGraceSeconds: 0.05,
      clock: undefined, // real time
      onEvent: (event) => {
        if (event.type === "activity-started") setTimeout(() => controller.abort("SIGTERM"), 5);
      },
    });
    expect(journal.chaos_action.reason).toBe(
      "failed: interrupted by SIGTERM; 1 activity execution(s) still running when the undo started, their changes may be left (see the undo file)",
    );
  });
});

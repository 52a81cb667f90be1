// Test support for engine tests: clocks that never wait, a native module of test activities, and a
// runner that builds experiments tersely. Real engine, real executor, real undo log on a temp file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import type { RunEvent } from "../../src/engine/events.ts";
import type { Journal } from "../../src/engine/journal.ts";
import { type RunInput, runExperiment } from "../../src/engine/run.ts";
import { createUndoLog } from "../../src/engine/undo.ts";
import type {
  ActivityDefinition,
  Experiment,
  HypothesisProbe,
  Tolerance,
} from "../../src/experiment/format.ts";
import { ActivityFailed } from "../../src/providers/activity-failed.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import type {
  Clock,
  NativeImplementation,
  NativeModuleSource,
  UndoStep,
} from "../../src/providers/native.ts";
import { createRegistry } from "../../src/providers/registry.ts";

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** One temporary directory per test file, removed when its tests are done. */
const scratch = mkdtempSync(path.join(tmpdir(), "engine-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
export const scratchDir = (): string => mkdtempSync(path.join(scratch, "run-"));

/** Time moves only when a test calls `advance`. */
export class ManualClock implements Clock {
  private current = T0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: this.current + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  get sleepers(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.resolve();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

/** Every sleep takes effect at once: virtual time jumps forward by its length. */
export class JumpClock implements Clock {
  current = T0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      setImmediate(() => {
        if (signal?.aborted) return reject(signal.reason);
        this.current += ms;
        resolve();
      });
    });
  }
}

export const settle = async (turns = 5) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Polls (real time, at most 5 s) until the predicate holds. */
export async function until(predicate: () => boolean, what = "condition"): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Shared state the test activities read and write. */
export class World {
  broken = false;
  counters: Record<string, number> = {};
  calls: Array<{ func: string; args: Record<string, unknown>; secrets: Record<string, unknown> }> = [];
  /** Signals native `wait` activities wait on, by key. */
  gates = new Map<string, () => void>();
  gateWaiters = new Map<string, Promise<void>>();

  count(key: string): number {
    return this.counters[key] ?? 0;
  }

  open(key: string): void {
    this.gate(key);
    this.gates.get(key)!();
  }

  gate(key: string): Promise<void> {
    let waiter = this.gateWaiters.get(key);
    if (!waiter) {
      waiter = new Promise<void>((resolve) => this.gates.set(key, resolve));
      this.gateWaiters.set(key, waiter);
    }
    return waiter;
  }
}

const sig = (func: string, kind: "action" | "probe", params: string[] = []) => ({
  module: "test",
  func,
  kind,
  params: params.map((name) => ({ name, type: "any" as const, default: null })),
  summary: func,
});

export function testSource(world: World): NativeModuleSource {
  const record =
    (func: string, impl: NativeImplementation): NativeImplementation =>
    async (args, ctx) => {
      world.calls.push({ func, args, secrets: ctx.secrets });
      world.counters[func] = world.count(func) + 1;
      return impl(args, ctx);
    };
  const impls: Record<string, NativeImplementation> = {
    value: async (args) => args.value,
    healthy: async () => {
      if (world.broken) world.counters["seen-broken"] = 1;
      return !world.broken;
    },
    reachable: async () => {
      if (world.broken) throw new ActivityFailed("connection refused");
      return true;
    },
    break: async () => {
      world.broken = true;
      return "broken";
    },
    repair: async () => {
      world.broken = false;
      return "repaired";
    },
    fail: async (args) => {
      throw new ActivityFailed(String(args.message ?? "it failed"));
    },
    crash: async () => {
      const nothing = undefined as unknown as { field: number };
      return nothing.field;
    },
    hang: (_args, ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }),
      ),
    wait: async (args) => {
      await world.gate(String(args.value));
      return args.value;
    },
    open: async (args) => {
      world.open(String(args.value));
      return args.value;
    },
    "wait-deviation": async () => {
      await until(() => world.counters["seen-broken"] !== undefined, "a deviation seen by the hypothesis");
      return null;
    },
    scale: async (args, ctx) => {
      await ctx.undo.register({
        kind: "test.scale",
        description: `scale back to ${args.value}`,
        data: { to: args.value },
      });
      return "scaled";
    },
    config: async (_args, ctx) => ctx.configuration,
    // An action whose change (and undo) comes after the signal: a request already on its way.
    "late-scale": async (args, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await ctx.undo.register({
        kind: "test.scale",
        description: `scale back to ${args.value}`,
        data: { to: args.value },
      });
      return "scaled";
    },
    "ignore-signal": () => new Promise(() => {}),
    // A background observer (as the load generator): runs until the method ends (ctx.finish), the
    // run stops it (ctx.signal), or, when given, `value` seconds pass.
    observe: async (args, ctx) => {
      const ended = AbortSignal.any([ctx.signal, ...(ctx.finish ? [ctx.finish] : [])]);
      try {
        if (args.value === undefined || args.value === null) {
          await new Promise((_, reject) => ended.addEventListener("abort", reject, { once: true }));
        }
        await ctx.clock.sleep(Number(args.value) * 1000, ended);
        return "elapsed";
      } catch {
        ctx.signal.throwIfAborted();
        return "finished";
      }
    },
  };
  const signatures = Object.keys(impls).map((func) =>
    sig(func, ["value", "healthy", "config", "reachable", "observe"].includes(func) ? "probe" : "action", [
      "value",
      "message",
    ]),
  );
  return {
    signatures,
    async load(_module, func) {
      return record(func, impls[func]!);
    },
  };
}

export const probe = (
  name: string,
  func: string,
  args: Record<string, unknown> = {},
  extra: Partial<ActivityDefinition> = {},
): ActivityDefinition => ({
  type: "probe",
  name,
  provider: { type: "python", module: "test", func, arguments: args },
  ...extra,
});

export const action = (
  name: string,
  func: string,
  args: Record<string, unknown> = {},
  extra: Partial<ActivityDefinition> = {},
): ActivityDefinition => ({
  type: "action",
  name,
  provider: { type: "python", module: "test", func, arguments: args },
  ...extra,
});

export const hypothesisProbe = (
  name: string,
  func: string,
  tolerance: Tolerance,
  args: Record<string, unknown> = {},
): HypothesisProbe => ({ ...probe(name, func, args), type: "probe", tolerance });

export function experiment(parts: Partial<Experiment>): Experiment {
  return { title: "t", description: "d", method: [], ...parts };
}

export interface Harness {
  world: World;
  undone: UndoStep[];
  events: RunEvent[];
  undoFile: string;
  run(experiment: Experiment, input?: Partial<RunInput>): Promise<Journal>;
}

export function harness(): Harness {
  const world = new World();
  const undone: UndoStep[] = [];
  const events: RunEvent[] = [];
  const dir = scratchDir();
  const undoFile = path.join(dir, "undo.json");
  const registry = createRegistry([testSource(world)]);
  const execute = createExecutor({ registry });
  let runs = 0;
  return {
    world,
    undone,
    events,
    undoFile,
    run(exp, input = {}) {
      const log = createUndoLog({
        file: undoFile,
        runId: `run-${++runs}`,
        execute: async (step) => {
          undone.push(step);
        },
      });
      return runExperiment({
        experiment: exp,
        file: "experiments/test.yaml",
        experimentDir: dir,
        execute,
        undo: { registry: log, replay: (options) => log.replay(options), file: undoFile },
        clock: new JumpClock(),
        onEvent: (event) => events.push(event),
        version: "0.1.0-test",
        ...input,
      });
    },
  };
}

// The cases of the fault-injection suite: every fixture crossed with every kind of fault, on each
// request a fault can hit. Pure and seeded: the same seed gives the same cases, in the same order.
import type { OutageMode, SimFaultRule } from "../../src/sim/index.ts";
import { SeededRandom } from "../../src/sim/random.ts";
import { describeTarget, type FixtureName, fixtures, type Target } from "./fixtures.ts";

export const categories = [
  "baseline",
  "api-error",
  "throttled",
  "applied-then-failed",
  "random-errors",
  "latency",
  "dropped-watches",
  "unreachable-in-method",
  "unreachable-in-undo",
  "signal",
  "signal-in-action",
  "kill-then-cleanup",
  "concurrent-runs",
] as const;

export type Category = (typeof categories)[number];

export type Signal = "SIGINT" | "SIGTERM" | "SIGKILL";

export type Fault =
  /** No fault: a clean run, in which every target request of the fixture must be sent. */
  | { kind: "none"; targets: Target[] }
  /** Fault rules from the start; with a target, the rules must hit it (else the case is void). */
  | { kind: "rules"; rules: Array<Omit<SimFaultRule, "onHit">>; target?: Target }
  | { kind: "drop-watches"; everyMs: number; abrupt: boolean }
  /** When the target request arrives, its connection is cut and the API is unreachable for `ms`. */
  | { kind: "outage"; target: Target; ms: number; mode: OutageMode }
  | { kind: "signal"; signal: Signal; afterMs: number }
  /** The target request is held at the server for `holdMs`; the signal arrives meanwhile. */
  | { kind: "signal-in-flight"; signal: Signal; target: Target; holdMs: number }
  /** A second run of `partner` starts `offsetMs` after the first. */
  | { kind: "concurrent"; partner: FixtureName; offsetMs: number };

export interface FaultCase {
  id: string;
  category: Category;
  fixture: FixtureName;
  fault: Fault;
}

const ruleOn = (target: Target) => ({ verb: target.verb, resource: target.resource, nth: target.nth });

/** Generates every case, at least 200. `seed` picks the random errors, signal times and offsets. */
export function generateCases(seed = 8): FaultCase[] {
  const random = new SeededRandom(seed);
  const between = (low: number, high: number) => low + Math.floor(random.next() * (high - low + 1));
  const cases: FaultCase[] = [];
  const add = (category: Category, fixture: FixtureName, what: string, fault: Fault) =>
    cases.push({ id: `${category} ${fixture}: ${what}`, category, fixture, fault });

  for (const { name, targets } of fixtures) {
    const mutating = targets.filter((t) => t.mutating);
    const actions = mutating.filter((t) => t.phase === "action");
    const undos = mutating.filter((t) => t.phase === "undo");
    const firstAction = actions[0];

    add("baseline", name, "no fault; every target request is sent", { kind: "none", targets });

    for (const target of targets) {
      for (const status of [500, 503]) {
        add("api-error", name, `${status} on ${describeTarget(target)}`, {
          kind: "rules",
          rules: [{ ...ruleOn(target), effect: { kind: "status", status } }],
          target,
        });
      }
      add("throttled", name, `429 (Retry-After: 1) on ${describeTarget(target)}`, {
        kind: "rules",
        rules: [{ ...ruleOn(target), effect: { kind: "status", status: 429, retryAfterSeconds: 1 } }],
        target,
      });
    }
    for (const target of mutating) {
      for (const answer of [500, 504, "reset"] as const) {
        add("applied-then-failed", name, `${describeTarget(target)} applied, then ${answer}`, {
          kind: "rules",
          rules: [{ ...ruleOn(target), effect: { kind: "applied-then-failed", answer } }],
          target,
        });
      }
    }
    for (let i = 0; i < 4; i++) {
      const ruleSeed = between(1, 1_000_000);
      const status = [500, 502, 503][i % 3]!;
      add("random-errors", name, `seed ${ruleSeed}: 15% ${status}, 5% 429`, {
        kind: "rules",
        rules: [
          { probability: 0.15, seed: ruleSeed, effect: { kind: "status", status } },
          {
            probability: 0.05,
            seed: ruleSeed + 1,
            effect: { kind: "status", status: 429, retryAfterSeconds: 1 },
          },
        ],
      });
    }
    const slow = between(100, 250);
    add("latency", name, `every request ${slow} ms late`, {
      kind: "rules",
      rules: [{ effect: { kind: "latency", ms: slow } }],
    });
    if (firstAction) {
      add("latency", name, `${describeTarget(firstAction)} 3000 ms late`, {
        kind: "rules",
        rules: [{ ...ruleOn(firstAction), effect: { kind: "latency", ms: 3000 } }],
        target: firstAction,
      });
    }
    if (name === "scale-to-zero") {
      for (const everyMs of [50, 150, 400]) {
        for (const abrupt of [false, true]) {
          add(
            "dropped-watches",
            name,
            `every ${everyMs} ms, ${abrupt ? "connections reset" : "ended cleanly"}`,
            {
              kind: "drop-watches",
              everyMs,
              abrupt,
            },
          );
        }
      }
    }
    for (const [category, phaseTargets] of [
      ["unreachable-in-method", firstAction ? [firstAction] : []],
      ["unreachable-in-undo", undos.slice(0, 1)],
    ] as const) {
      for (const target of phaseTargets) {
        for (const ms of [1000, 3000]) {
          for (const mode of ["refuse", "reset"] as const) {
            add(category, name, `${ms / 1000} s (${mode}) from ${describeTarget(target)}`, {
              kind: "outage",
              target,
              ms,
              mode,
            });
          }
        }
      }
    }
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (let i = 0; i < 2; i++) {
        const afterMs = between(400, 2400);
        add("signal", name, `${signal} ${afterMs} ms after start`, { kind: "signal", signal, afterMs });
      }
      for (const target of actions) {
        add("signal-in-action", name, `${signal} while ${describeTarget(target)} is in flight`, {
          kind: "signal-in-flight",
          signal,
          target,
          holdMs: 1000,
        });
      }
    }
    for (let i = 0; i < 2; i++) {
      const afterMs = between(400, 2400);
      add("kill-then-cleanup", name, `SIGKILL ${afterMs} ms after start`, {
        kind: "signal",
        signal: "SIGKILL",
        afterMs,
      });
    }
    for (const target of actions) {
      add("kill-then-cleanup", name, `SIGKILL while ${describeTarget(target)} is in flight`, {
        kind: "signal-in-flight",
        signal: "SIGKILL",
        target,
        holdMs: 1000,
      });
    }
    // The second run starting well after the first one's fault, around it, and at the same time.
    for (const offsetMs of [between(900, 1200), between(300, 600), 0]) {
      add("concurrent-runs", name, `a second run of ${name} ${offsetMs} ms later`, {
        kind: "concurrent",
        partner: name,
        offsetMs,
      });
    }
  }
  return cases;
}

/**
 * A few cases for the test suite: every baseline (they check the fixtures), and per category the
 * first case on an action plus the first on an undo of another experiment where it has both, else
 * its first case.
 */
export function sampleCases(cases: FaultCase[]): FaultCase[] {
  const phaseOf = (c: FaultCase) => ("target" in c.fault ? c.fault.target?.phase : undefined);
  const picked: FaultCase[] = [];
  for (const category of categories) {
    const own = cases.filter((c) => c.category === category);
    if (category === "baseline") {
      picked.push(...own);
      continue;
    }
    const action = own.find((c) => phaseOf(c) === "action");
    const undo = own.find((c) => phaseOf(c) === "undo" && c.fixture !== action?.fixture);
    picked.push(...(action && undo ? [action, undo] : own.slice(0, 1)));
  }
  return picked;
}

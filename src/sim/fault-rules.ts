// Run-time fault rules of the simulated cluster: which requests misbehave, when, and how. Pure
// decisions: the API handler asks `decide` for a request and carries out what it answers.
import { SeededRandom } from "./random.ts";

/** What a request that a rule hits gets instead of (or on top of) its normal answer. */
export type SimFaultEffect =
  /** Answer this status without applying the request; 429 and 503 may carry a Retry-After. */
  | { kind: "status"; status: number; retryAfterSeconds?: number; message?: string }
  /** Reset the connection without applying the request. */
  | { kind: "reset" }
  /** Apply the request, then answer 500/504 or reset the connection: the client never sees the success. */
  | { kind: "applied-then-failed"; answer: 500 | 504 | "reset" }
  /** Answer normally, this much later. */
  | { kind: "latency"; ms: number };

export interface SimFaultRule {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string;
  /** HTTP method, for rules that think in requests rather than verbs. */
  method?: string;
  /** Resource with an optional subresource: "deployments", "deployments/scale", "pods/eviction". */
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  /** The first matching request the rule acts on, counting from 1 (default 1). */
  nth?: number;
  /** How many matching requests it acts on from `nth` on: 1 when `nth` is given, else unlimited. */
  times?: number;
  /** Acts on each eligible request with this probability (seeded), instead of on every one. */
  probability?: number;
  /** Seed of the probability draws (default 1): the same seed hits the same requests. */
  seed?: number;
  effect: SimFaultEffect;
  /** Called when the rule acts on a request, before the effect: lets a test act at that moment. */
  onHit?: (request: SimRequestFacts) => void;
}

/** What a rule can match a request on. Discovery requests carry no resource. */
export interface SimRequestFacts {
  method: string;
  path: string;
  verb: string;
  group?: string;
  /** "deployments" or "deployments/scale". */
  resource?: string;
  namespace?: string;
  name?: string;
}

/** A rule once added: how often it matched and acted, and a way to take it back. */
export interface SimFaultRuleHandle {
  readonly matched: number;
  readonly hits: number;
  remove(): void;
}

interface ActiveRule {
  rule: SimFaultRule;
  random: SeededRandom;
  matched: number;
  hits: number;
}

function matches(rule: SimFaultRule, request: SimRequestFacts): boolean {
  const same = (wanted: string | undefined, actual: string | undefined) =>
    wanted === undefined || wanted.toLowerCase() === (actual ?? "").toLowerCase();
  return (
    same(rule.verb, request.verb) &&
    same(rule.method, request.method) &&
    same(rule.resource, request.resource) &&
    (rule.group === undefined || rule.group === (request.group ?? "")) &&
    (rule.namespace === undefined || rule.namespace === request.namespace) &&
    (rule.name === undefined || rule.name === request.name)
  );
}

/** The decision for one request: added latency, and the effect that replaces the normal answer. */
export interface FaultDecision {
  latencyMs: number;
  effect?: Exclude<SimFaultEffect, { kind: "latency" }>;
}

export class FaultRules {
  private readonly rules: ActiveRule[] = [];

  add(rule: SimFaultRule): SimFaultRuleHandle {
    if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1)) {
      throw new Error(`sim fault rule: nth must be a whole number from 1, got ${rule.nth}`);
    }
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new Error(`sim fault rule: probability must be within 0..1, got ${rule.probability}`);
    }
    const active: ActiveRule = { rule, random: new SeededRandom(rule.seed ?? 1), matched: 0, hits: 0 };
    this.rules.push(active);
    const rules = this.rules;
    return {
      get matched() {
        return active.matched;
      },
      get hits() {
        return active.hits;
      },
      remove() {
        const index = rules.indexOf(active);
        if (index >= 0) rules.splice(index, 1);
      },
    };
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Counts the request against every rule it matches; latencies add up, the first other effect wins. */
  decide(request: SimRequestFacts): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of [...this.rules]) {
      if (!matches(active.rule, request)) continue;
      active.matched++;
      const { nth, times, probability } = active.rule;
      const first = nth ?? 1;
      const limit = times ?? (nth === undefined ? Number.POSITIVE_INFINITY : 1);
      if (active.matched < first || active.hits >= limit) continue;
      if (probability !== undefined && active.random.next() >= probability) continue;
      const effect = active.rule.effect;
      if (effect.kind !== "latency" && decision.effect) continue;
      active.hits++;
      active.rule.onHit?.(request);
      if (effect.kind === "latency") decision.latencyMs += effect.ms;
      else decision.effect = effect;
    }
    return decision;
  }
}

// A fixed quantity of pods chosen while the listing streams in: the same pods as pickPods chooses
// among every candidate, or, at random, a uniform sample, keeping no more than the quantity.
import type { V1Pod } from "@kubernetes/client-node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type PodSelection,
  pickPods,
  streamingChoice,
  type WirePod,
} from "../../../src/kubernetes/activities/selection.ts";

const base: PodSelection = { all: false, rand: false, mode: "fixed", qty: 1, order: "alphabetic" };

const wirePod = (index: number, day: number): WirePod => ({
  metadata: {
    name: `pod-${String(index).padStart(5, "0")}`,
    namespace: "load",
    uid: `uid-${index}`,
    creationTimestamp: `2026-01-${String(day).padStart(2, "0")}T00:00:00Z`,
  },
});

const typed = (pod: WirePod): V1Pod => ({
  metadata: { ...pod.metadata, creationTimestamp: new Date(pod.metadata?.creationTimestamp ?? "") },
});

const namesOf = (pods: readonly V1Pod[]) => pods.map((pod) => pod.metadata?.name);

function streamed(pods: readonly WirePod[], selection: PodSelection, random: () => number): V1Pod[] {
  const choice = streamingChoice(selection, random);
  if (!choice) throw new Error("expected a streaming choice");
  for (const pod of pods) choice.offer(pod);
  return choice.chosen();
}

/** Park and Miller's generator: the same draws on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

describe("streamingChoice", () => {
  it("chooses the same pods as pickPods, first or oldest (ties in listing order), across page-sized lists", () => {
    fc.assert(
      fc.property(
        // Few distinct days: many pods share a creation time, so the sort's stability matters.
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 1_300, size: "max" }),
        fc.nat({ max: 1_400 }),
        fc.constantFrom("alphabetic", "oldest"),
        (days, qty, order) => {
          const pods = days.map((day, index) => wirePod(index, day));
          const selection = { ...base, qty, order };
          expect(namesOf(streamed(pods, selection, Math.random))).toEqual(
            namesOf(pickPods(pods.map(typed), selection, Math.random).chosen),
          );
        },
      ),
      // No shrinking: lists of a thousand pods shrink slowly; the counterexample is printed as found.
      { numRuns: 150, endOnFailure: true },
    );
  });

  it("keeps the slimmed pod an action reads: name, namespace, uid and creation time", () => {
    const [pod] = streamed([wirePod(7, 3)], base, Math.random);
    expect(pod).toEqual({
      metadata: {
        name: "pod-00007",
        namespace: "load",
        uid: "uid-7",
        creationTimestamp: new Date("2026-01-03T00:00:00Z"),
      },
      spec: { containers: [], nodeName: undefined },
    });
  });

  it("at random, picks distinct pods, every pod when qty covers them, none for qty 0", () => {
    const pods = Array.from({ length: 40 }, (_, index) => wirePod(index, 1));
    const picked = namesOf(streamed(pods, { ...base, rand: true, qty: 7 }, seeded(11)));
    expect(picked).toHaveLength(7);
    expect(new Set(picked).size).toBe(7);
    const everyPod = namesOf(streamed(pods, { ...base, rand: true, qty: 50 }, seeded(11)));
    expect([...everyPod].sort()).toEqual(namesOf(pods.map(typed)));
    expect(streamed(pods, { ...base, rand: true, qty: 0 }, seeded(11))).toEqual([]);
  });

  it("at random, gives every pod the same chance (qty / candidates), as random.sample does", () => {
    const pods = Array.from({ length: 10 }, (_, index) => wirePod(index, 1));
    const random = seeded(20_261_207);
    const trials = 30_000;
    const hits = new Map<string, number>();
    for (let trial = 0; trial < trials; trial++) {
      for (const name of namesOf(streamed(pods, { ...base, rand: true, qty: 3 }, random)))
        hits.set(name ?? "", (hits.get(name ?? "") ?? 0) + 1);
    }
    expect(hits.size).toBe(10);
    // Expected 0.3 each; 0.015 is more than four standard deviations of 30,000 draws.
    for (const count of hits.values()) expect(Math.abs(count / trials - 0.3)).toBeLessThan(0.015);
  });

  it("leaves all and percentages to the choice among every candidate", () => {
    expect(streamingChoice({ ...base, all: true }, Math.random)).toBeUndefined();
    expect(streamingChoice({ ...base, mode: "percentage", qty: 10 }, Math.random)).toBeUndefined();
    expect(() => streamingChoice({ ...base, qty: -1 }, Math.random)).toThrow(/qty -1 is negative/);
  });
});

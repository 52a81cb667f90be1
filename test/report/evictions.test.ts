// The report calls out the pods of protected namespaces a drain evicted, and nothing else. Pure.
import { describe, expect, it } from "vitest";
import type { Journal, TouchRecord } from "../../src/engine/journal.ts";
import { protectedEvictionLines, protectedEvictionsOf } from "../../src/report/evictions.ts";
import { renderReport } from "../../src/report/markdown.ts";
import { journal, outcomeOf } from "./journals.ts";

const drained: TouchRecord = {
  action: "chaosk8s.node.actions.drain_nodes",
  objects: [
    { kind: "Pod", namespace: "kube-system", name: "coredns-7d4b-x1", uid: "u1" },
    { kind: "Pod", namespace: "shop", name: "web-1", uid: "u2" },
    { kind: "Pod", namespace: "kube-system", name: "coredns-7d4b-x1", uid: "u1" },
  ],
  after: "evicted",
};
const cordoned: TouchRecord = {
  action: "chaosk8s.node.actions.drain_nodes",
  objects: [{ kind: "Node", name: "worker-1" }],
  after: [{ name: "worker-1", unschedulable: true }],
};
const deleted: TouchRecord = {
  action: "chaosk8s.pod.actions.terminate_pods",
  objects: [{ kind: "Pod", namespace: "kube-system", name: "etcd-1" }],
  after: "deleted",
};

function withTouches(touched: TouchRecord[]): Journal {
  const base = journal("terminate-pod-held");
  return { ...base, run: base.run.map((run, index) => (index === 0 ? { ...run, touched } : run)) };
}

describe("evicted pods of protected namespaces", () => {
  it("lists each pod a drain evicted from a protected namespace once, and nothing else", () => {
    const evicted = withTouches([cordoned, drained, deleted]);
    expect(protectedEvictionsOf(evicted)).toEqual([
      { kind: "Pod", namespace: "kube-system", name: "coredns-7d4b-x1", uid: "u1" },
    ]);
    expect(protectedEvictionLines(evicted)).toEqual([
      "⚠️ Evicted from protected namespaces (drain allowed by `allow-node-drain`): `kube-system/coredns-7d4b-x1`",
      "",
    ]);
  });

  it("says nothing when no drain evicted such a pod", () => {
    expect(protectedEvictionLines(withTouches([cordoned, deleted]))).toEqual([]);
    expect(protectedEvictionLines(journal("terminate-pod-held"))).toEqual([]);
  });

  it("shows the line in the experiment's section of the report", () => {
    const outcome = { ...outcomeOf("terminate-pod-held"), journal: withTouches([drained]) };
    const report = renderReport({ verdict: outcome.verdict, outcomes: [outcome] });
    expect(report).toContain(
      "Evicted from protected namespaces (drain allowed by `allow-node-drain`): `kube-system/coredns-7d4b-x1`",
    );
  });
});

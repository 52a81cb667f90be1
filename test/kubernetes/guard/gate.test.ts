// The gate of a run against the simulated cluster (the demo app): an action whose targets cannot
// be resolved stops the run with a typed error naming the action; a run within the rules passes
// and prints its targets; --max-affected refuses with the rule that was broken.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Experiment } from "../../../src/experiment/format.ts";
import { Kinds, refTo } from "../../../src/kubernetes/activities/object-access.ts";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import {
  BlastRadiusRefusal,
  type MaxAffected,
  UnresolvedTargetsError,
} from "../../../src/kubernetes/guard.ts";
import { kubernetesActivities } from "../../../src/kubernetes/scope.ts";
import { createRegistry } from "../../../src/providers/registry.ts";
import { type Cluster, createCluster } from "../../../src/run/cluster-gate.ts";

const experiment = (module: string, func: string, args: Record<string, unknown>) =>
  Experiment.parse({
    title: "gate",
    description: "gate",
    method: [{ type: "action", name: "act", provider: { type: "python", module, func, arguments: args } }],
  });

describe("the gate before a run", () => {
  const registry = createRegistry([chaosk8sSource]);
  const infos: string[] = [];
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await createCluster(
      { mode: "sim" },
      { env: {}, cwd: process.cwd(), reporter: { info: (m) => infos.push(m), warn: (m) => infos.push(m) } },
    );
  }, 30_000);
  afterAll(async () => {
    await cluster?.close();
  });

  const gate = (exp: Experiment, maxAffected?: MaxAffected) =>
    cluster.gate(exp, kubernetesActivities(exp), { cluster: { mode: "sim" }, maxAffected }, registry);

  it("refuses an action whose targets cannot be resolved, naming it", async () => {
    const exp = experiment("chaosk8s.replicaset.actions", "delete_replica_set", {});
    const refusal = await gate(exp).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UnresolvedTargetsError);
    expect((refusal as Error).message).toMatch(
      /^cannot resolve the targets of 'act' \(chaosk8s\.replicaset\.actions\.delete_replica_set\): .*refusing/,
    );
  });

  it("passes within the rules and prints the targets; refuses above --max-affected", async () => {
    const exp = experiment("chaosk8s.pod.actions", "terminate_pods", { label_selector: "app=web", qty: 1 });
    await gate(exp);
    expect(infos.join("\n")).toMatch(/terminate_pods\) in default: 1 of 3 matching/);
    const all = experiment("chaosk8s.pod.actions", "terminate_pods", {
      label_selector: "app=web",
      all: true,
    });
    const refusal = await gate(all, { kind: "percent", value: 50 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BlastRadiusRefusal);
    expect((refusal as Error).message).toContain("50%");
  });

  it("replays an undo step with the signal it is given: a stopped step sends no change", async () => {
    const step = {
      id: "s",
      kind: "k8s.scale",
      description: "scale deployment default/web back to 2 replicas",
      data: { ref: refTo(Kinds.Deployment, "web", "default"), replicas: 2 },
    };
    const stop = new AbortController();
    stop.abort(new Error("the attempt's time is up"));
    await expect(cluster.executeUndo(step, stop.signal)).rejects.toThrow("the attempt's time is up");
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${node}" is Chaos Toolkit's placeholder syntax.
// --allow-node-drain: a drain of a node that hosts kube-system pods is refused by the blast-radius
// guard unless the run opts in; with the opt-in it evicts them through the Eviction API (a
// PodDisruptionBudget in kube-system is respected), the log and the report list them, and the undo
// uncordons the node. The whole pipeline against the simulated cluster.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/markdown.ts";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import { type RunRequest, runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

const timing = { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 };

/** A DNS-like Deployment in kube-system guarded by a PDB, and an app in its own namespace. */
const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: dns, namespace: kube-system}
spec:
  replicas: 2
  selector: {matchLabels: {app: dns}}
  template:
    metadata: {labels: {app: dns}}
    spec: {containers: [{name: dns, image: coredns}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: dns, namespace: kube-system}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: dns}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

const experiment = `title: drain the node that hosts DNS
description: what a node upgrade does to the node it replaces
configuration:
  node: sim-node-1
method:
  - type: action
    name: drain-the-node
    provider:
      type: python
      module: chaosk8s.node.actions
      func: drain_nodes
      arguments: {name: "\${node}", timeout: 60}
`;

interface Pod {
  metadata: { name: string; namespace: string; uid: string };
  spec: { nodeName?: string };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "node-drain-test-"));
  await writeFile(join(dir, "drain.yaml"), experiment);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withSim<T>(body: (sim: SimCluster, node: string) => Promise<T>): Promise<T> {
  const sim = await startSimCluster({ manifests, nodes: 2, timing });
  try {
    await sim.settled(10_000);
    const dns = sim.list("Pod", "kube-system") as Pod[];
    const node = dns.find((pod) => pod.metadata.name.startsWith("dns-"))?.spec.nodeName;
    if (!node) throw new Error("the simulated scheduler placed no DNS pod");
    return await body(sim, node);
  } finally {
    await sim.close();
  }
}

function request(sim: SimCluster, node: string, options: Partial<RunOptions>, log: string[]): RunRequest {
  const record = (message: string) => log.push(message);
  return {
    options: runOptions({
      targets: ["drain.yaml"],
      vars: [`node=${node}`],
      journalPath: "journals/",
      ...options,
    }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter: { info: record, warn: record, error: record },
    env: { PATH: process.env.PATH, HOME: dir },
  };
}

const podsOf = (sim: SimCluster, namespace: string, node: string) =>
  (sim.list("Pod", namespace) as Pod[]).filter((pod) => pod.spec.nodeName === node);

describe("draining a node that hosts pods of protected namespaces", () => {
  it("is refused without --allow-node-drain, naming the opt-in, and evicts nothing", async () => {
    await withSim(async (sim, node) => {
      const before = podsOf(sim, "kube-system", node).map((pod) => pod.metadata.uid);
      const log: string[] = [];
      const result = await runExperiments(request(sim, node, {}, log));
      expect(result.verdict).toBe("failed");
      expect(result.outcomes[0]!.reason).toContain("kube-system is a protected namespace");
      expect(result.outcomes[0]!.reason).toContain("pass --allow-node-drain to let drain_nodes evict");
      expect(podsOf(sim, "kube-system", node).map((pod) => pod.metadata.uid)).toEqual(before);
      expect(
        (sim.get("Node", undefined, node) as { spec: { unschedulable?: boolean } }).spec.unschedulable,
      ).not.toBe(true);
    });
  });

  it("with --allow-node-drain evicts them, lists them in the log and the report, and uncordons at the end", async () => {
    await withSim(async (sim, node) => {
      const protectedPods = podsOf(sim, "kube-system", node).map((pod) => pod.metadata.name);
      expect(protectedPods.length).toBeGreaterThan(0);
      const log: string[] = [];
      const result = await runExperiments(request(sim, node, { allowNodeDrain: true }, log));
      expect(result.outcomes[0]).toMatchObject({ verdict: "passed" });

      const listed = log.find((line) => line.startsWith("--allow-node-drain: drain_nodes may evict"));
      expect(listed).toBeDefined();
      for (const name of protectedPods) expect(listed).toContain(`pod kube-system/${name}`);

      // Evicted, not deleted by us: the PDB let each go; the Deployment brought replacements up elsewhere.
      expect(podsOf(sim, "kube-system", node).filter((pod) => pod.metadata.name.startsWith("dns-"))).toEqual(
        [],
      );
      const journal = result.outcomes[0]!.journal!;
      const evicted = journal.run[0]!.touched!.find((record) => record.after === "evicted")!;
      expect(
        evicted.objects
          .filter((o) => o.namespace === "kube-system")
          .map((o) => o.name)
          .sort(),
      ).toEqual([...protectedPods].sort());
      // The undo put the node back as it was.
      expect(
        (sim.get("Node", undefined, node) as { spec: { unschedulable?: boolean } }).spec.unschedulable,
      ).toBe(false);
      expect(journal.undo?.map((step) => step.status)).toEqual(["succeeded"]);

      const report = renderReport(result);
      expect(report).toContain("Evicted from protected namespaces (drain allowed by `allow-node-drain`)");
      for (const name of protectedPods) expect(report).toContain(`\`kube-system/${name}\``);
      // The app's pods were evicted too, but only protected namespaces are called out.
      expect(report).not.toMatch(/Evicted from protected namespaces[^\n]*shop\//);
    });
  });

  it("with --allow-node-drain still refuses any other action in kube-system", async () => {
    await writeFile(
      join(dir, "terminate.yaml"),
      `title: kill DNS
description: not a drain
method:
  - type: action
    name: kill-dns
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=dns, ns: kube-system}
`,
    );
    await withSim(async (sim, node) => {
      const log: string[] = [];
      const result = await runExperiments(
        request(sim, node, { targets: ["terminate.yaml"], vars: [], allowNodeDrain: true }, log),
      );
      expect(result.outcomes[0]!.verdict).toBe("failed");
      expect(result.outcomes[0]!.reason).toContain("kube-system is a protected namespace");
      expect(result.outcomes[0]!.reason).not.toContain("--allow-node-drain");
    });
  });
});

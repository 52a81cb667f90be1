// The upgrade rehearsal's phases against the simulated cluster, where kind is not needed: two nodes
// labelled by upgrade pool (as the kind config labels the workers), the experiments run before the
// drain, the previous node is cordoned and drained through the Eviction API, the experiments run
// again on the upgraded node alone, the previous node is uncordoned; one result holds it all.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREVIOUS_WORKERS_SELECTOR, UPGRADE_POOL_LABEL } from "../../src/kubernetes/kind-config.ts";
import { renderReport } from "../../src/report/markdown.ts";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import type { RunRequest } from "../../src/run/pipeline.ts";
import { prepareExperiments } from "../../src/run/prepare.ts";
import { DRAIN_OUTCOME_FILE, runUpgradeRehearsal } from "../../src/run/upgrade-rehearsal.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

const timing = { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 };

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
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

const experiment = `title: a web pod may die
description: the app keeps running when one of its pods is killed
steady-state-hypothesis:
  title: web pods run
  probes:
    - type: probe
      name: web-pods-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=web, phase: Running, ns: shop}
method:
  - type: action
    name: kill-one-web-pod
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=web, ns: shop, rand: true, qty: 1}
    pauses: {after: 1}
`;

interface Pod {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string };
}
interface Node {
  metadata: { labels?: Record<string, string> };
  spec: { unschedulable?: boolean };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rehearsal-test-"));
  await writeFile(join(dir, "kill-web.yaml"), experiment);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two nodes; the one that hosts a DNS pod is labelled as the previous version, the other as upgraded. */
async function withUpgradingSim<T>(
  body: (sim: SimCluster, previous: string) => Promise<T>,
  source = manifests,
): Promise<T> {
  const sim = await startSimCluster({ manifests: source, nodes: 2, timing });
  try {
    await sim.settled(10_000);
    const dnsNode = (sim.list("Pod", "kube-system") as Pod[]).find((pod) =>
      pod.metadata.name.startsWith("dns-"),
    )?.spec.nodeName;
    if (!dnsNode) throw new Error("the simulated scheduler placed no DNS pod");
    const other = dnsNode === "sim-node-1" ? "sim-node-2" : "sim-node-1";
    for (const [name, pool] of [
      [dnsNode, "previous"],
      [other, "upgraded"],
    ] as const) {
      await sim.apply([
        {
          apiVersion: "v1",
          kind: "Node",
          metadata: { name, labels: { "kubernetes.io/hostname": name, [UPGRADE_POOL_LABEL]: pool } },
        },
      ]);
    }
    return await body(sim, dnsNode);
  } finally {
    await sim.close();
  }
}

async function rehearse(
  sim: SimCluster,
  options: Partial<RunOptions>,
  log: string[],
  timeoutSeconds = 60,
  targets = ["kill-web.yaml"],
) {
  const record = (message: string) => log.push(message);
  const reporter = { info: record, warn: record, error: record };
  const env = { PATH: process.env.PATH, HOME: dir };
  const journalPath = join(dir, `journals-${Math.random().toString(36).slice(2)}`);
  const request: RunRequest = {
    options: runOptions({ targets, journalPath, ...options }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter,
    env,
  };
  const preparation = await prepareExperiments({
    targets,
    vars: [],
    varFiles: [],
    cwd: dir,
    env,
    reporter,
  });
  const result = await runUpgradeRehearsal(preparation, request, {
    labelSelector: PREVIOUS_WORKERS_SELECTOR,
    timeoutSeconds,
    waitFor: [
      { namespace: "shop", kind: "deployment", name: "web" },
      { namespace: "kube-system", kind: "deployment", name: "dns" },
    ],
    waitTimeoutSeconds: 30,
  });
  return { result, journalPath };
}

const podsOn = (sim: SimCluster, namespace: string, node: string) =>
  (sim.list("Pod", namespace) as Pod[])
    .filter((pod) => pod.spec.nodeName === node)
    .map((pod) => pod.metadata.name);

describe("an upgrade rehearsal", () => {
  it("runs the experiments before and after draining the previous node, in one result, and uncordons it", async () => {
    await withUpgradingSim(async (sim, previous) => {
      const dnsOnPrevious = podsOn(sim, "kube-system", previous).filter((name) => name.startsWith("dns-"));
      expect(dnsOnPrevious.length).toBeGreaterThan(0);
      const log: string[] = [];
      const { result, journalPath } = await rehearse(sim, { allowNodeDrain: true }, log);

      expect(result.verdict).toBe("passed");
      expect(result.undo).toBeUndefined();
      expect(result.outcomes.map((outcome) => [outcome.title, outcome.verdict])).toEqual([
        ["a web pod may die (phase 1: before the drain)", "passed"],
        [`Upgrade rehearsal: cordon and drain the nodes ${PREVIOUS_WORKERS_SELECTOR}`, "passed"],
        [`a web pod may die (phase 2: nodes ${PREVIOUS_WORKERS_SELECTOR} cordoned and drained)`, "passed"],
      ]);
      const drain = result.outcomes[1]!;
      expect(drain.file).toBe(DRAIN_OUTCOME_FILE);
      expect(drain.reason).toMatch(
        new RegExp(`^drained ${previous}: evicted \\d+ pods \\(\\d+ of protected namespaces: `),
      );
      for (const name of dnsOnPrevious) expect(drain.reason).toContain(`kube-system/${name}`);
      expect(log.some((line) => line.startsWith("--allow-node-drain: drain_nodes may evict"))).toBe(true);
      // The drain held the cluster's node Lease, as a drain in an experiment does, and gave it back.
      const drainAt = log.findIndex((line) => line.startsWith("Draining "));
      expect(log[drainAt - 1]).toMatch(/^Holding Lease default\/chaos-action-nodes as /);
      expect(
        (sim.list("Lease", "default") as Array<{ metadata: { name: string } }>).map(
          (lease) => lease.metadata.name,
        ),
      ).not.toContain("chaos-action-nodes");

      // Phase 2 ran on the upgraded node alone: nothing came back to the previous one, which is
      // schedulable again at the end.
      expect(podsOn(sim, "shop", previous)).toEqual([]);
      expect(podsOn(sim, "kube-system", previous).filter((name) => name.startsWith("dns-"))).toEqual([]);
      const node = sim.get("Node", undefined, previous) as Node;
      expect(node.spec.unschedulable).toBe(false);
      expect(log.some((line) => /^Undo uncordon .*: succeeded$/.test(line))).toBe(true);

      // A journal per phase, in its own directory.
      expect(await readdir(join(journalPath, "1-before-drain"))).toEqual(["kill-web.yaml.journal.json"]);
      expect(await readdir(join(journalPath, "2-drained"))).toEqual(["kill-web.yaml.journal.json"]);

      const report = renderReport(result);
      expect(report).toContain("phase 1: before the drain");
      expect(report).toContain(`phase 2: nodes ${PREVIOUS_WORKERS_SELECTOR} cordoned and drained`);
      expect(report).toContain("of protected namespaces: kube-system/");
    });
  });

  it("without --allow-node-drain the guard refuses the drain, phase 2 is skipped and no node is cordoned", async () => {
    await withUpgradingSim(async (sim, previous) => {
      const before = podsOn(sim, "kube-system", previous);
      const log: string[] = [];
      const { result, journalPath } = await rehearse(sim, {}, log);
      expect(result.verdict).toBe("failed");
      expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(["passed", "failed", "skipped"]);
      expect(result.outcomes[1]!.reason).toContain("kube-system is a protected namespace");
      expect(result.outcomes[1]!.reason).toContain("--allow-node-drain");
      expect(result.outcomes[2]!.reason).toBe("skipped: the drain of the previous nodes failed");
      expect((sim.get("Node", undefined, previous) as Node).spec.unschedulable).not.toBe(true);
      expect(podsOn(sim, "kube-system", previous)).toEqual(before);
      expect(existsSync(join(journalPath, "2-drained"))).toBe(false);
    });
  });

  it("when a PodDisruptionBudget never allows the eviction, the drain fails, phase 2 is skipped and the node is uncordoned", async () => {
    const strict = manifests.replace("minAvailable: 1", "minAvailable: 2");
    await withUpgradingSim(async (sim, previous) => {
      const log: string[] = [];
      const { result } = await rehearse(sim, { allowNodeDrain: true }, log, 2);
      expect(result.verdict).toBe("failed");
      expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(["passed", "failed", "skipped"]);
      expect(result.outcomes[1]!.reason).toMatch(/^failed: .*(disruption budget|429|Too many)/i);
      // The cordon was undone: nothing is left changed.
      expect(result.undo).toBeUndefined();
      expect((sim.get("Node", undefined, previous) as Node).spec.unschedulable).toBe(false);
      expect(
        podsOn(sim, "kube-system", previous).filter((name) => name.startsWith("dns-")).length,
      ).toBeGreaterThan(0);
    }, strict);
  });

  it("skips the drain and phase 2 when an experiment of phase 1 leaves the system hurt", async () => {
    await writeFile(
      join(dir, "kill-loner.yaml"),
      `title: the only loner pod may die
description: a bare pod nothing recreates
steady-state-hypothesis:
  title: the loner runs
  probes:
    - type: probe
      name: loner-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=loner, phase: Running, ns: shop}
method:
  - type: action
    name: kill-the-loner
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=loner, ns: shop}
`,
    );
    const loner = `
---
apiVersion: v1
kind: Pod
metadata: {name: loner, namespace: shop, labels: {app: loner}}
spec: {containers: [{name: loner, image: busybox}]}
`;
    await withUpgradingSim(async (sim, previous) => {
      const log: string[] = [];
      const { result } = await rehearse(
        sim,
        { targets: ["kill-loner.yaml"], recoveryTimeoutSeconds: 1, allowNodeDrain: true },
        log,
        5,
        ["kill-loner.yaml"],
      );
      expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(["deviated", "skipped"]);
      expect(result.outcomes[1]!.reason).toBe(
        "skipped: an experiment of phase 1 did not recover; the nodes were not drained",
      );
      expect(log.some((line) => line.startsWith("Draining "))).toBe(false);
      expect((sim.get("Node", undefined, previous) as Node).spec.unschedulable).not.toBe(true);
    }, manifests + loner);
  });
});

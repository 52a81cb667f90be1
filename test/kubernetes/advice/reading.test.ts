// Reading what advice needs from the simulated cluster: the owners of the pods an experiment chose
// (Pod → ReplicaSet → Deployment; Pod → StatefulSet), the workloads behind a load's Service, named
// workloads, their PodDisruptionBudgets; bounded in workloads and time, and never a thrown error.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import type { Journal } from "../../../src/engine/journal.ts";
import type { Experiment } from "../../../src/experiment/format.ts";
import { readAdvice } from "../../../src/kubernetes/advice-reading.ts";
import { clusterKubeConfig } from "../../../src/kubernetes/cluster-client.ts";
import { type SimCluster, type SimOptions, startSimCluster } from "../../../src/sim/index.ts";
import { journal } from "../../report/journals.ts";
import { fastTiming } from "../activities/harness.ts";

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, readinessProbe: {httpGet: {path: /, port: 80}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
`;

const sims: SimCluster[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function cluster(options: SimOptions = {}): Promise<KubeConfig> {
  const sim = await startSimCluster({ timing: fastTiming, manifests, ...options });
  sims.push(sim);
  await sim.settled(10_000);
  const kc = await clusterKubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return kc;
}

const python = (name: string, module: string, args: Record<string, unknown>) => ({
  type: "action",
  name,
  provider: { type: "python", module, func: "f", arguments: args },
});

const experiment = (...method: unknown[]) =>
  ({ title: "t", description: "d", method }) as unknown as Experiment;

const noRun: Journal = { ...journal("terminate-pod-held"), run: [] };

describe("reading the objects advice rests on", () => {
  it("follows pods to their owners: ReplicaSet to Deployment, and StatefulSet; a load's Service to its pods", async () => {
    const kc = await cluster();
    const advice = await readAdvice(
      kc,
      experiment(
        python("kill-db", "chaosk8s.pod.actions", { label_selector: "app=db", ns: "default" }),
        python("traffic", "chaosaction.load.probes", { service: "web", namespace: "default" }),
      ),
      noRun,
    );
    expect(advice.available).toBe(true);
    expect(advice.read).toEqual(
      expect.arrayContaining([
        { kind: "Service", namespace: "default", name: "web" },
        { kind: "StatefulSet", namespace: "default", name: "db" },
        { kind: "Deployment", namespace: "default", name: "web" },
        { kind: "PodDisruptionBudget", namespace: "default", name: "web" },
      ]),
    );
    expect(
      advice.findings.map((finding) => `${finding.check} ${finding.object.kind}/${finding.object.name}`),
    ).toEqual([
      "single-replica StatefulSet/db",
      "no-disruption-budget StatefulSet/db",
      "no-readiness-probe StatefulSet/db",
      "no-spread Deployment/web",
    ]);
  });

  it("skips a named workload that is gone, and reads no more workloads than its bound", async () => {
    const kc = await cluster();
    const named = experiment(
      python("gone", "chaosk8s.deployment.actions", { name: "deleted-by-the-experiment", ns: "default" }),
      python("web", "chaosk8s.deployment.actions", { name: "web", ns: "default" }),
      python("db", "chaosk8s.statefulset.actions", { name: "db", ns: "default" }),
    );
    const advice = await readAdvice(kc, named, noRun, { maxWorkloads: 2 });
    expect(advice.available).toBe(true);
    expect(advice.read.filter((object) => object.kind !== "PodDisruptionBudget")).toEqual([
      { kind: "Deployment", namespace: "default", name: "web" },
    ]);
  });

  it("is not available, with the reason, when RBAC forbids a read", async () => {
    const kc = await cluster({ deny: [{ verb: "get", resource: "statefulsets", group: "apps" }] });
    const advice = await readAdvice(
      kc,
      experiment(python("db", "chaosk8s.statefulset.actions", { name: "db", ns: "default" })),
      noRun,
    );
    expect(advice).toMatchObject({ available: false, findings: [] });
    expect(advice.reason).toMatch(/statefulsets/);
  });

  it("is not available when the cluster answers slower than its time bound", async () => {
    const kc = await cluster({ latencyMs: 500 });
    const slow = await readAdvice(
      kc,
      experiment(python("web", "chaosk8s.deployment.actions", { name: "web", ns: "default" })),
      noRun,
      { timeoutMs: 100 },
    );
    expect(slow).toMatchObject({ available: false, reason: "reading the cluster took longer than 0.1 s" });
  });

  it("stops with the run's signal", async () => {
    const kc = await cluster();
    const stop = new AbortController();
    stop.abort(new Error("SIGTERM"));
    const advice = await readAdvice(
      kc,
      experiment(python("web", "chaosk8s.deployment.actions", { name: "web", ns: "default" })),
      noRun,
      { signal: stop.signal },
    );
    expect(advice).toMatchObject({
      available: false,
      reason: "the run was interrupted while the cluster was read",
    });
  });
});

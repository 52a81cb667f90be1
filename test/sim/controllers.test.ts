// Controllers: Deployment → ReplicaSet → Pods (scale, rollout restart with surge), status fields,
// StatefulSet, DaemonSet, Endpoints, garbage collection and namespace deletion, events.
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SimOptions } from "../../src/sim/index.ts";
import { fastTiming, kubeConfigFor, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

async function start(options: SimOptions = {}) {
  const sim = await startSim(options);
  await sim.settled();
  const kc = kubeConfigFor(sim);
  return {
    sim,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    events: kc.makeApiClient(EventsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

const statefulSet = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:16"}]}
`;

const daemonSet = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "agent:1"}]}
`;

describe("Deployment", () => {
  it("reports status with observedGeneration, replica counts and Available/Progressing conditions", async () => {
    const { apps } = await start();
    const dep = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(dep.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(dep.status?.unavailableReplicas).toBeUndefined();
    const conditions = Object.fromEntries((dep.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(conditions.Available).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable" });
    expect(conditions.Progressing).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
  });

  it("scales through spec.replicas and through the scale subresource", async () => {
    const { sim, apps, core } = await start();
    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { replicas: 5 } } },
      merge,
    );
    await sim.settled();
    expect(
      (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items,
    ).toHaveLength(5);
    const scale = await apps.readNamespacedDeploymentScale({ name: "web", namespace: "default" });
    expect(scale).toMatchObject({ spec: { replicas: 5 }, status: { replicas: 5, selector: "app=web" } });
    await apps.replaceNamespacedDeploymentScale({
      name: "web",
      namespace: "default",
      body: { ...scale, spec: { replicas: 1 } },
    });
    await sim.settled();
    const dep = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(dep.spec?.replicas).toBe(1);
    expect(dep.status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    await apps.patchNamespacedDeploymentScale(
      { name: "web", namespace: "default", body: { spec: { replicas: 0 } } },
      merge,
    );
    await sim.settled();
    const zero = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    // A real API server omits zero counts: readyReplicas is absent, not 0.
    expect(zero.status?.readyReplicas).toBeUndefined();
    expect(zero.status?.replicas).toBeUndefined();
  });

  it("shows unavailable replicas and Available=False while pods are not ready", async () => {
    const { sim, apps } = await start({ timing: { ...fastTiming, readyMs: 300 } });
    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { replicas: 8 } } },
      merge,
    );
    const during = await waitFor(async () => {
      const d = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
      return (d.status?.unavailableReplicas ?? 0) >= 5 ? d : undefined;
    }, "unavailable replicas");
    expect(during.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("False");
    await sim.settled();
    const after = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(after.status?.availableReplicas).toBe(8);
  });

  it("rollout restart creates a new ReplicaSet and rolls within maxSurge/maxUnavailable", async () => {
    const { sim, apps, core } = await start({ timing: { ...fastTiming, readyMs: 30 } });
    const before = await apps.listNamespacedReplicaSet({ namespace: "default" });
    expect(before.items).toHaveLength(1);
    let maxPods = 0;
    let minReady = 3;
    const sample = setInterval(() => {
      const pods = sim.list("pods", "default") as Array<{
        metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
        status?: { conditions?: Array<{ type: string; status: string }> };
      }>;
      const web = pods.filter((p) => p.metadata.labels?.app === "web" && !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, web.length);
      const ready = web.filter((p) =>
        p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      ).length;
      minReady = Math.min(minReady, ready);
    }, 1);
    await apps.patchNamespacedDeployment(
      {
        name: "web",
        namespace: "default",
        body: {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
            },
          },
        },
      },
      strategic,
    );
    await sim.settled();
    clearInterval(sample);
    const after = await apps.listNamespacedReplicaSet({ namespace: "default" });
    expect(after.items).toHaveLength(2);
    const byRevision = after.items.sort(
      (a, b) =>
        Number(a.metadata?.annotations?.["deployment.kubernetes.io/revision"]) -
        Number(b.metadata?.annotations?.["deployment.kubernetes.io/revision"]),
    );
    expect(byRevision[0]?.spec?.replicas).toBe(0);
    expect(byRevision[1]?.spec?.replicas).toBe(3);
    const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" });
    const newHash = byRevision[1]?.metadata?.labels?.["pod-template-hash"];
    expect(pods.items.every((p) => p.metadata?.labels?.["pod-template-hash"] === newHash)).toBe(true);
    // 3 replicas, maxSurge 25% → 1, maxUnavailable 25% → 0.
    expect(maxPods).toBeLessThanOrEqual(4);
    expect(minReady).toBeGreaterThanOrEqual(3);
    const dep: V1Deployment = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(dep.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3 });
  });

  it("deleting a Deployment removes its ReplicaSets and pods (background propagation); Orphan keeps them", async () => {
    const { sim, apps, core } = await start();
    await apps.deleteNamespacedDeployment({ name: "web", namespace: "default" });
    await sim.settled();
    expect((await apps.listNamespacedReplicaSet({ namespace: "default" })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: "default" })).items).toEqual([]);
    await sim.apply(`
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: keep, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: keep}}
  template:
    metadata: {labels: {app: keep}}
    spec: {containers: [{name: c, image: "c:1"}]}
`);
    await sim.settled();
    await apps.deleteNamespacedReplicaSet({
      name: "keep",
      namespace: "default",
      propagationPolicy: "Orphan",
    });
    await sim.settled();
    const orphans = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=keep" });
    expect(orphans.items).toHaveLength(2);
    expect(orphans.items.every((p) => (p.metadata?.ownerReferences ?? []).length === 0)).toBe(true);
  });

  it("records events: ScalingReplicaSet, SuccessfulCreate, Scheduled, Created, Killing (core/v1 and events.k8s.io/v1)", async () => {
    const { sim, core, events } = await start();
    const [pod] = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items;
    await core.deleteNamespacedPod({ name: pod?.metadata?.name ?? "", namespace: "default" });
    await sim.settled();
    const reasons = new Set(
      (await core.listNamespacedEvent({ namespace: "default" })).items.map((e) => e.reason),
    );
    for (const reason of [
      "ScalingReplicaSet",
      "SuccessfulCreate",
      "Scheduled",
      "Created",
      "Started",
      "Killing",
    ]) {
      expect(reasons).toContain(reason);
    }
    const killing = await core.listNamespacedEvent({
      namespace: "default",
      fieldSelector: `reason=Killing,involvedObject.name=${pod?.metadata?.name}`,
    });
    expect(killing.items).toHaveLength(1);
    const modern = await events.listEventForAllNamespaces({ fieldSelector: "reason=Scheduled", limit: 100 });
    expect(modern.items.length).toBeGreaterThan(0);
    expect(modern.items[0]?.regarding?.kind).toBe("Pod");
  });
});

describe("StatefulSet", () => {
  it("creates ordinal pods one at a time and replaces a deleted pod under the same name", async () => {
    const { sim, core, apps } = await start({ manifests: statefulSet });
    const names = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=db" })).items.map(
      (p) => p.metadata?.name,
    );
    expect(names).toEqual(["db-0", "db-1", "db-2"]);
    const first = await core.readNamespacedPod({ name: "db-1", namespace: "default" });
    await core.deleteNamespacedPod({ name: "db-1", namespace: "default" });
    await sim.settled();
    const replaced = await core.readNamespacedPod({ name: "db-1", namespace: "default" });
    expect(replaced.metadata?.uid).not.toBe(first.metadata?.uid);
    expect(replaced.spec?.hostname).toBe("db-1");
    const status = (await apps.readNamespacedStatefulSet({ name: "db", namespace: "default" })).status;
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
  });

  it("scales down from the highest ordinal", async () => {
    const { sim, core, apps } = await start({ manifests: statefulSet });
    await apps.patchNamespacedStatefulSet(
      { name: "db", namespace: "default", body: { spec: { replicas: 1 } } },
      merge,
    );
    await sim.settled();
    const names = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=db" })).items.map(
      (p) => p.metadata?.name,
    );
    expect(names).toEqual(["db-0"]);
  });

  it("never runs two pods of one ordinal and starts them in order", async () => {
    const sim = await startSim({ manifests: statefulSet, timing: { ...fastTiming, readyMs: 20 } });
    const order: string[] = [];
    const seen = setInterval(() => {
      for (const p of sim.list("pods", "default") as Array<{ metadata: { name: string } }>) {
        if (!order.includes(p.metadata.name)) order.push(p.metadata.name);
      }
    }, 1);
    await sim.settled();
    clearInterval(seen);
    expect(order).toEqual(["db-0", "db-1", "db-2"]);
  });
});

describe("DaemonSet", () => {
  it("runs one pod per node, cordoned nodes included, and follows node changes", async () => {
    const { sim, core, apps } = await start({ manifests: daemonSet, nodes: 3 });
    await core.patchNode({ name: "sim-node-3", body: { spec: { unschedulable: true } } }, merge);
    await sim.settled();
    const pods = (await core.listNamespacedPod({ namespace: "kube-system", labelSelector: "app=agent" }))
      .items;
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(["sim-node-1", "sim-node-2", "sim-node-3"]);
    await core.createNode({ body: { metadata: { name: "sim-node-4" } } });
    await sim.settled();
    expect(
      (await core.listNamespacedPod({ namespace: "kube-system", labelSelector: "app=agent" })).items,
    ).toHaveLength(4);
    const status = (await apps.readNamespacedDaemonSet({ name: "agent", namespace: "kube-system" })).status;
    expect(status).toMatchObject({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 4,
      numberReady: 4,
      numberAvailable: 4,
    });
  });
});

describe("Endpoints", () => {
  it("list only ready pods of the Service's selector and follow deletions", async () => {
    const { sim, core, discovery } = await start({ timing: { ...fastTiming, deleteGraceMs: 300 } });
    const endpoints = await core.readNamespacedEndpoints({ name: "web", namespace: "default" });
    expect(endpoints.subsets?.[0]?.addresses).toHaveLength(3);
    expect(endpoints.subsets?.[0]?.ports?.[0]).toMatchObject({ name: "http", port: 80 });
    const [pod] = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items;
    await core.deleteNamespacedPod({ name: pod?.metadata?.name ?? "", namespace: "default" });
    await waitFor(async () => {
      const ep = await core.readNamespacedEndpoints({ name: "web", namespace: "default" });
      return !(ep.subsets?.[0]?.addresses ?? []).some((a) => a.targetRef?.name === pod?.metadata?.name);
    }, "the terminating pod to leave the endpoints");
    await sim.settled();
    const settled = await core.readNamespacedEndpoints({ name: "web", namespace: "default" });
    expect(settled.subsets?.[0]?.addresses).toHaveLength(3);
    expect(settled.subsets?.[0]?.notReadyAddresses).toBeUndefined();
    const slices = await discovery.listNamespacedEndpointSlice({
      namespace: "default",
      labelSelector: "kubernetes.io/service-name=web",
    });
    expect(slices.items).toHaveLength(1);
    expect((slices.items[0]?.endpoints ?? []).filter((e) => e.conditions?.ready)).toHaveLength(3);
  });
});

describe("Namespaces", () => {
  it("deleting a namespace marks it Terminating, deletes its contents, then disappears", async () => {
    const { sim, core } = await start({
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: doomed}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: doomed}
`,
    });
    const answer = await core.deleteNamespace({ name: "doomed" });
    expect(answer).toBeDefined();
    await sim.settled();
    await expect(core.readNamespace({ name: "doomed" })).rejects.toMatchObject({ code: 404 });
    expect(sim.list("configmaps", "doomed")).toEqual([]);
  });
});

// Snapshots of what a chaos run may change, and their differences in words.
import {
  AppsV1Api,
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { snapshotOf } from "../../src/sim/cluster-snapshot.ts";
import { diffSnapshots } from "../../src/sim/index.ts";
import type { KubeObject } from "../../src/sim/object-store.ts";
import { kubeConfigFor, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

function object(kind: string, name: string, rest: Partial<KubeObject> = {}, meta: object = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind,
    ...rest,
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${Math.random()}`,
      resourceVersion: String(Math.floor(Math.random() * 1000)),
      creationTimestamp: new Date().toISOString(),
      ...meta,
    },
  };
}

describe("snapshotOf and diffSnapshots (pure)", () => {
  it("ignore identity, timestamps, generations, status and allocated cluster IPs", () => {
    const before = snapshotOf([
      object("Service", "web", { spec: { clusterIP: "10.0.0.1", ports: [{ port: 80 }] }, status: { a: 1 } }),
      object("Deployment", "web", { spec: { replicas: 3 } }, { generation: 1 }),
    ]);
    const after = snapshotOf([
      object("Service", "web", { spec: { clusterIP: "10.0.0.9", ports: [{ port: 80 }] }, status: { b: 2 } }),
      object(
        "Deployment",
        "web",
        { spec: { replicas: 3 } },
        { generation: 3, annotations: { "deployment.kubernetes.io/revision": "2" } },
      ),
    ]);
    expect(diffSnapshots(before, after)).toEqual([]);
  });

  it("say what was created, deleted and changed, field by field (unschedulable: false is no value)", () => {
    const before = snapshotOf([
      object("Deployment", "web", { spec: { replicas: 3 } }),
      object("Service", "web", { spec: { ports: [{ port: 80 }] } }),
      object("Node", "n1", { spec: {} }, { namespace: undefined }),
      object("Node", "n2", { spec: {} }, { namespace: undefined }),
    ]);
    const after = snapshotOf([
      object("Deployment", "web", { spec: { replicas: 0 } }, { annotations: { "chaos/run": "r1" } }),
      object("Node", "n1", { spec: { unschedulable: true } }, { namespace: undefined }),
      object("Node", "n2", { spec: { unschedulable: false } }, { namespace: undefined }),
      object("NetworkPolicy", "cut", { spec: { podSelector: {} } }),
    ]);
    expect(diffSnapshots(before, after)).toEqual([
      'Deployment default/web: metadata.annotations.chaos/run (unset) → "r1"; spec.replicas 3 → 0',
      "NetworkPolicy default/cut: created, and still there",
      "Node n1: spec.unschedulable (unset) → true",
      "Service default/web: deleted, and not there any more",
    ]);
  });

  it("count pods per owner and phase, leaving out terminating ones", () => {
    const owned = (name: string, phase: string, terminating = false) =>
      object(
        "Pod",
        name,
        { status: { phase } },
        {
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u", controller: true },
          ],
          ...(terminating ? { deletionTimestamp: "now" } : {}),
        },
      );
    const before = snapshotOf([owned("a", "Running"), owned("b", "Running")]);
    const same = snapshotOf([owned("c", "Running"), owned("d", "Running"), owned("a", "Running", true)]);
    const fewer = snapshotOf([owned("c", "Running"), owned("d", "Pending")]);
    expect(diffSnapshots(before, same)).toEqual([]);
    expect(diffSnapshots(before, fewer)).toEqual([
      "pods of ReplicaSet default/web-1: 2 Running before, 1 Pending, 1 Running after",
    ]);
  });
});

describe("sim.snapshot()", () => {
  it("sees a chaos run's changes, and nothing once they are undone (pods recreated under new names)", async () => {
    const sim = await startSim();
    await sim.settled();
    const kc = kubeConfigFor(sim);
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const net = kc.makeApiClient(NetworkingV1Api);
    const before = sim.snapshot();
    expect(Object.keys(before.entries)).toEqual(
      expect.arrayContaining([
        "Deployment default/web",
        "Service default/web",
        "Node sim-node-1",
        "Namespace default",
      ]),
    );

    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { replicas: 1 } } },
      merge,
    );
    await core.patchNode({ name: "sim-node-2", body: { spec: { unschedulable: true } } }, merge);
    await net.createNamespacedNetworkPolicy({
      namespace: "default",
      body: { metadata: { name: "cut" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    });
    await sim.settled();
    const changed = diffSnapshots(before, sim.snapshot());
    expect(changed).toEqual([
      "Deployment default/web: spec.replicas 3 → 1",
      "NetworkPolicy default/cut: created, and still there",
      'Node sim-node-2: spec.taints (unset) → [{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule"}]; spec.unschedulable (unset) → true',
      expect.stringMatching(/^pods of ReplicaSet default\/web-\w+: 3 Running before, 1 Running after$/),
    ]);

    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { replicas: 3 } } },
      merge,
    );
    await core.patchNode({ name: "sim-node-2", body: { spec: { unschedulable: null } } }, merge);
    await net.deleteNamespacedNetworkPolicy({ name: "cut", namespace: "default" });
    await waitFor(async () => {
      await sim.settled();
      return diffSnapshots(before, sim.snapshot()).length === 0;
    }, "the cluster to be as before");
  });
});

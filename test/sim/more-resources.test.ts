// The rest of the API surface chaos activities touch: leases, network policies, ingresses, secrets,
// deletecollection, dry runs, status subresources, namespaces, NotReady nodes and minReadySeconds.
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SimOptions } from "../../src/sim/index.ts";
import {
  crdManifest,
  fastTiming,
  kubeConfigFor,
  podManifest,
  simsClosedAfterEachTest,
  waitFor,
} from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

async function start(options: SimOptions = {}) {
  const sim = await startSim(options);
  await sim.settled();
  const kc = kubeConfigFor(sim);
  return {
    sim,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    leases: kc.makeApiClient(CoordinationV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

describe("leases", () => {
  it("hold a lock: the second writer with the old resourceVersion gets 409", async () => {
    const { leases } = await start({ manifests: [] });
    const lease = await leases.createNamespacedLease({
      namespace: "default",
      body: {
        metadata: { name: "chaos-lock" },
        spec: { holderIdentity: "run-1", leaseDurationSeconds: 30, renewTime: new Date() },
      },
    });
    expect(lease.spec?.holderIdentity).toBe("run-1");
    const renewed = await leases.replaceNamespacedLease({
      name: "chaos-lock",
      namespace: "default",
      body: { ...lease, spec: { ...lease.spec, renewTime: new Date() } },
    });
    expect(renewed.metadata?.resourceVersion).not.toBe(lease.metadata?.resourceVersion);
    await expect(
      leases.replaceNamespacedLease({
        name: "chaos-lock",
        namespace: "default",
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "run-2" } },
      }),
    ).rejects.toMatchObject({ code: 409 });
  });
});

describe("networking", () => {
  it("stores NetworkPolicies and Ingresses, patches and deletes them", async () => {
    const { networking } = await start({ manifests: [] });
    await networking.createNamespacedNetworkPolicy({
      namespace: "default",
      body: {
        metadata: { name: "chaostoolkit-deny-all-ingress" },
        spec: { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Ingress"], ingress: [] },
      },
    });
    const policies = await networking.listNamespacedNetworkPolicy({ namespace: "default" });
    expect(policies.items.map((p) => p.metadata?.name)).toEqual(["chaostoolkit-deny-all-ingress"]);
    await networking.createNamespacedIngress({
      namespace: "default",
      body: {
        metadata: { name: "web" },
        spec: {
          rules: [
            {
              host: "web.local",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "web", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    const patched = await networking.patchNamespacedIngress(
      { name: "web", namespace: "default", body: { spec: { ingressClassName: "nginx" } } },
      merge,
    );
    expect(patched.spec?.ingressClassName).toBe("nginx");
    await networking.deleteNamespacedNetworkPolicy({
      name: "chaostoolkit-deny-all-ingress",
      namespace: "default",
    });
    expect((await networking.listNamespacedNetworkPolicy({ namespace: "default" })).items).toEqual([]);
  });
});

describe("collections, dry runs, status", () => {
  it("deletes a collection by label selector", async () => {
    const { core } = await start({ manifests: [] });
    for (const name of ["a", "b", "c"]) {
      await core.createNamespacedSecret({
        namespace: "default",
        body: { metadata: { name, labels: { group: name === "c" ? "keep" : "drop" } } },
      });
    }
    await core.deleteCollectionNamespacedSecret({ namespace: "default", labelSelector: "group=drop" });
    expect(
      (await core.listNamespacedSecret({ namespace: "default" })).items.map((s) => s.metadata?.name),
    ).toEqual(["c"]);
  });

  it("dryRun=All admits and answers without storing", async () => {
    const { core, apps } = await start();
    const answered = await core.createNamespacedPod({
      namespace: "default",
      body: podManifest("dry"),
      dryRun: "All",
    });
    expect(answered.spec?.restartPolicy).toBe("Always");
    await expect(core.readNamespacedPod({ name: "dry", namespace: "default" })).rejects.toMatchObject({
      code: 404,
    });
    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { replicas: 7 } }, dryRun: "All" },
      merge,
    );
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: "default" })).spec?.replicas).toBe(
      3,
    );
    const [pod] = (await core.listNamespacedPod({ namespace: "default" })).items;
    await core.deleteNamespacedPod({ name: pod?.metadata?.name ?? "", namespace: "default", dryRun: "All" });
    expect(
      (await core.readNamespacedPod({ name: pod?.metadata?.name ?? "", namespace: "default" })).metadata
        ?.deletionTimestamp,
    ).toBeUndefined();
    await expect(
      core.createNamespacedPod({
        namespace: "default",
        body: { metadata: { name: "dry2" }, spec: { containers: [] } },
        dryRun: "All",
      }),
    ).rejects.toMatchObject({ code: 422 });
  });

  it("keeps status out of main-resource writes and writes it through /status", async () => {
    const { core } = await start({ manifests: [] });
    await core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "lb" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } },
    });
    await core.patchNamespacedService(
      {
        name: "lb",
        namespace: "default",
        body: { status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } },
      },
      merge,
    );
    expect(
      (await core.readNamespacedService({ name: "lb", namespace: "default" })).status?.loadBalancer?.ingress,
    ).toBeUndefined();
    await core.patchNamespacedServiceStatus(
      {
        name: "lb",
        namespace: "default",
        body: { status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } },
      },
      merge,
    );
    const svc = await core.readNamespacedService({ name: "lb", namespace: "default" });
    expect(svc.status?.loadBalancer?.ingress?.[0]?.ip).toBe("1.2.3.4");
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
  });

  it("refuses pod spec changes other than images with 422", async () => {
    const { core } = await start({ manifests: [] });
    await core.createNamespacedPod({ namespace: "default", body: podManifest("fixed") });
    await expect(
      core.patchNamespacedPod(
        { name: "fixed", namespace: "default", body: { spec: { restartPolicy: "Never" } } },
        merge,
      ),
    ).rejects.toMatchObject({ code: 422 });
    const image = await core.patchNamespacedPod({
      name: "fixed",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/containers/0/image", value: "busybox:1.37" }],
    });
    expect(image.spec?.containers[0]?.image).toBe("busybox:1.37");
  });
});

describe("namespaces", () => {
  it("answers 404 for a create in a missing namespace and 403 in a terminating one", async () => {
    const { sim, core } = await start({ manifests: [], timing: { ...fastTiming, deleteGraceMs: 600 } });
    await expect(
      core.createNamespacedPod({ namespace: "nowhere", body: podManifest("x", {}, "nowhere") }),
    ).rejects.toMatchObject({ code: 404 });
    await core.createNamespace({ body: { metadata: { name: "closing" } } });
    await core.createNamespacedPod({ namespace: "closing", body: podManifest("slow", {}, "closing") });
    await sim.settled();
    await core.deleteNamespace({ name: "closing" });
    const ns = await core.readNamespace({ name: "closing" });
    expect(ns.status?.phase).toBe("Terminating");
    await expect(
      core.createNamespacedPod({ namespace: "closing", body: podManifest("late", {}, "closing") }),
    ).rejects.toMatchObject({
      code: 403,
    });
    await sim.settled();
    await expect(core.readNamespace({ name: "closing" })).rejects.toMatchObject({ code: 404 });
  });
});

describe("custom objects", () => {
  it("works through CustomObjectsApi, namespaced and cluster-scoped", async () => {
    const { custom } = await start({
      manifests: [
        crdManifest("chaos-mesh.org", "networkchaos", "NetworkChaos", { version: "v1alpha1" }),
        crdManifest("example.org", "switches", "Switch", { scope: "Cluster" }),
      ],
    });
    const created = await custom.createNamespacedCustomObject({
      group: "chaos-mesh.org",
      version: "v1alpha1",
      namespace: "default",
      plural: "networkchaos",
      body: {
        apiVersion: "chaos-mesh.org/v1alpha1",
        kind: "NetworkChaos",
        metadata: { name: "delay" },
        spec: { action: "delay" },
      },
    });
    expect((created as { metadata: { uid: string } }).metadata.uid).toBeTruthy();
    const listed = (await custom.listNamespacedCustomObject({
      group: "chaos-mesh.org",
      version: "v1alpha1",
      namespace: "default",
      plural: "networkchaos",
    })) as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
    await custom.createClusterCustomObject({
      group: "example.org",
      version: "v1",
      plural: "switches",
      body: { apiVersion: "example.org/v1", kind: "Switch", metadata: { name: "main" } },
    });
    const read = (await custom.getClusterCustomObject({
      group: "example.org",
      version: "v1",
      plural: "switches",
      name: "main",
    })) as {
      kind: string;
    };
    expect(read.kind).toBe("Switch");
    await custom.deleteNamespacedCustomObject({
      group: "chaos-mesh.org",
      version: "v1alpha1",
      namespace: "default",
      plural: "networkchaos",
      name: "delay",
    });
    await expect(
      custom.getNamespacedCustomObject({
        group: "chaos-mesh.org",
        version: "v1alpha1",
        namespace: "default",
        plural: "networkchaos",
        name: "delay",
      }),
    ).rejects.toMatchObject({ code: 404 });
  });
});

describe("node failure and availability", () => {
  it("a NotReady node's pods become not ready and leave the endpoints; they return when the node does", async () => {
    const { sim, core } = await start({ nodes: 3 });
    const ready = (status: string) => [
      { type: "Ready", status, reason: status === "True" ? "KubeletReady" : "NodeStatusUnknown" },
    ];
    await core.patchNodeStatus(
      { name: "sim-node-1", body: { status: { conditions: ready("Unknown") } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await sim.settled();
    const onNode = (
      await core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.nodeName=sim-node-1" })
    ).items;
    expect(onNode.length).toBeGreaterThan(0);
    expect(
      onNode.every((p) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "False"),
    ).toBe(true);
    expect(onNode.every((p) => p.status?.phase === "Running")).toBe(true);
    const endpoints = await core.readNamespacedEndpoints({ name: "web", namespace: "default" });
    expect(endpoints.subsets?.[0]?.notReadyAddresses?.map((a) => a.nodeName)).toEqual(
      onNode.map(() => "sim-node-1"),
    );
    await core.patchNodeStatus(
      { name: "sim-node-1", body: { status: { conditions: ready("True") } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await sim.settled();
    const back = (
      await core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.nodeName=sim-node-1" })
    ).items;
    expect(back.every((p) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True")).toBe(
      true,
    );
  });

  it("counts a pod available only minReadySeconds after it became Ready", async () => {
    const { sim, apps } = await start({ manifests: [] });
    await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "slow" },
        spec: {
          replicas: 2,
          minReadySeconds: 2,
          selector: { matchLabels: { app: "slow" } },
          template: {
            metadata: { labels: { app: "slow" } },
            spec: { containers: [{ name: "c", image: "c:1" }] },
          },
        },
      },
    });
    const early = await waitFor(async () => {
      const d = await apps.readNamespacedDeployment({ name: "slow", namespace: "default" });
      return d.status?.readyReplicas === 2 ? d : undefined;
    }, "ready replicas");
    expect(early.status?.availableReplicas ?? 0).toBeLessThan(2);
    await sim.settled(5000);
    expect(
      (await apps.readNamespacedDeployment({ name: "slow", namespace: "default" })).status?.availableReplicas,
    ).toBe(2);
  });

  it("Recreate strategy removes every old pod before starting new ones", async () => {
    const { sim, apps, core } = await start();
    await apps.patchNamespacedDeployment(
      {
        name: "web",
        namespace: "default",
        body: { spec: { strategy: { type: "Recreate", rollingUpdate: null } } },
      },
      merge,
    );
    await sim.settled();
    let mixed = false;
    const hashes = setInterval(() => {
      const pods = sim.list("pods", "default") as Array<{ metadata: { labels?: Record<string, string> } }>;
      const set = new Set(pods.map((p) => p.metadata.labels?.["pod-template-hash"]));
      if (set.size > 1) mixed = true;
    }, 1);
    await apps.patchNamespacedDeployment(
      {
        name: "web",
        namespace: "default",
        body: { spec: { template: { metadata: { annotations: { restartedAt: "now" } } } } },
      },
      merge,
    );
    await sim.settled();
    clearInterval(hashes);
    expect(mixed).toBe(false);
    expect(
      (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items,
    ).toHaveLength(3);
  });
});

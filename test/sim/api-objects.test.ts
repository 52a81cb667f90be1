// Objects and lists as KUBE-API.md describes them, through the real client and raw HTTP.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";
import { crdManifest, fastTiming, kubeConfigFor, podManifest, raw, waitFor } from "./sim-client.ts";

let sim: SimCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let plain: SimCluster;

beforeAll(async () => {
  sim = await startSimCluster({ timing: fastTiming });
  const kc = kubeConfigFor(sim);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  // Establishing takes longer than the two requests that look before it, even on a loaded machine.
  plain = await startSimCluster({
    tls: false,
    auth: "none",
    manifests: [],
    timing: { ...fastTiming, establishMs: 1000 },
  });
  await sim.settled();
});

afterAll(async () => {
  await sim.close();
  await plain.close();
});

async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
      return { code: error.code, body };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("object metadata", () => {
  it("gives every object a uid, a resourceVersion, a creationTimestamp and a generation", async () => {
    const created = await core.createNamespacedPod({ namespace: "default", body: podManifest("meta-1") });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.ownerReferences).toBeUndefined();
    const dep = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    expect(dep.metadata?.generation).toBe(1);
  });

  it("changes resourceVersion on every write and generation only on spec changes", async () => {
    const before = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    const labelled = await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { metadata: { labels: { tier: "front" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(labelled.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    expect(labelled.metadata?.generation).toBe(before.metadata?.generation);
    const scaled = await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { spec: { minReadySeconds: 0, revisionHistoryLimit: 5 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(scaled.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
  });

  it("points a ReplicaSet's pods at it and the ReplicaSet at its Deployment (controller: true)", async () => {
    const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" });
    const rsName = pods.items[0]?.metadata?.ownerReferences?.[0]?.name ?? "";
    expect(pods.items[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "ReplicaSet",
      controller: true,
    });
    const rs = await apps.readNamespacedReplicaSet({ name: rsName, namespace: "default" });
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
  });
});

describe("lists", () => {
  beforeAll(async () => {
    for (const [name, labels] of [
      ["sel-a", { app: "sel", tier: "a" }],
      ["sel-b", { app: "sel", tier: "b" }],
      ["sel-c", { app: "sel" }],
    ] as const) {
      await core.createNamespacedPod({ namespace: "default", body: podManifest(name, labels) });
    }
  });

  const names = async (labelSelector: string) =>
    (await core.listNamespacedPod({ namespace: "default", labelSelector })).items.map(
      (p) => p.metadata?.name,
    );

  it("select by label equality, inequality, set and existence", async () => {
    expect(await names("app=sel,tier==a")).toEqual(["sel-a"]);
    expect(await names("app=sel,tier!=a")).toEqual(["sel-b", "sel-c"]);
    expect(await names("tier in (a,b)")).toEqual(["sel-a", "sel-b"]);
    expect(await names("app=sel,tier notin (a)")).toEqual(["sel-b", "sel-c"]);
    expect(await names("app=sel,!tier")).toEqual(["sel-c"]);
    expect(await names("app=sel,tier")).toEqual(["sel-a", "sel-b"]);
  });

  it("select pods by field: name, namespace, node and phase", async () => {
    const byName = await core.listPodForAllNamespaces({ fieldSelector: "metadata.name=sel-a" });
    expect(byName.items.map((p) => p.metadata?.name)).toEqual(["sel-a"]);
    const byNs = await core.listPodForAllNamespaces({ fieldSelector: "metadata.namespace=kube-system" });
    expect(byNs.items).toEqual([]);
    await sim.settled();
    const running = await core.listNamespacedPod({
      namespace: "default",
      fieldSelector: "status.phase=Running,metadata.name!=sel-b",
    });
    expect(running.items.map((p) => p.metadata?.name)).toContain("sel-a");
    expect(running.items.map((p) => p.metadata?.name)).not.toContain("sel-b");
    const node = running.items[0]?.spec?.nodeName ?? "";
    const onNode = await core.listNamespacedPod({
      namespace: "default",
      fieldSelector: `spec.nodeName=${node}`,
    });
    expect(onNode.items.every((p) => p.spec?.nodeName === node)).toBe(true);
  });

  it("answers 400 BadRequest for a field that cannot be selected on", async () => {
    const { code, body } = await apiError(
      core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.containers=x" }),
    );
    expect(code).toBe(400);
    expect(body).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: "field label not supported: spec.containers",
    });
    const onDeployments = await apiError(
      apps.listNamespacedDeployment({ namespace: "default", fieldSelector: "status.phase=Running" }),
    );
    expect(onDeployments.code).toBe(400);
  });

  it("answers 400 for a label selector that does not parse", async () => {
    const { code } = await apiError(
      core.listNamespacedPod({ namespace: "default", labelSelector: "app in (a" }),
    );
    expect(code).toBe(400);
  });

  it("pages with limit and continue, keeping the list resourceVersion", async () => {
    const first = await core.listNamespacedPod({ namespace: "default", limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    expect(first.metadata?.remainingItemCount).toBeGreaterThan(0);
    const seen = first.items.map((p) => p.metadata?.name);
    let token = first.metadata?._continue;
    while (token) {
      const page = await core.listNamespacedPod({ namespace: "default", limit: 2, _continue: token });
      expect(page.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      seen.push(...page.items.map((p) => p.metadata?.name));
      token = page.metadata?._continue;
    }
    const all = await core.listNamespacedPod({ namespace: "default" });
    expect(seen).toEqual(all.items.map((p) => p.metadata?.name));
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it("pages a selection from the stored order, in step with writes between pages", async () => {
    const small = await startSimCluster({ tls: false, auth: "none", manifests: [], timing: fastTiming });
    type PodList = { items: Array<{ metadata: { name: string } }>; metadata: Record<string, unknown> };
    const page = async (query: string) =>
      (
        await raw(small, "GET", `/api/v1/namespaces/default/pods?labelSelector=app%3Dweb&limit=2${query}`)
      ).json() as PodList;
    const names = (list: PodList) => list.items.map((pod) => pod.metadata.name);
    try {
      for (const name of ["p5", "p2", "x1", "p4", "p1", "p3"])
        await raw(
          small,
          "POST",
          "/api/v1/namespaces/default/pods",
          podManifest(name, { app: name === "x1" ? "other" : "web" }),
        );
      const first = await page("");
      expect(names(first)).toEqual(["p1", "p2"]);
      expect(first.metadata.remainingItemCount).toBe(3);
      const second = await page(`&continue=${first.metadata.continue}`);
      expect(names(second)).toEqual(["p3", "p4"]);
      expect(second.metadata.remainingItemCount).toBe(1);
      // Written after the second page: one before the cursor (never listed), one after it (listed), one removed.
      await raw(small, "POST", "/api/v1/namespaces/default/pods", podManifest("p0", { app: "web" }));
      await raw(small, "POST", "/api/v1/namespaces/default/pods", podManifest("p9", { app: "web" }));
      await raw(small, "DELETE", "/api/v1/namespaces/default/pods/p5?gracePeriodSeconds=0");
      await small.settled();
      const third = await page(`&continue=${second.metadata.continue}`);
      const remaining = (
        await raw(small, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
      ).json() as PodList;
      const afterCursor = names(remaining).filter((name) => name > "p4");
      expect(names(third)).toEqual(afterCursor.slice(0, 2));
      expect(third.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    } finally {
      await small.close();
    }
  });

  it("lists metadata only (PartialObjectMetadataList) when Accept asks for it, paging the same", async () => {
    const small = await startSimCluster({ tls: false, auth: "none", manifests: [], timing: fastTiming });
    const accept = {
      Accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json",
    };
    type List = {
      kind: string;
      apiVersion: string;
      items: Array<Record<string, unknown> & { metadata: { name: string } }>;
      metadata: Record<string, unknown>;
    };
    const page = async (query: string, headers: Record<string, string>) =>
      (
        await raw(small, "GET", `/api/v1/namespaces/default/pods?limit=2${query}`, undefined, headers)
      ).json() as List;
    try {
      for (const name of ["p3", "p1", "p2"])
        await raw(small, "POST", "/api/v1/namespaces/default/pods", podManifest(name, { app: "web" }));
      await small.settled();
      const whole = await page("", {});
      const first = await page("", accept);
      expect(first.kind).toBe("PartialObjectMetadataList");
      expect(first.apiVersion).toBe("meta.k8s.io/v1");
      expect(first.items.map((item) => Object.keys(item).sort())).toEqual([
        ["apiVersion", "kind", "metadata"],
        ["apiVersion", "kind", "metadata"],
      ]);
      expect(first.items[0]).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1" });
      expect(first.items.map((item) => item.metadata)).toEqual(whole.items.map((item) => item.metadata));
      expect(first.metadata.remainingItemCount).toBe(1);
      const second = await page(`&continue=${first.metadata.continue}`, accept);
      expect(second.items.map((item) => item.metadata.name)).toEqual(["p3"]);
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      // Plain JSON first: whole objects.
      const plainFirst = await page("", {
        Accept: "application/json, application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
      });
      expect(plainFirst.kind).toBe("PodList");
    } finally {
      await small.close();
    }
  });

  it("answers 410 Expired for a continue token older than the kept history", async () => {
    const small = await startSimCluster({
      tls: false,
      auth: "none",
      manifests: [],
      watchHistory: 3,
      timing: fastTiming,
    });
    try {
      for (const name of ["p1", "p2", "p3"])
        await raw(small, "POST", "/api/v1/namespaces/default/pods", podManifest(name));
      const first = (await raw(small, "GET", "/api/v1/namespaces/default/pods?limit=1")).json() as {
        metadata: { continue: string };
      };
      for (const name of ["q1", "q2", "q3", "q4", "q5"])
        await raw(small, "POST", "/api/v1/namespaces/default/configmaps", { metadata: { name } });
      const next = await raw(
        small,
        "GET",
        `/api/v1/namespaces/default/pods?limit=1&continue=${first.metadata.continue}`,
      );
      expect(next.status).toBe(410);
      expect(next.json()).toMatchObject({ reason: "Expired", code: 410 });
    } finally {
      await small.close();
    }
  });

  it("omits kind and apiVersion from built-in list items, as the API server does", async () => {
    const res = await raw(plain, "GET", "/api/v1/namespaces");
    const body = res.json() as { kind: string; apiVersion: string; items: Array<Record<string, unknown>> };
    expect(body.kind).toBe("NamespaceList");
    expect(body.apiVersion).toBe("v1");
    expect(body.items[0]?.kind).toBeUndefined();
  });
});

describe("writes", () => {
  it("answers 409 Conflict to an update with a stale resourceVersion", async () => {
    const pod = await core.createNamespacedPod({ namespace: "default", body: podManifest("stale-1") });
    await core.patchNamespacedPod(
      { name: "stale-1", namespace: "default", body: { metadata: { labels: { touched: "yes" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const { code, body } = await apiError(
      core.replaceNamespacedPod({ name: "stale-1", namespace: "default", body: pod }),
    );
    expect(code).toBe(409);
    expect(body).toMatchObject({ reason: "Conflict", details: { name: "stale-1", kind: "pods" } });
    expect(String(body.message)).toContain("the object has been modified");
  });

  it("answers 409 AlreadyExists to a create of an existing name", async () => {
    const { code, body } = await apiError(
      core.createNamespacedPod({ namespace: "default", body: podManifest("meta-1") }),
    );
    expect(code).toBe(409);
    expect(body).toMatchObject({ reason: "AlreadyExists", message: 'pods "meta-1" already exists' });
  });

  it("answers 404 NotFound with the resource and name", async () => {
    const { code, body } = await apiError(core.readNamespacedPod({ name: "nope", namespace: "default" }));
    expect(code).toBe(404);
    expect(body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      message: 'pods "nope" not found',
    });
    const dep = await apiError(apps.readNamespacedDeployment({ name: "nope", namespace: "default" }));
    expect(dep.body.message).toBe('deployments.apps "nope" not found');
  });

  it("answers 422 Invalid with the failing fields as causes", async () => {
    const { code, body } = await apiError(
      core.createNamespacedPod({
        namespace: "default",
        body: { metadata: { name: "Bad_Name" }, spec: { containers: [] } },
      }),
    );
    expect(code).toBe(422);
    expect(body.reason).toBe("Invalid");
    const causes = (body.details as { causes: Array<{ field: string }> }).causes.map((c) => c.field);
    expect(causes).toEqual(["metadata.name", "spec.containers"]);
  });

  it("applies JSON patch, merge patch and strategic merge patch (containers merged by name)", async () => {
    await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "patchy" },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: "patchy" } },
          template: {
            metadata: { labels: { app: "patchy" } },
            spec: {
              containers: [
                { name: "a", image: "a:1" },
                { name: "b", image: "b:1" },
              ],
            },
          },
        },
      },
    });
    const jsonPatched = await apps.patchNamespacedDeployment({
      name: "patchy",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
    });
    expect(jsonPatched.spec?.replicas).toBe(1);
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: "patchy",
        namespace: "default",
        body: { spec: { template: { spec: { containers: [{ name: "b", image: "b:2" }] } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      "a=a:1",
      "b=b:2",
    ]);
    const merged = await apps.patchNamespacedDeployment(
      {
        name: "patchy",
        namespace: "default",
        body: { spec: { template: { spec: { containers: [{ name: "c", image: "c:1" }] } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(merged.spec?.template.spec?.containers.map((c) => c.name)).toEqual(["c"]);
    const failedTest = await apiError(
      apps.patchNamespacedDeployment({
        name: "patchy",
        namespace: "default",
        body: [{ op: "test", path: "/spec/replicas", value: 9 }],
      }),
    );
    expect(failedTest.code).toBe(422);
  });

  it("server-side applies with KubernetesObjectApi: creates, then merges; fieldManager is required", async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(sim));
    const spec = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "applied", namespace: "default" },
      data: { a: "1" },
    };
    const created = await objects.patch(
      spec,
      undefined,
      undefined,
      "chaos-test",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((created.metadata as { uid?: string }).uid).toBeTruthy();
    const updated = await objects.patch(
      { ...spec, data: { b: "2" } },
      undefined,
      undefined,
      "chaos-test",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((updated as unknown as { data: Record<string, string> }).data).toEqual({ a: "1", b: "2" });
    const res = await raw(
      plain,
      "PATCH",
      "/api/v1/namespaces/default/configmaps/x",
      "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n",
      {
        "Content-Type": "application/apply-patch+yaml",
      },
    );
    expect(res.status).toBe(422);
    expect(res.json().message).toContain("fieldManager");
  });

  it("refuses an unknown patch content type with 415", async () => {
    const res = await raw(plain, "PATCH", "/api/v1/namespaces/default", "{}", {
      "Content-Type": "text/plain",
    });
    expect(res.status).toBe(415);
  });
});

describe("discovery", () => {
  it("serves /version, /api, /apis, /api/v1 and /apis/<group>/<version>", async () => {
    expect((await raw(plain, "GET", "/version")).json()).toMatchObject({
      major: "1",
      gitVersion: expect.stringMatching(/^v1\./),
    });
    expect((await raw(plain, "GET", "/api")).json()).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await raw(plain, "GET", "/apis")).json() as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(["apps", "policy", "events.k8s.io", "coordination.k8s.io"]),
    );
    const v1 = (await raw(plain, "GET", "/api/v1")).json() as {
      resources: Array<{ name: string; kind: string; verbs: string[] }>;
    };
    const pods = v1.resources.find((r) => r.name === "pods");
    expect(pods).toMatchObject({ kind: "Pod", namespaced: true });
    expect(pods?.verbs).toEqual(expect.arrayContaining(["get", "list", "watch", "delete", "patch"]));
    expect(v1.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(["pods/log", "pods/exec", "pods/eviction", "pods/ephemeralcontainers"]),
    );
    const appsV1 = (await raw(plain, "GET", "/apis/apps/v1")).json() as {
      resources: Array<{ name: string }>;
    };
    expect(appsV1.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(["deployments", "deployments/scale", "statefulsets", "daemonsets"]),
    );
    expect((await raw(plain, "GET", "/apis/nope.example.com/v1")).status).toBe(404);
  });
});

describe("custom resources", () => {
  it("answers 404 for a custom resource without its definition, as a real API server does", async () => {
    const path = "/apis/undeclared.example.com/v1/namespaces/default/faults";
    const missing = await raw(plain, "POST", path, {
      apiVersion: "undeclared.example.com/v1",
      kind: "Fault",
      metadata: { name: "f1" },
    });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ kind: "Status", reason: "NotFound" });
    expect((await raw(plain, "GET", path)).status).toBe(404);
    await expect(
      startSimCluster({
        tls: false,
        manifests: [{ apiVersion: "undeclared.example.com/v1", kind: "Fault", metadata: { name: "f" } }],
      }),
    ).rejects.toThrow(
      /unknown kind Fault in undeclared\.example\.com\/v1; a custom resource needs its CustomResourceDefinition/,
    );
  });

  it("serves a CustomResourceDefinition created through the API only once it is Established", async () => {
    const definition = crdManifest("late.example.com", "widgets", "Widget");
    const created = await raw(
      plain,
      "POST",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      definition,
    );
    expect(created.status).toBe(201);
    // Right after the create, as on a real cluster: not in discovery, objects unknown.
    expect((await raw(plain, "GET", "/apis/late.example.com/v1")).status).toBe(404);
    expect((await raw(plain, "GET", "/apis/late.example.com/v1/namespaces/default/widgets")).status).toBe(
      404,
    );
    const established = await waitFor(async () => {
      const crd = (
        await raw(
          plain,
          "GET",
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.late.example.com",
        )
      ).json() as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") && crd;
    }, "the definition to be established");
    expect(established.status?.conditions?.map((c) => c.type)).toEqual(["NamesAccepted", "Established"]);
    const discovery = (await raw(plain, "GET", "/apis/late.example.com/v1")).json() as {
      resources: Array<{ name: string; kind: string }>;
    };
    expect(discovery.resources.map((r) => r.name)).toContain("widgets");
    const widget = { apiVersion: "late.example.com/v1", kind: "Widget", metadata: { name: "w" } };
    expect(
      (await raw(plain, "POST", "/apis/late.example.com/v1/namespaces/default/widgets", widget)).status,
    ).toBe(201);
  });

  it("serves namespaced custom objects once their CustomResourceDefinition exists", async () => {
    await plain.apply([crdManifest("chaos.example.com", "faults", "Fault")]);
    const body = {
      apiVersion: "chaos.example.com/v1",
      kind: "Fault",
      metadata: { name: "f1" },
      spec: { level: 3 },
    };
    const created = await raw(plain, "POST", "/apis/chaos.example.com/v1/namespaces/default/faults", body);
    expect(created.status).toBe(201);
    const listed = (
      await raw(plain, "GET", "/apis/chaos.example.com/v1/namespaces/default/faults")
    ).json() as {
      kind: string;
      items: Array<{ kind: string }>;
    };
    expect(listed.kind).toBe("FaultList");
    expect(listed.items[0]?.kind).toBe("Fault");
    const conflict = await raw(plain, "POST", "/apis/chaos.example.com/v1/namespaces/default/faults", body);
    expect(conflict.status).toBe(409);
    const wrongPlural = await raw(plain, "GET", "/apis/chaos.example.com/v1/namespaces/default/faultes");
    expect(wrongPlural.status).toBe(404);
    expect(
      (await raw(plain, "DELETE", "/apis/chaos.example.com/v1/namespaces/default/faults/f1")).status,
    ).toBe(200);
    expect((await raw(plain, "GET", "/apis/chaos.example.com/v1/namespaces/default/faults/f1")).status).toBe(
      404,
    );
  });

  it("declares cluster-scoped kinds from a CustomResourceDefinition manifest", async () => {
    await plain.apply(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gates.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: gates, singular: gate, kind: Gate}
  versions: [{name: v1, served: true, storage: true}]
`);
    const res = await raw(plain, "POST", "/apis/example.com/v1/gates", {
      apiVersion: "example.com/v1",
      kind: "Gate",
      metadata: { name: "g" },
    });
    expect(res.status).toBe(201);
    const discovery = (await raw(plain, "GET", "/apis/example.com/v1")).json() as {
      resources: Array<{ name: string; namespaced: boolean }>;
    };
    expect(discovery.resources.find((r) => r.name === "gates")?.namespaced).toBe(false);
  });
});

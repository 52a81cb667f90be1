// Authentication modes over TLS (token, client certificate, basic), 401s, and the RBAC mode: 403s that
// name user, verb, resource, group and namespace, answered consistently by SelfSubjectAccessReview.
import {
  ApiException,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  PolicyV1Api,
} from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";
import { fastTiming, httpsGet, kubeConfigFor, raw } from "./sim-client.ts";

const sims: SimCluster[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function start(options: Parameters<typeof startSimCluster>[0]): Promise<SimCluster> {
  const sim = await startSimCluster({ manifests: [], timing: fastTiming, ...options });
  sims.push(sim);
  return sim;
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

function withUser(sim: SimCluster, user: Record<string, string>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "sim", server: sim.url, caData: Buffer.from(sim.credentials.caPem ?? "").toString("base64") },
    ],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "sim", cluster: "sim", user: "u" }],
    currentContext: "sim",
  });
  return kc;
}

describe("authentication", () => {
  it("token: the kubeconfig's bearer token works over TLS verified with the sim's CA", async () => {
    const sim = await start({ auth: "token" });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.kubeconfig).toContain("certificate-authority-data");
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain("default");
    const wrong = withUser(sim, { token: "not-the-token" }).makeApiClient(CoreV1Api);
    expect(await statusOf(wrong.listNamespace())).toBe(401);
    const none = withUser(sim, {}).makeApiClient(CoreV1Api);
    expect(await statusOf(none.listNamespace())).toBe(401);
  });

  it("401 bodies are Status objects with reason Unauthorized; /version stays readable anonymously", async () => {
    const sim = await start({ auth: "token" });
    const res = await httpsGet(sim, "/api/v1/namespaces");
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    expect((await httpsGet(sim, "/version")).status).toBe(200);
  });

  it("client-cert: the client certificate in the kubeconfig authenticates as sim-user", async () => {
    const sim = await start({ auth: "client-cert" });
    expect(sim.credentials.clientCertPem).toContain("BEGIN CERTIFICATE");
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    const anonymous = withUser(sim, {}).makeApiClient(CoreV1Api);
    expect(await statusOf(anonymous.listNamespace())).toBe(401);
  });

  it("basic: username and password", async () => {
    const sim = await start({ auth: "basic" });
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    const wrong = withUser(sim, {
      username: sim.credentials.username ?? "",
      password: "wrong",
    }).makeApiClient(CoreV1Api);
    expect(await statusOf(wrong.listNamespace())).toBe(401);
  });

  it("none over plain HTTP", async () => {
    const sim = await start({ auth: "none", tls: false });
    expect(sim.url).toMatch(/^http:\/\//);
    expect((await raw(sim, "GET", "/api/v1/namespaces")).status).toBe(200);
  });
});

describe("RBAC mode", () => {
  it("answers 403 naming user, verb, resource, group and namespace", async () => {
    const sim = await start({ deny: [{ verb: "delete", resource: "pods", namespace: "default" }] });
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    try {
      await core.deleteNamespacedPod({ name: "x", namespace: "default" });
      throw new Error("expected 403");
    } catch (error) {
      expect(error).toBeInstanceOf(ApiException);
      const e = error as ApiException<string>;
      expect(e.code).toBe(403);
      expect(JSON.parse(e.body)).toMatchObject({
        reason: "Forbidden",
        message:
          'pods "x" is forbidden: User "sim-user" cannot delete resource "pods" in API group "" in the namespace "default"',
      });
    }
    expect(await statusOf(core.deleteNamespacedPod({ name: "x", namespace: "other" }))).toBe(404);
  });

  it("SelfSubjectAccessReview agrees with the 403s, subresources included", async () => {
    const sim = await start({
      deny: [
        { verb: "list", resource: "nodes" },
        { verb: "create", resource: "pods", subresource: "eviction" },
      ],
    });
    const kc = kubeConfigFor(sim);
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    const review = async (resourceAttributes: Record<string, string>) =>
      (await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes } } })).status?.allowed;
    expect(await review({ verb: "list", resource: "nodes" })).toBe(false);
    expect(await statusOf(core.listNode())).toBe(403);
    expect(await review({ verb: "get", resource: "nodes", name: "sim-node-1" })).toBe(true);
    expect(await statusOf(core.readNode({ name: "sim-node-1" }))).toBe(200);
    expect(
      await review({ verb: "create", resource: "pods", subresource: "eviction", namespace: "default" }),
    ).toBe(false);
    expect(
      await statusOf(
        policy.createNamespacedPodDisruptionBudget({
          namespace: "default",
          body: { metadata: { name: "p" }, spec: { minAvailable: 1 } },
        }),
      ),
    ).toBe(200);
    const evict = core.createNamespacedPodEviction({
      name: "any",
      namespace: "default",
      body: { metadata: { name: "any" } },
    });
    expect(await statusOf(evict)).toBe(403);
    expect(await review({ verb: "delete", resource: "pods", namespace: "default" })).toBe(true);
  });

  it("SelfSubjectReview names the authenticated user", async () => {
    const sim = await start({ auth: "client-cert" });
    const review = await kubeConfigFor(sim)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe("sim-user");
    expect(review.status?.userInfo?.groups).toContain("system:masters");
  });

  it("setDeny changes the rules at run time", async () => {
    const sim = await start({});
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    expect(await statusOf(core.listNamespacedPod({ namespace: "default" }))).toBe(200);
    sim.setDeny([{ verb: "*", resource: "pods" }]);
    expect(await statusOf(core.listNamespacedPod({ namespace: "default" }))).toBe(403);
    sim.setDeny([]);
    expect(await statusOf(core.listNamespacedPod({ namespace: "default" }))).toBe(200);
  });
});

// Service-account tokens (TokenRequest) and RBAC over stored Roles and bindings: a token is accepted
// until it expires, then answered 401; its account may do what its Role allows and nothing else, and
// SelfSubjectAccessReview says the same.
import {
  ApiException,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SimCluster } from "../../src/sim/index.ts";
import { simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

const rbac = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: chaos}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: runner, namespace: shop}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
  - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, delete], resourceNames: []}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: runner, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: runner}
subjects: [{kind: ServiceAccount, name: runner, namespace: chaos}]
`;

function asToken(sim: SimCluster, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "sim", server: sim.url, caData: Buffer.from(sim.credentials.caPem ?? "").toString("base64") },
    ],
    users: [{ name: "sa", token }],
    contexts: [{ name: "sim", cluster: "sim", user: "sa" }],
    currentContext: "sim",
  });
  return kc;
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

describe("service-account tokens and RBAC", () => {
  it("allows what the account's Role grants and forbids the rest", async () => {
    const sim = await startSim({ manifests: rbac });
    const { token } = sim.serviceAccountToken("chaos", "runner");
    const core = asToken(sim, token).makeApiClient(CoreV1Api);
    expect(await statusOf(core.listNamespacedPod({ namespace: "shop" }))).toBe(200);
    expect(await statusOf(core.listNamespacedPod({ namespace: "default" }))).toBe(403);
    expect(await statusOf(core.deleteNamespacedPod({ namespace: "shop", name: "x" }))).toBe(403);
    expect(await statusOf(core.listNode())).toBe(403);
    const error = await core.listNamespacedSecret({ namespace: "shop" }).catch((e: unknown) => e);
    expect(String((error as ApiException<string>).body)).toContain(
      'User \\"system:serviceaccount:chaos:runner\\" cannot list resource \\"secrets\\"',
    );
  });

  it("answers SelfSubjectAccessReview as it answers the requests", async () => {
    const sim = await startSim({ manifests: rbac });
    const { token } = sim.serviceAccountToken("chaos", "runner");
    const authz = asToken(sim, token).makeApiClient(AuthorizationV1Api);
    const review = async (verb: string, resource: string, namespace: string, group = "") =>
      (
        await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb, resource, namespace, group } } },
        })
      ).status?.allowed;
    expect(await review("list", "pods", "shop")).toBe(true);
    expect(await review("delete", "pods", "shop")).toBe(false);
    expect(await review("create", "leases", "shop", "coordination.k8s.io")).toBe(true);
    expect(await review("update", "leases", "shop", "coordination.k8s.io")).toBe(false);
  });

  it("issues tokens through TokenRequest, for existing accounts only", async () => {
    const sim = await startSim({ manifests: rbac });
    const admin = new KubeConfig();
    admin.loadFromString(sim.kubeconfig);
    const core = admin.makeApiClient(CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({
      namespace: "chaos",
      name: "runner",
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    expect(Date.parse(String(request.status?.expirationTimestamp))).toBeGreaterThan(Date.now());
    const leases = asToken(sim, String(request.status?.token)).makeApiClient(CoordinationV1Api);
    expect(await statusOf(leases.listNamespacedLease({ namespace: "shop" }))).toBe(403);
    expect(
      await statusOf(
        core.createNamespacedServiceAccountToken({
          namespace: "chaos",
          name: "nobody",
          body: { spec: { audiences: [] } },
        }),
      ),
    ).toBe(404);
  });

  it("answers 401 once a token has expired", async () => {
    const sim = await startSim({ manifests: rbac });
    const { token, expirationTimestamp } = sim.serviceAccountToken("chaos", "runner", 0.3);
    const core = asToken(sim, token).makeApiClient(CoreV1Api);
    expect(await statusOf(core.listNamespacedPod({ namespace: "shop" }))).toBe(200);
    await waitFor(() => Date.now() > Date.parse(expirationTimestamp), "the token's expiry");
    expect(await statusOf(core.listNamespacedPod({ namespace: "shop" }))).toBe(401);
  });
});

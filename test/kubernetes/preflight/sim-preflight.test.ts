// The RBAC preflight against the simulated cluster's deny rules: SelfSubjectAccessReview answers
// must match what the server would refuse, and the refusal must name the rules that grant access.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import {
  checkPermissions,
  formatMissingPermissions,
  MissingPermissionsError,
  type PermissionNeed,
} from "../../../src/kubernetes/preflight.ts";
import { startSimCluster } from "../../../src/sim/index.ts";

type Sim = Awaited<ReturnType<typeof startSimCluster>>;

let cluster: Sim;

beforeAll(async () => {
  cluster = await startSimCluster({
    tls: false,
    auth: "none",
    deny: [
      { verb: "delete", resource: "pods", namespace: "shop" },
      { verb: "patch", resource: "deployments", group: "apps" },
      { verb: "create", resource: "pods", subresource: "eviction" },
    ],
  });
});

afterAll(async () => {
  await cluster?.close();
});

const needs: PermissionNeed[] = [
  { verb: "list", group: "", resource: "pods", namespace: "shop" },
  { verb: "delete", group: "", resource: "pods", namespace: "shop" },
  { verb: "delete", group: "", resource: "pods", namespace: "default" },
  { verb: "patch", group: "apps", resource: "deployments", namespace: "shop" },
  { verb: "get", group: "apps", resource: "deployments", namespace: "shop" },
  { verb: "patch", group: "", resource: "nodes" },
  { verb: "create", group: "", resource: "pods", subresource: "eviction" },
  // asked twice, reviewed once
  { verb: "list", group: "", resource: "pods", namespace: "shop" },
];

describe("checkPermissions", () => {
  it("returns exactly the needs the cluster denies", async () => {
    const { kc } = await resolveConnection({ kubeconfigContent: cluster.kubeconfig, env: {} });
    const missing = await checkPermissions(kc, needs, { concurrency: 2 });
    expect(missing).toEqual([
      { verb: "delete", group: "", resource: "pods", namespace: "shop" },
      { verb: "patch", group: "apps", resource: "deployments", namespace: "shop" },
      { verb: "create", group: "", resource: "pods", subresource: "eviction" },
    ]);

    const refusal = new MissingPermissionsError(missing, "system:anonymous");
    expect(refusal.missing).toBe(missing);
    expect(refusal.message).toBe(formatMissingPermissions(missing, "system:anonymous"));
    expect(refusal.message).toContain('- delete pods in namespace "shop"');
    expect(refusal.message).toContain("- create pods/eviction cluster-wide");
    const docs = parseAllDocuments(refusal.message.slice(refusal.message.indexOf("apiVersion:"))).map((d) =>
      d.toJS(),
    );
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.rules])).toEqual([
      [
        "Role",
        "shop",
        [
          { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] },
        ],
      ],
      ["ClusterRole", undefined, [{ apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] }]],
    ]);
  });

  it("finds nothing missing when everything is allowed", async () => {
    const { kc } = await resolveConnection({ kubeconfigContent: cluster.kubeconfig, env: {} });
    expect(
      await checkPermissions(kc, [{ verb: "list", group: "", resource: "pods", namespace: "shop" }]),
    ).toEqual([]);
    expect(await checkPermissions(kc, [])).toEqual([]);
  });
});

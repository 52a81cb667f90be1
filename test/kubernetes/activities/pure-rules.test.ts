// Pure rules: which pods a drain evicts, how kinds are pluralised, how API errors read.
import { ApiException, type V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { explainApiError } from "../../../src/kubernetes/activities/activity-failed.ts";
import { planDrain } from "../../../src/kubernetes/activities/node.ts";

const pod = (name: string, extra: Partial<V1Pod> = {}): V1Pod => ({
  metadata: { name, namespace: "default", ...extra.metadata },
  spec: { containers: [], ...extra.spec },
  status: { phase: "Running", ...extra.status },
});
const owned = (kind: string) => ({
  ownerReferences: [{ apiVersion: "apps/v1", kind, name: "o", uid: "u", controller: true }],
});

describe("planDrain", () => {
  it("evicts controlled pods and finished ones, skips mirror, DaemonSet and local-storage pods", () => {
    const pods = [
      pod("rs", { metadata: owned("ReplicaSet") }),
      pod("ds", { metadata: owned("DaemonSet") }),
      pod("mirror", { metadata: { annotations: { "kubernetes.io/config.mirror": "x" } } }),
      pod("done", { status: { phase: "Succeeded" } }),
      pod("scratch", {
        metadata: owned("ReplicaSet"),
        spec: { containers: [], volumes: [{ name: "v", emptyDir: {} }] },
      }),
      pod("bare"),
    ];
    const plan = planDrain(pods, "n1", false);
    expect(plan.evict.map((p) => p.metadata?.name)).toEqual(["rs", "done"]);
    expect(plan.unmanaged.map((u) => u.pod.metadata?.name)).toEqual(["bare"]);
    expect(planDrain(pods, "n1", true).evict.map((p) => p.metadata?.name)).toEqual(["rs", "done", "scratch"]);
  });
});

describe("explainApiError", () => {
  const status = (code: number, reason: string, message: string, causes?: unknown[]) =>
    new ApiException(
      code,
      "raw",
      JSON.stringify({ kind: "Status", code, reason, message, details: { causes } }),
      {},
    );

  it("one line per status code, naming the object", () => {
    const call = { verb: "create", resource: "deployments.apps", namespace: "ns", name: "web" };
    expect(explainApiError(status(404, "NotFound", "x"), call).message).toBe(
      'Not found: "web" (deployments in API group "apps" in namespace "ns") does not exist on the Kubernetes API server. The server said: x.',
    );
    expect(explainApiError(status(409, "AlreadyExists", "x"), call).message).toBe(
      'Cannot create deployments "web" in API group "apps" in namespace "ns": it already exists on the Kubernetes API server. The server said: x.',
    );
    expect(
      explainApiError(
        status(422, "Invalid", "bad\nspec", [{ field: "spec.replicas", message: "must be >= 0" }]),
        call,
      ).message,
    ).toBe(
      'The cluster refused create deployments "web" in API group "apps" in namespace "ns" as invalid. The server said: bad spec. Invalid fields: spec.replicas: must be >= 0.',
    );
    expect(explainApiError(status(401, "Unauthorized", "no"), call).message).toMatch(
      /^The Kubernetes API server rejected the credentials: 401 Unauthorized\. .* The refused request: create deployments "web" in API group "apps" in namespace "ns"\. The server said: no\.$/,
    );
    expect(explainApiError(status(500, "InternalError", "boom"), call).message).toBe(
      'The Kubernetes API server answered 500 InternalError to create deployments "web" in API group "apps" in namespace "ns". The server said: boom.',
    );
    expect(
      explainApiError(status(404, "NotFound", "x"), { verb: "list", resource: "widgets.example.com" })
        .message,
    ).toBe(
      'Not found: the Kubernetes API server serves no widgets in API group "example.com"; is the resource type installed in the cluster? The server said: x.',
    );
  });

  it("keeps the original as cause, and passes aborts through", () => {
    const original = status(404, "NotFound", "x");
    expect(explainApiError(original, { verb: "get", resource: "pods" }).cause).toBe(original);
    const abort = new DOMException("stop", "AbortError");
    expect(explainApiError(abort, { verb: "get", resource: "pods" })).toBe(abort);
  });
});

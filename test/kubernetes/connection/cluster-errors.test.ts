// explainClusterError on the errors client-node really throws: ApiException with a Status body, and
// fetch failures carrying the network/TLS error as their cause.
import { createServer } from "node:net";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ClusterError, explainClusterError } from "../../../src/kubernetes/cluster-errors.ts";
import { type ConnectionSource, createKubernetesService } from "../../../src/kubernetes/connection.ts";

const source: ConnectionSource = {
  kind: "kubeconfig-home",
  path: "/home/me/.kube/config",
  context: "kind-chaos",
  cluster: "kind-chaos",
  server: "https://127.0.0.1:6443",
  user: "kind-chaos",
  auth: "client certificate",
  tlsVerify: true,
};

const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, details });

function fetchFailure(cause: Error & { code?: string }): TypeError {
  return new TypeError("fetch failed", { cause });
}

function codeError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe("explainClusterError", () => {
  it("401: names the rejected user and where the credentials came from", () => {
    const err = explainClusterError(new ApiException(401, "Unauthorized", undefined, {}), { source });
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(err.message).toBe(
      'The Kubernetes API server https://127.0.0.1:6443 (from the kubeconfig /home/me/.kube/config, context "kind-chaos") ' +
        'rejected the credentials of user "kind-chaos" (client certificate): 401 Unauthorized. ' +
        "The token, client certificate or password is wrong or expired; refresh it or point at other credentials.",
    );
  });

  it("403: says which verb on which resource RBAC must allow", () => {
    const body = status(
      403,
      "Forbidden",
      'pods is forbidden: User "kind-chaos" cannot delete resource "pods" in API group "" in the namespace "shop"',
    );
    const err = explainClusterError(new ApiException(403, "Unknown API Status Code!", body, {}), {
      verb: "delete",
      resource: "pods",
      namespace: "shop",
      source,
    });
    expect(err.kind).toBe("forbidden");
    expect(err.message).toContain(
      'Forbidden: user "kind-chaos" (client certificate) may not delete pods in namespace "shop"',
    );
    expect(err.message).toContain(
      'RBAC must allow verb "delete" on resource "pods" (apiGroups: [""]) in namespace "shop" for user "kind-chaos"',
    );
    expect(err.message).toContain('The server said: pods is forbidden: User "kind-chaos" cannot delete');
  });

  it("403 on a cluster-scoped subresource", () => {
    const err = explainClusterError(new ApiException(403, "x", status(403, "Forbidden", "nope"), {}), {
      verb: "create",
      resource: "pods",
      subresource: "eviction",
      group: "",
    });
    expect(err.message).toContain(
      'RBAC must allow verb "create" on resource "pods/eviction" (apiGroups: [""]) cluster-wide',
    );
  });

  it("404, 409, 422 and others keep the server's message", () => {
    const notFound = explainClusterError(
      new ApiException(404, "x", status(404, "NotFound", 'deployments.apps "web" not found'), {}),
      { verb: "get", resource: "deployments", group: "apps", namespace: "shop", name: "web" },
    );
    expect(notFound).toMatchObject({ kind: "not-found", status: 404 });
    expect(notFound.message).toContain(
      '"web" (deployments in API group "apps" in namespace "shop") does not exist',
    );
    expect(notFound.message).toContain('deployments.apps "web" not found');

    const invalid = explainClusterError(
      new ApiException(
        422,
        "x",
        status(422, "Invalid", "bad", { causes: [{ field: "spec.replicas", message: "must be >= 0" }] }),
        {},
      ),
      { verb: "patch", resource: "deployments" },
    );
    expect(invalid.message).toBe(
      "The cluster refused patch deployments as invalid. The server said: bad. Invalid fields: spec.replicas: must be >= 0.",
    );

    const busy = explainClusterError(
      new ApiException(
        429,
        "x",
        status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget."),
        {},
      ),
      { verb: "create", resource: "pods", subresource: "eviction", source },
    );
    expect(busy).toMatchObject({ kind: "api", status: 429 });
    expect(busy.message).toContain("answered 429 TooManyRequests to create pods/eviction");
    expect(busy.message).toContain("disruption budget");
  });

  it("unreachable: names the host tried and the source", () => {
    const err = explainClusterError(
      fetchFailure(codeError("connect ECONNREFUSED 127.0.0.1:6443", "ECONNREFUSED")),
      {
        source,
      },
    );
    expect(err.kind).toBe("unreachable");
    expect(err.message).toBe(
      'Cannot reach the Kubernetes API server https://127.0.0.1:6443 (from the kubeconfig /home/me/.kube/config, context "kind-chaos"): ' +
        "connect ECONNREFUSED 127.0.0.1:6443. Check that the cluster is running and that this address is right.",
    );
  });

  it("finds the cause inside an AggregateError (IPv4 and IPv6 attempts)", () => {
    const aggregate = new AggregateError([codeError("connect ECONNREFUSED ::1:6443", "ECONNREFUSED")], "");
    expect(explainClusterError(fetchFailure(aggregate), {}).kind).toBe("unreachable");
  });

  it("TLS verification failure without a CA names both fixes", () => {
    const cause = codeError("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT");
    const envSource: ConnectionSource = {
      ...source,
      kind: "env",
      settingsFrom: "environment",
      context: undefined,
    };
    const fromEnv = explainClusterError(fetchFailure(cause), { source: envSource });
    expect(fromEnv.kind).toBe("tls");
    expect(fromEnv.message).toContain(
      "Could not verify the TLS certificate of the Kubernetes API server https://127.0.0.1:6443",
    );
    expect(fromEnv.message).toContain("set KUBERNETES_CA_CERT_FILE to the cluster's CA certificate");
    expect(fromEnv.message).toContain("or set KUBERNETES_VERIFY_SSL=false to skip verification");
    const fromKubeconfig = explainClusterError(fetchFailure(cause), { source });
    expect(fromKubeconfig.message).toContain('certificate-authority-data of cluster "kind-chaos"');
  });

  it("timeouts", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(explainClusterError(timeout, {}).kind).toBe("timeout");
    expect(explainClusterError(timeout, { verb: "list", resource: "pods", namespace: "shop" }).message).toBe(
      'The Kubernetes API server did not answer in time to list pods in namespace "shop". ' +
        "Check that the cluster is running and reachable from here (VPN, firewall, proxy).",
    );
  });

  it("names the request an activity made: verb, resource, object, the server's text and causes", () => {
    const call = { verb: "create", resource: "deployments", group: "apps", namespace: "shop", name: "web" };
    const exists = explainClusterError(
      new ApiException(409, "x", status(409, "AlreadyExists", 'deployments.apps "web" already exists'), {}),
      call,
    );
    expect(exists).toMatchObject({ kind: "conflict", status: 409 });
    expect(exists.message).toBe(
      'Cannot create deployments "web" in API group "apps" in namespace "shop": it already exists on the Kubernetes API server. ' +
        'The server said: deployments.apps "web" already exists.',
    );
    const stale = explainClusterError(
      new ApiException(409, "x", status(409, "Conflict", "the object has been modified"), {}),
      { ...call, verb: "update" },
    );
    expect(stale.message).toBe(
      'Conflict on update deployments "web" in API group "apps" in namespace "shop" at the Kubernetes API server. ' +
        "The server said: the object has been modified.",
    );
    const refused = explainClusterError(
      new ApiException(
        429,
        "x",
        status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: "DisruptionBudget", message: "The disruption budget web needs 3 healthy pods" }],
        }),
        {},
      ),
      { verb: "create", resource: "pods", subresource: "eviction", namespace: "shop", name: "web-1" },
    );
    expect(refused.message).toBe(
      'The Kubernetes API server answered 429 TooManyRequests to create pods/eviction "web-1" in namespace "shop". ' +
        "The server said: Cannot evict pod as it would violate the pod's disruption budget. " +
        "Causes: The disruption budget web needs 3 healthy pods.",
    );
    const broken = new TypeError("fetch failed", { cause: new Error("bad port") });
    expect(explainClusterError(broken, { verb: "get", resource: "pods", name: "web-1" }).message).toBe(
      'Could not get pods "web-1" on the Kubernetes API server: fetch failed: bad port',
    );
  });

  it("passes a ClusterError through and wraps anything else", () => {
    const original = new ClusterError("tls", "x");
    expect(explainClusterError(original, {})).toBe(original);
    expect(explainClusterError("boom", {}).message).toBe("Request to the Kubernetes API server failed: boom");
  });

  it("says why a bare `fetch failed` failed, from its causes", () => {
    const failed = new TypeError("fetch failed", { cause: new Error("bad port") });
    expect(explainClusterError(failed, {}).message).toBe(
      "Request to the Kubernetes API server failed: fetch failed: bad port",
    );
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("first contact with an unreachable cluster", () => {
  it("names the host that was tried and where it came from", async () => {
    const port = await closedPort();
    const service = createKubernetesService({
      env: { KUBERNETES_HOST: `https://127.0.0.1:${port}`, KUBERNETES_API_KEY: "k" },
      timeoutMs: 5_000,
    });
    const attempt = service.connect();
    await expect(attempt).rejects.toThrow(ClusterError);
    await expect(attempt).rejects.toThrow(
      `Cannot reach the Kubernetes API server https://127.0.0.1:${port} (from the KUBERNETES_HOST environment variable)`,
    );
    expect(service.info()).toBeUndefined();
  });
});

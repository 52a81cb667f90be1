// Failures read as one line naming what was refused or missing: RBAC 403s, server errors,
// an unreachable API server, no connection at all; and an aborted watch stops at once.

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

describe("activity failures", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 1)] });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });

  it("403 names the verb, the resource, its group and the namespace", async () => {
    h.sim.setDeny([{ verb: "delete", resource: "pods" }]);
    try {
      const failure = await errorOf(
        h.run("chaosk8s.pod.actions", "terminate_pods", { label_selector: "app=web" }),
      );
      expect(failure.name).toBe("ActivityFailed");
      expect(failure.message).toMatch(
        /^Forbidden: the configured credentials may not delete pods "web-[a-z0-9-]+" in namespace "default" on the Kubernetes API server\. RBAC must allow verb "delete" on resource "pods" \(apiGroups: \[""\]\) in namespace "default"\. The server said: pods "web-[a-z0-9-]+" is forbidden/,
      );
      expect(failure.message).not.toContain("\n");
    } finally {
      h.sim.setDeny([]);
    }
  });

  it("a refused exec upgrade names the refusal, with the API server's message", async () => {
    h.sim.setDeny([{ verb: "create", resource: "pods", subresource: "exec" }]);
    try {
      const failure = await errorOf(
        h.run("chaosk8s.pod.actions", "exec_in_pods", { cmd: "true", label_selector: "app=web" }),
      );
      expect(failure.message).toMatch(
        /^Forbidden: the configured credentials may not create pods\/exec "web-[a-z0-9-]+" in namespace "default" on the Kubernetes API server\. RBAC must allow verb "create" on resource "pods\/exec" \(apiGroups: \[""\]\) in namespace "default"\. The server said: pods "web-[a-z0-9-]+" is forbidden: User "sim-user" cannot create resource "pods\/exec"/,
      );
    } finally {
      h.sim.setDeny([]);
    }
    h.sim.addFault({ path: "/exec", status: 400, times: 1, message: 'container "main" is waiting to start' });
    const waiting = await errorOf(
      h.run("chaosk8s.pod.actions", "exec_in_pods", { cmd: "true", label_selector: "app=web" }),
    );
    expect(waiting.message).toMatch(
      /^The Kubernetes API server answered 400 BadRequest to create pods\/exec "web-[a-z0-9-]+" in namespace "default"\. The server said: container "main" is waiting to start\.$/,
    );
  });

  it("403 on a watch, and on a patch of an apps resource", async () => {
    h.sim.setDeny([
      { verb: "watch", resource: "deployments", group: "apps" },
      { verb: "patch", resource: "deployments", group: "apps" },
    ]);
    try {
      expect(
        (await errorOf(h.run("chaosk8s.deployment.probes", "deployment_fully_available", { name: "web" })))
          .message,
      ).toMatch(
        /^Forbidden: the configured credentials may not watch deployments in API group "apps" in namespace "default" on the Kubernetes API server\. RBAC must allow verb "watch" on resource "deployments" \(apiGroups: \["apps"\]\) in namespace "default"\.$/,
      );
      expect(
        (await errorOf(h.run("chaosk8s.deployment.actions", "rollout_deployment", { name: "web" }))).message,
      ).toMatch(/verb "patch" on resource "deployments" \(apiGroups: \["apps"\]\)/);
    } finally {
      h.sim.setDeny([]);
    }
  });

  it("a server error says which request failed", async () => {
    h.sim.addFault({
      method: "GET",
      path: "/api/v1/namespaces/default/pods",
      status: 503,
      times: 1,
      message: "overloaded",
    });
    expect(
      (await errorOf(h.run("chaosk8s.pod.probes", "count_pods", { label_selector: "" }))).message,
    ).toMatch(
      /^The Kubernetes API server answered 503 ServiceUnavailable to list pods in namespace "default"\. The server said: overloaded\.$/,
    );
  });

  it("an unreachable API server is named as such", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: "nowhere", server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
      { name: "u" },
    );
    const implementation = await chaosk8sSource.load("chaosk8s.pod.probes", "count_pods");
    const ctx = { ...h.ctx, services: { ...h.ctx.services, kubernetes: { connect: async () => kc } } };
    const failure = await errorOf(implementation({ label_selector: "", ns: "default" }, ctx));
    expect(failure.message).toMatch(
      /^Cannot reach the Kubernetes API server to list pods in namespace "default": connect ECONNREFUSED 127\.0\.0\.1:\d+\. Check that the cluster is running/,
    );
    const watch = await chaosk8sSource.load("chaosk8s.deployment.probes", "deployment_fully_available");
    expect((await errorOf(watch({ name: "web", timeout: 600 }, ctx))).message).toMatch(
      /^Cannot reach the Kubernetes API server to watch deployments in API group "apps" in namespace "default": connect ECONNREFUSED 127\.0\.0\.1:\d+\. Check that/,
    );
  });

  it("without a cluster connection the activity says so", async () => {
    const implementation = await chaosk8sSource.load("chaosk8s.pod.probes", "count_pods");
    const failure = await errorOf(implementation({ label_selector: "" }, { ...h.ctx, services: {} }));
    expect(failure.message).toBe(
      "this activity needs a Kubernetes cluster, but the run has no cluster connection",
    );
  });

  it("an aborted readiness watch stops at once", async () => {
    const controller = new AbortController();
    const implementation = await chaosk8sSource.load(
      "chaosk8s.deployment.probes",
      "deployment_not_fully_available",
    );
    const started = Date.now();
    const pending = implementation({ name: "web", timeout: 600 }, { ...h.ctx, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("interrupted")), 50);
    expect((await errorOf(pending)).message).toBe("interrupted");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

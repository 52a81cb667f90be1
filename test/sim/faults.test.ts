// Injected API errors, added latency, the request log, settled() and a clean close().
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { startSimCluster } from "../../src/sim/index.ts";
import { fastTiming, kubeConfigFor } from "./sim-client.ts";

describe("faults", () => {
  it("fails matching requests with the injected status, `times` times", async () => {
    const sim = await startSimCluster({
      timing: fastTiming,
      faults: [{ method: "DELETE", path: /\/pods\//, status: 500, times: 1 }],
    });
    try {
      await sim.settled();
      const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
      const [pod] = (await core.listNamespacedPod({ namespace: "default" })).items;
      const name = pod?.metadata?.name ?? "";
      const first = await core.deleteNamespacedPod({ name, namespace: "default" }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(ApiException);
      expect((first as ApiException<string>).code).toBe(500);
      expect(JSON.parse((first as ApiException<string>).body)).toMatchObject({
        kind: "Status",
        reason: "InternalError",
        code: 500,
      });
      await core.deleteNamespacedPod({ name, namespace: "default" });
      sim.addFault({ path: "/api/v1/namespaces/default/pods", status: 429, message: "slow down" });
      const throttled = await core.listNamespacedPod({ namespace: "default" }).catch((e: unknown) => e);
      expect((throttled as ApiException<string>).code).toBe(429);
      expect(JSON.parse((throttled as ApiException<string>).body)).toMatchObject({
        reason: "TooManyRequests",
        message: "slow down",
      });
    } finally {
      await sim.close();
    }
  });
});

describe("faults after apply", () => {
  it("carries the request out, then answers the fault: the change is made, the client sees an error", async () => {
    const sim = await startSimCluster({
      timing: fastTiming,
      faults: [{ method: "POST", path: "/configmaps", status: 504, times: 1, afterApply: true }],
    });
    try {
      const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
      const body = { metadata: { name: "applied" }, data: { a: "1" } };
      const error = await core
        .createNamespacedConfigMap({ namespace: "default", body })
        .catch((e: unknown) => e);
      expect((error as ApiException<string>).code).toBe(504);
      expect(sim.get("ConfigMap", "default", "applied")).toMatchObject({ data: { a: "1" } });
      // `times` used up: the next request is answered normally (here: it already exists).
      const again = await core.createNamespacedConfigMap({ namespace: "default", body }).catch((e) => e);
      expect((again as ApiException<string>).code).toBe(409);
      // A request refused before it is applied meets no after-apply fault and changes nothing.
      sim.addFault({ method: "DELETE", path: "/configmaps/", status: 504, afterApply: true });
      const refused = await core
        .deleteNamespacedConfigMap({ name: "missing", namespace: "default" })
        .catch((e: unknown) => e);
      expect((refused as ApiException<string>).code).toBe(404);
    } finally {
      await sim.close();
    }
  });
});

describe("latency and the request log", () => {
  it("adds latencyMs to every response and records every request served", async () => {
    const sim = await startSimCluster({ manifests: [], timing: fastTiming, latencyMs: 60 });
    try {
      const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
      const started = Date.now();
      await core.listNamespacedPod({ namespace: "default", labelSelector: "app=x", limit: 5 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
      await core.readNamespacedPod({ name: "missing", namespace: "default" }).catch(() => undefined);
      expect(sim.requests).toEqual([
        {
          method: "GET",
          path: "/api/v1/namespaces/default/pods",
          query: "labelSelector=app%3Dx&limit=5",
          status: 200,
        },
        { method: "GET", path: "/api/v1/namespaces/default/pods/missing", query: "", status: 404 },
      ]);
    } finally {
      await sim.close();
    }
  });
});

describe("settled and close", () => {
  it("settled() waits for every pending controller step and timer", async () => {
    const sim = await startSimCluster({ timing: { ...fastTiming, startMs: 80 } });
    try {
      expect(sim.list("pods", "default").length).toBe(0);
      await sim.settled();
      const pods = sim.list("pods", "default") as Array<{ status: { phase: string } }>;
      expect(pods.map((p) => p.status.phase)).toEqual(["Running", "Running", "Running"]);
    } finally {
      await sim.close();
    }
  });

  it("settled() gives up with a clear error when work keeps going past its timeout", async () => {
    const sim = await startSimCluster({ timing: { ...fastTiming, startMs: 2000 } });
    try {
      await expect(sim.settled(50)).rejects.toThrow(/still busy after 50 ms/);
    } finally {
      await sim.close();
    }
  });

  it("close() stops the server: later connections are refused", async () => {
    const sim = await startSimCluster({ timing: { ...fastTiming, startMs: 5000 } });
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    await core.listNamespace();
    await sim.close();
    await expect(core.listNamespace()).rejects.toThrow();
  });

  it("get and list read stored state directly, as copies", async () => {
    const sim = await startSimCluster({ timing: fastTiming });
    try {
      await sim.settled();
      const dep = sim.get("Deployment", "default", "web") as { spec: { replicas: number } };
      dep.spec.replicas = 99;
      expect((sim.get("deployments", "default", "web") as { spec: { replicas: number } }).spec.replicas).toBe(
        3,
      );
      expect(sim.get("pod", "default", "nope")).toBeUndefined();
      expect(sim.list("nodes").map((n) => (n as { metadata: { name: string } }).metadata.name)).toEqual([
        "sim-node-1",
        "sim-node-2",
        "sim-node-3",
      ]);
      const node = sim.get("node", undefined, "sim-node-2") as {
        metadata: { labels: Record<string, string> };
      };
      expect(node.metadata.labels["kubernetes.io/hostname"]).toBe("sim-node-2");
      expect(() => sim.list("Gizmo")).toThrow(/unknown kind "Gizmo"/);
    } finally {
      await sim.close();
    }
  });
});

import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApplyError,
  applyManifests,
  applyOrder,
  ManifestError,
  manifestFiles,
  parseManifests,
  WaitTimeoutError,
  waitForNodesReady,
  waitForWorkloads,
  workloadReadiness,
} from "../../src/kubernetes/apply.ts";
import { resolveConnection } from "../../src/kubernetes/connection.ts";
import { startSimCluster } from "../../src/sim/index.ts";

const root = join(import.meta.dirname, "..", "..");
const log = { info: () => {} };
const fast = { scheduleMs: 20, startMs: 40, readyMs: 40, jitter: 0, deleteGraceMs: 50 };

type Sim = Awaited<ReturnType<typeof startSimCluster>>;
let sim: Sim;
let kc: KubeConfig;

beforeAll(async () => {
  sim = await startSimCluster({
    tls: false,
    auth: "none",
    nodes: 2,
    timing: fast,
    deny: [{ verb: "patch", resource: "configmaps", namespace: "locked" }],
  });
  ({ kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} }));
});

afterAll(async () => {
  await sim?.close();
});

describe("applying manifests to the simulated cluster", () => {
  it("applies the e2e app by server-side apply, namespace first, and waits until it is ready", async () => {
    const applied = await applyManifests(kc, ["test/e2e/app/"], { cwd: root, log });
    expect(applied).toEqual([
      "Namespace chaos-e2e",
      "Service chaos-e2e/web",
      "Deployment chaos-e2e/web",
      "Deployment chaos-e2e/web-single",
    ]);
    await waitForNodesReady(kc, { timeoutSeconds: 10, log, pollMs: 50 });
    const lines: string[] = [];
    await waitForWorkloads(
      kc,
      [
        { namespace: "chaos-e2e", kind: "deployment", name: "web" },
        { namespace: "chaos-e2e", kind: "deployment", name: "web-single" },
      ],
      { timeoutSeconds: 10, log: { info: (line) => lines.push(line) }, pollMs: 50 },
    );
    expect(lines).toEqual([
      "deployment chaos-e2e/web is ready (3/3 ready, 3 up to date, 3 available)",
      "deployment chaos-e2e/web-single is ready (1/1 ready, 1 up to date, 1 available)",
    ]);
  });

  it("is idempotent: applying again changes nothing and does not fail", async () => {
    const again = await applyManifests(kc, [join(root, "test/e2e/app/web.yaml")], { cwd: root, log });
    expect(again).toHaveLength(4);
  });

  it("names the object and the RBAC refusal when the cluster forbids it", async () => {
    const manifests = join(import.meta.dirname, "..", "fixtures", "manifests", "locked-configmap.yaml");
    const attempt = applyManifests(kc, [manifests], { cwd: root, log });
    await expect(attempt).rejects.toBeInstanceOf(ApplyError);
    await expect(attempt).rejects.toThrow(
      /Applying ConfigMap locked\/settings from .*locked-configmap.yaml failed: HTTP 403.*RBAC/,
    );
  });

  it("gives up on a workload that never becomes ready, saying what it last saw", async () => {
    let clock = 0;
    const time = {
      now: () => clock,
      sleep: async (ms: number) => {
        clock += ms;
      },
    };
    const attempt = waitForWorkloads(kc, [{ namespace: "chaos-e2e", kind: "statefulset", name: "absent" }], {
      timeoutSeconds: 3,
      log,
      time,
    });
    await expect(attempt).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(attempt).rejects.toThrow(/statefulset chaos-e2e\/absent was not ready within 3 s: HTTP 404/);
  });

  it("stops at once when the run was interrupted while a check was in flight", async () => {
    const interrupt = new AbortController();
    interrupt.abort(new Error("interrupted by SIGTERM"));
    const started = Date.now();
    const attempt = waitForWorkloads(kc, [{ namespace: "chaos-e2e", kind: "deployment", name: "absent" }], {
      timeoutSeconds: 60,
      log,
      signal: interrupt.signal,
    });
    await expect(attempt).rejects.toThrow("interrupted by SIGTERM");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("manifests", () => {
  it("refuses a pattern that matches nothing", async () => {
    await expect(manifestFiles(["no-such-dir/*.yaml"], root)).rejects.toThrow(
      "manifests: no-such-dir/*.yaml matches no file",
    );
  });

  it("points at the line of a YAML error and at objects without a kind", () => {
    expect(() => parseManifests("bad.yaml", "kind: Pod\nmetadata: {name: x\n")).toThrow(
      /^bad.yaml:\d+: not valid YAML/,
    );
    expect(() => parseManifests("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n")).toThrow(
      ManifestError,
    );
  });

  it("skips empty documents and unpacks lists", () => {
    const text =
      "---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n";
    expect(parseManifests("list.yaml", text).map((manifest) => manifest.object.metadata?.name)).toEqual([
      "a",
    ]);
  });

  it("orders namespaces and definitions before what lives in them, keeping the rest in file order", () => {
    const objects = ["Deployment/a", "Namespace/n", "ConfigMap/c", "CustomResourceDefinition/d", "Job/j"].map(
      (id) => {
        const [kind, name] = id.split("/");
        return { file: "f", object: { apiVersion: "v1", kind, metadata: { name } } };
      },
    );
    expect(applyOrder(objects).map((manifest) => manifest.object.kind)).toEqual([
      "Namespace",
      "CustomResourceDefinition",
      "ConfigMap",
      "Deployment",
      "Job",
    ]);
  });
});

describe("workloadReadiness", () => {
  it("waits for the controller to observe the latest spec", () => {
    const stale = {
      metadata: { generation: 2 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, readyReplicas: 1 },
    };
    expect(workloadReadiness("deployment", stale).ready).toBe(false);
  });

  it("needs every replica ready, updated and available", () => {
    const status = { readyReplicas: 3, updatedReplicas: 2, availableReplicas: 3 };
    expect(workloadReadiness("deployment", { spec: { replicas: 3 }, status })).toEqual({
      ready: false,
      detail: "3/3 ready, 2 up to date, 3 available",
    });
  });

  it("counts a DaemonSet's scheduled pods", () => {
    const status = { desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2 };
    expect(workloadReadiness("daemonset", { status })).toEqual({ ready: true, detail: "2/2 ready" });
  });
});

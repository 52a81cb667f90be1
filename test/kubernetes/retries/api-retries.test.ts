// Retries of Kubernetes API requests through the real client: faults injected in the simulated
// cluster (HTTPS), and a scripted API server for the outcomes a fault cannot stage (a connection lost
// after the server acted, a Retry-After).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreApi, forActivity, patchOptions } from "../../../src/kubernetes/cluster-client.ts";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import { RUN_ANNOTATION } from "../../../src/kubernetes/run-annotation.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";

const fast = { baseMs: 5, capMs: 20 };

function counting(kc: KubeConfig, extra: { signal?: AbortSignal; retry?: object } = {}) {
  const retries: string[] = [];
  const bound = forActivity(kc, {
    retry: { ...fast, ...extra.retry },
    onRetry: (r) => retries.push(`${r.method} ${r.reason}`),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  return { bound, retries };
}

describe("on the simulated cluster", () => {
  let sim: SimCluster;
  let kc: KubeConfig;
  beforeAll(async () => {
    sim = await startSimCluster({ timing: { jitter: 0 } });
    kc = (await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} })).kc;
  });
  afterAll(async () => {
    await sim.close();
  });

  it("a read survives three 503s: three retries, the fourth attempt answers", async () => {
    sim.addFault({ method: "GET", path: "/api/v1/namespaces/default/pods", status: 503, times: 3 });
    const { bound, retries } = counting(kc);
    const list = await (await coreApi(bound)).listNamespacedPod({ namespace: "default" });
    expect(list.items).toBeDefined();
    expect(retries).toEqual(["GET HTTP 503", "GET HTTP 503", "GET HTTP 503"]);
  });

  it("with the default policy, 3×503 adds at most 0.25 + 0.5 + 1 s", async () => {
    sim.addFault({ method: "GET", path: "/api/v1/namespaces/default/services", status: 503, times: 3 });
    const started = Date.now();
    await (await coreApi(kc)).listNamespacedService({ namespace: "default" });
    expect(Date.now() - started).toBeLessThan(1750 + 500);
  });

  it("429 is retried; errors beyond the retries reach the caller as the server said them", async () => {
    sim.addFault({ method: "GET", path: "/api/v1/nodes", status: 429, times: 1 });
    const { bound, retries } = counting(kc);
    await (await coreApi(bound)).listNode();
    expect(retries).toEqual(["GET HTTP 429"]);

    sim.addFault({ method: "GET", path: "/api/v1/namespaces/kube-system/pods", status: 500, times: 5 });
    const failing = counting(kc);
    const error = await (await coreApi(failing.bound))
      .listNamespacedPod({ namespace: "kube-system" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 500 });
    expect(failing.retries).toHaveLength(4);
  });

  it("idempotent writes are retried: a merge patch and a delete", async () => {
    await sim.apply([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c1", namespace: "default" } },
    ]);
    sim.addFault({ method: "PATCH", path: "/configmaps/c1", status: 503, times: 2 });
    const { bound, retries } = counting(kc);
    const core = await coreApi(bound);
    await core.patchNamespacedConfigMap(
      { name: "c1", namespace: "default", body: { data: { a: "1" } } },
      await patchOptions("merge"),
    );
    expect(retries).toEqual(["PATCH HTTP 503", "PATCH HTTP 503"]);
    sim.addFault({ method: "DELETE", path: "/configmaps/c1", status: 502, times: 1 });
    await core.deleteNamespacedConfigMap({ name: "c1", namespace: "default" });
    expect(sim.get("ConfigMap", "default", "c1")).toBeUndefined();
    expect(retries).toHaveLength(3);
  });

  it("a JSON Patch that removes is not retried after a 503 (the server may have acted)", async () => {
    await sim.apply([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c2", namespace: "default", labels: { x: "1" } },
      },
    ]);
    sim.addFault({ method: "PATCH", path: "/configmaps/c2", status: 503, times: 1 });
    const { bound, retries } = counting(kc);
    const error = await (await coreApi(bound))
      .patchNamespacedConfigMap(
        { name: "c2", namespace: "default", body: [{ op: "remove", path: "/metadata/labels/x" }] },
        await patchOptions("json"),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 503 });
    expect(retries).toEqual([]);
  });

  it("the activity's signal ends the retries", async () => {
    sim.addFault({ method: "GET", path: "/api/v1/namespaces/kube-public/pods", status: 503 });
    const controller = new AbortController();
    const { bound } = counting(kc, { signal: controller.signal, retry: { baseMs: 5_000, capMs: 5_000 } });
    const started = Date.now();
    const pending = (await coreApi(bound))
      .listNamespacedPod({ namespace: "kube-public" })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("activity timed out")), 100);
    expect(await pending).toMatchObject({ message: "activity timed out" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("a stop while a change is at the server", () => {
  let sim: SimCluster;
  let kc: KubeConfig;
  beforeAll(async () => {
    sim = await startSimCluster({ timing: { jitter: 0 } });
    kc = (await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} })).kc;
    await sim.apply([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", namespace: "default" } },
    ]);
  });
  afterAll(async () => {
    await sim.close();
  });

  it("a change already sent is awaited, not abandoned: the server applies it whatever the client does", async () => {
    sim.addFaultRule({ verb: "patch", resource: "configmaps", effect: { kind: "latency", ms: 600 } });
    const controller = new AbortController();
    const { bound } = counting(kc, { signal: controller.signal });
    const patching = (await coreApi(bound)).patchNamespacedConfigMap(
      { name: "held", namespace: "default", body: { data: { k: "v" } } },
      await patchOptions("merge"),
    );
    setTimeout(() => controller.abort(new Error("interrupted")), 100);
    // The answer arrives, so the caller (and the undo after it) knows the change happened.
    expect(await patching).toMatchObject({ data: { k: "v" } });
  });

  it("a read is abandoned at once, and a change not yet sent is not sent", async () => {
    sim.addFaultRule({ verb: "get", resource: "configmaps", effect: { kind: "latency", ms: 3_000 } });
    const controller = new AbortController();
    const { bound } = counting(kc, { signal: controller.signal });
    const api = await coreApi(bound);
    const reading = api.readNamespacedConfigMap({ name: "held", namespace: "default" }).catch((e) => e);
    setTimeout(() => controller.abort(new Error("interrupted")), 100);
    const started = Date.now();
    expect(await reading).toMatchObject({ message: "interrupted" });
    expect(Date.now() - started).toBeLessThan(2_000);
    const late = await api
      .patchNamespacedConfigMap(
        { name: "held", namespace: "default", body: { data: { k: "late" } } },
        await patchOptions("merge"),
      )
      .catch((e: unknown) => e);
    expect(late).toMatchObject({ message: "interrupted" });
    expect(sim.get("ConfigMap", "default", "held")).toMatchObject({ data: { k: "v" } });
  });
});

/** An API server that answers each request with the next scripted step. */
type Step = "reset" | { status: number; body?: object; headers?: Record<string, string> };

describe("outcomes the client did not see", () => {
  let server: Server;
  let kc: KubeConfig;
  const script: Step[] = [];
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url?.split("?")[0]}`);
      req.resume();
      const step = script.shift() ?? { status: 500 };
      if (step === "reset") {
        req.socket.destroy();
        return;
      }
      res.writeHead(step.status, { "content-type": "application/json", ...step.headers });
      res.end(JSON.stringify(step.body ?? { kind: "Status", code: step.status }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const kubeconfig = JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "s", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "s", context: { cluster: "s", user: "u" } }],
      "current-context": "s",
    });
    kc = (await resolveConnection({ kubeconfigContent: kubeconfig, env: {} })).kc;
  });
  afterAll(() => {
    server.close();
  });
  const reset = () => {
    script.length = 0;
    seen.length = 0;
  };

  it("a delete whose answer was lost, then 404: done", async () => {
    reset();
    script.push("reset", { status: 404, body: { kind: "Status", code: 404, reason: "NotFound" } });
    const { bound, retries } = counting(kc);
    await (await coreApi(bound)).deleteNamespacedPod({ name: "web-1", namespace: "default" });
    expect(seen).toEqual([
      "DELETE /api/v1/namespaces/default/pods/web-1",
      "DELETE /api/v1/namespaces/default/pods/web-1",
    ]);
    expect(retries).toHaveLength(1);
  });

  it("a first 404 is a 404", async () => {
    reset();
    script.push({ status: 404, body: { kind: "Status", code: 404, reason: "NotFound" } });
    const error = await (await coreApi(counting(kc).bound))
      .deleteNamespacedPod({ name: "web-1", namespace: "default" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 404 });
  });

  it("a create whose answer was lost, then 409: read back, ours by the run annotation", async () => {
    reset();
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "probe", namespace: "default", annotations: { [RUN_ANNOTATION]: "run-1" } },
    };
    script.push(
      "reset",
      { status: 409, body: { kind: "Status", code: 409, reason: "AlreadyExists" } },
      {
        status: 200,
        body: pod,
      },
    );
    const { bound } = counting(kc);
    const created = await (await coreApi(bound)).createNamespacedPod({ namespace: "default", body: pod });
    expect(created.metadata?.name).toBe("probe");
    expect(seen).toEqual([
      "POST /api/v1/namespaces/default/pods",
      "POST /api/v1/namespaces/default/pods",
      "GET /api/v1/namespaces/default/pods/probe",
    ]);
  });

  it("…and someone else's object with that name stays a conflict", async () => {
    reset();
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "probe", namespace: "default", annotations: { [RUN_ANNOTATION]: "run-1" } },
    };
    const theirs = { ...pod, metadata: { ...pod.metadata, annotations: { [RUN_ANNOTATION]: "run-2" } } };
    script.push(
      "reset",
      { status: 409, body: { kind: "Status", code: 409, reason: "AlreadyExists" } },
      {
        status: 200,
        body: theirs,
      },
    );
    const error = await (await coreApi(counting(kc).bound))
      .createNamespacedPod({ namespace: "default", body: pod })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 409 });
  });

  it("honours Retry-After", async () => {
    reset();
    script.push({ status: 429, headers: { "retry-after": "1" } }, { status: 200, body: { items: [] } });
    const started = Date.now();
    await (await coreApi(counting(kc).bound)).listNamespacedPod({ namespace: "default" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });
});

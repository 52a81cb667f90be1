// Run-time fault rules, dropped watches and outages of the simulated cluster, seen through the real client.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SimRequestFacts } from "../../src/sim/index.ts";
import { kubeConfigFor, raw, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

const codeOf = (error: unknown) => (error instanceof ApiException ? error.code : undefined);
const failure = <T>(promise: Promise<T>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const policy = (name: string) => ({
  metadata: { name, namespace: "default" },
  spec: { podSelector: {}, policyTypes: ["Ingress"] },
});

describe("status rules", () => {
  it("fail the Nth matching request of a verb on a resource (subresources named apart), then stop", async () => {
    const sim = await startSim();
    const apps = kubeConfigFor(sim).makeApiClient(AppsV1Api);
    const rule = sim.addFaultRule({
      verb: "patch",
      resource: "deployments/scale",
      nth: 2,
      effect: { kind: "status", status: 503 },
    });
    const scale = (replicas: number) =>
      apps.patchNamespacedDeploymentScale(
        { name: "web", namespace: "default", body: { spec: { replicas } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    await scale(2);
    expect(codeOf(await failure(scale(1)))).toBe(503);
    await scale(1);
    await apps.patchNamespacedDeployment(
      { name: "web", namespace: "default", body: { metadata: { labels: { tier: "front" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(rule).toMatchObject({ matched: 3, hits: 1 });
    const deployment = sim.get("deployments", "default", "web") as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(1);
  });

  it("answer 429 with a Retry-After header and retryAfterSeconds in the Status", async () => {
    const sim = await startSim({ tls: false, auth: "none" });
    sim.addFaultRule({
      verb: "list",
      resource: "pods",
      times: 2,
      effect: { kind: "status", status: 429, retryAfterSeconds: 3 },
    });
    const response = await fetch(`${sim.url}/api/v1/namespaces/default/pods`);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toMatchObject({
      reason: "TooManyRequests",
      details: { retryAfterSeconds: 3 },
    });
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/pods")).status).toBe(429);
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/pods")).status).toBe(200);
  });

  it("with a probability, hit the same requests for the same seed", async () => {
    const sim = await startSim({ tls: false, auth: "none" });
    const pattern = async (seed: number) => {
      sim.clearFaultRules();
      sim.addFaultRule({ verb: "get", probability: 0.3, seed, effect: { kind: "status", status: 500 } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await raw(sim, "GET", "/api/v1/namespaces/default")).status);
      return statuses.map((status) => (status === 500 ? "x" : ".")).join("");
    };
    const first = await pattern(7);
    expect(await pattern(7)).toBe(first);
    expect(await pattern(8)).not.toBe(first);
    const failed = first.split("").filter((c) => c === "x").length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(25);
  });

  it("match on namespace and name, call onHit, and are removed one by one or all at once", async () => {
    const sim = await startSim({ tls: false, auth: "none" });
    const seen: SimRequestFacts[] = [];
    const rule = sim.addFaultRule({
      verb: "get",
      resource: "services",
      namespace: "default",
      name: "web",
      effect: { kind: "status", status: 500 },
      onHit: (request) => seen.push(request),
    });
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/services")).status).toBe(200);
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/services/web")).status).toBe(500);
    expect(seen).toEqual([
      {
        method: "GET",
        path: "/api/v1/namespaces/default/services/web",
        verb: "get",
        group: "",
        resource: "services",
        namespace: "default",
        name: "web",
      },
    ]);
    rule.remove();
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/services/web")).status).toBe(200);
    sim.addFaultRule({ method: "GET", effect: { kind: "status", status: 502 } });
    expect((await raw(sim, "GET", "/version")).status).toBe(502);
    sim.clearFaultRules();
    expect((await raw(sim, "GET", "/version")).status).toBe(200);
  });

  it("leave faults given in the options working beside them", async () => {
    const sim = await startSim({
      tls: false,
      auth: "none",
      faults: [{ method: "DELETE", path: /\/services\//, status: 500, times: 1 }],
    });
    sim.addFaultRule({
      verb: "delete",
      resource: "services",
      nth: 2,
      effect: { kind: "status", status: 503 },
    });
    expect((await raw(sim, "DELETE", "/api/v1/namespaces/default/services/web")).status).toBe(500);
    expect((await raw(sim, "DELETE", "/api/v1/namespaces/default/services/web")).status).toBe(200);
    expect(sim.get("services", "default", "web")).toBeUndefined();
  });

  it("reject rules that cannot act", async () => {
    const sim = await startSim({ manifests: [] });
    expect(() => sim.addFaultRule({ nth: 0, effect: { kind: "reset" } })).toThrow(/nth must be/);
    expect(() => sim.addFaultRule({ probability: 2, effect: { kind: "reset" } })).toThrow(/within 0..1/);
  });
});

describe("applied then failed", () => {
  it.each([500, 504] as const)("applies the change, then answers %i", async (answer) => {
    const sim = await startSim({ manifests: [] });
    const net = kubeConfigFor(sim).makeApiClient(NetworkingV1Api);
    await net.createNamespacedNetworkPolicy({ namespace: "default", body: policy("cut") });
    sim.addFaultRule({
      verb: "delete",
      resource: "networkpolicies",
      effect: { kind: "applied-then-failed", answer },
    });
    const error = await failure(net.deleteNamespacedNetworkPolicy({ name: "cut", namespace: "default" }));
    expect(codeOf(error)).toBe(answer);
    expect(sim.get("networkpolicies", "default", "cut")).toBeUndefined();
    expect(sim.requests.at(-1)).toMatchObject({ method: "DELETE", status: answer });
  });

  it("applies the change, then resets the connection", async () => {
    const sim = await startSim({ manifests: [] });
    const net = kubeConfigFor(sim).makeApiClient(NetworkingV1Api);
    sim.addFaultRule({
      verb: "create",
      resource: "networkpolicies",
      effect: { kind: "applied-then-failed", answer: "reset" },
    });
    const error = await failure(
      net.createNamespacedNetworkPolicy({ namespace: "default", body: policy("cut") }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(codeOf(error)).toBeUndefined();
    expect(sim.get("networkpolicies", "default", "cut")).toBeDefined();
    expect(sim.requests.at(-1)).toMatchObject({ method: "POST", status: 0 });
  });

  it("a reset without applying leaves the object alone", async () => {
    const sim = await startSim({ manifests: [] });
    const net = kubeConfigFor(sim).makeApiClient(NetworkingV1Api);
    sim.addFaultRule({ verb: "create", resource: "networkpolicies", effect: { kind: "reset" } });
    expect(
      await failure(net.createNamespacedNetworkPolicy({ namespace: "default", body: policy("cut") })),
    ).toBeInstanceOf(Error);
    expect(sim.get("networkpolicies", "default", "cut")).toBeUndefined();
  });
});

describe("latency rules", () => {
  it("slow down only the requests they match", async () => {
    const sim = await startSim({ tls: false, auth: "none", manifests: [] });
    sim.addFaultRule({ verb: "list", resource: "pods", effect: { kind: "latency", ms: 150 } });
    let started = Date.now();
    await raw(sim, "GET", "/api/v1/namespaces/default/services");
    expect(Date.now() - started).toBeLessThan(120);
    started = Date.now();
    await raw(sim, "GET", "/api/v1/namespaces/default/pods");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("hold a request that still lands when its client has gone, and settled() waits for it", async () => {
    const sim = await startSim({ tls: false, auth: "none" });
    expect(sim.get("services", "default", "web")).toBeDefined();
    const rule = sim.addFaultRule({
      verb: "delete",
      resource: "services",
      effect: { kind: "latency", ms: 300 },
    });
    const client = new AbortController();
    const deleting = fetch(`${sim.url}/api/v1/namespaces/default/services/web`, {
      method: "DELETE",
      signal: client.signal,
    }).catch(() => undefined);
    await waitFor(() => rule.hits > 0, "the delete to arrive");
    client.abort();
    await deleting;
    expect(sim.get("services", "default", "web")).toBeDefined();
    await sim.settled(5000);
    expect(sim.get("services", "default", "web")).toBeUndefined();
  });
});

describe("dropped watches", () => {
  it.each([false, true])("ends open watches of a resource (abrupt: %s)", async (abrupt) => {
    const sim = await startSim({ manifests: [] });
    const kc = kubeConfigFor(sim);
    const ended: Array<unknown> = [];
    const open = (path: string) =>
      new Watch(kc).watch(
        path,
        {},
        () => undefined,
        (error) => ended.push(error ?? null),
      );
    await open("/api/v1/namespaces/default/configmaps");
    await open("/api/v1/namespaces/default/services");
    await waitFor(() => sim.requests.filter((r) => r.query.includes("watch")).length === 2, "both watches");
    expect(sim.dropWatches({ resource: "configmaps", abrupt })).toBe(1);
    await waitFor(() => ended.length === 1, "the configmap watch to end");
    expect(sim.dropWatches()).toBe(1);
    await waitFor(() => ended.length === 2, "the service watch to end");
    expect(sim.dropWatches()).toBe(0);
  });

  it("refuses new watches a status rule hits", async () => {
    const sim = await startSim({ tls: false, auth: "none", manifests: [] });
    sim.addFaultRule({ verb: "watch", effect: { kind: "status", status: 503 } });
    expect((await raw(sim, "GET", "/api/v1/namespaces/default/pods?watch=true")).status).toBe(503);
  });
});

describe("outages", () => {
  it.each(["refuse", "reset"] as const)(
    "make the API unreachable for a while (%s), then answer again",
    async (mode) => {
      const sim = await startSim({ manifests: [] });
      const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
      await core.listNamespace();
      const back = sim.unreachable({ ms: 300, mode });
      const error = (await failure(core.listNamespace())) as Error & { cause?: { code?: string } };
      expect(error).toBeInstanceOf(Error);
      expect(codeOf(error)).toBeUndefined();
      expect(
        JSON.stringify({
          message: error.message,
          code: error.cause?.code ?? (error as { code?: string }).code,
        }),
      ).toMatch(
        mode === "refuse" ? /ECONNREFUSED/ : /ECONNRESET|socket hang up|other side closed|disconnected/,
      );
      await expect(sim.unreachable({ ms: 10 })).rejects.toThrow(/already under way/);
      await back;
      expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    },
  );

  it("close() during an outage ends it at once", async () => {
    const sim = await startSim({ manifests: [] });
    const back = sim.unreachable({ ms: 60_000 });
    await sim.close();
    await back;
  });
});

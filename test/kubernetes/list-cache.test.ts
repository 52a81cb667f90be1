// Probes answered from a watch-fed cache (kubernetes/list-cache.ts) against the simulated cluster:
// the same answers a fresh list gives (right after our own write too), no API request per probe in
// steady state, a relist after 410 Gone, a plain list where the watch is refused, and every watch
// closed when the cache's time is up.
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.ts";
import { Kinds } from "../../src/kubernetes/activities/object-access.ts";
import { chaosk8sSource } from "../../src/kubernetes/catalog.ts";
import { resolveConnection } from "../../src/kubernetes/connection.ts";
import { listForProbe } from "../../src/kubernetes/list-cache.ts";
import type { NativeContext } from "../../src/providers/native.ts";
import { bindArguments } from "../../src/providers/python.ts";
import type { SimCluster, SimOptions } from "../../src/sim/index.ts";
import { fastTiming, kubeConfigFor, simsClosedAfterEachTest, waitFor } from "../sim/sim-client.ts";

const startSim = simsClosedAfterEachTest();
const scopes: AbortController[] = [];
afterEach(() => {
  for (const scope of scopes.splice(0)) scope.abort();
});

interface Probe {
  /** The probe as the hypothesis during the method runs it: from the cache. */
  cached(func: string, args: Record<string, unknown>): Promise<unknown>;
  /** The same probe as before or after the method: a fresh list. */
  fresh(func: string, args: Record<string, unknown>): Promise<unknown>;
  /** An action (through the same connection, so its writes are counted). */
  act(module: string, func: string, args: Record<string, unknown>): Promise<unknown>;
  scope: AbortController;
  kc: KubeConfig;
  context(cacheUntil?: AbortSignal): NativeContext;
}

async function probes(sim: SimCluster): Promise<Probe> {
  const { kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} });
  const scope = new AbortController();
  scopes.push(scope);
  const ctx = (cacheUntil?: AbortSignal): NativeContext => ({
    signal: new AbortController().signal,
    secrets: {},
    configuration: {},
    undo: { register: async (step) => ({ ...step, id: "u" }), discard: async () => {} },
    clock: systemClock,
    experimentDir: ".",
    services: { kubernetes: { connect: async () => kc }, runId: "cache-test" },
    ...(cacheUntil ? { cacheUntil } : {}),
  });
  const call = async (module: string, func: string, args: Record<string, unknown>, c: NativeContext) => {
    const signature = chaosk8sSource.signatures.find((s) => s.module === module && s.func === func)!;
    return (await chaosk8sSource.load(module, func))(bindArguments(signature, args), c);
  };
  const module = (func: string) =>
    func.startsWith("deployment")
      ? "chaosk8s.deployment.probes"
      : func.startsWith("namespace")
        ? "chaosk8s.namespace.probes"
        : "chaosk8s.pod.probes";
  return {
    cached: (func, args) => call(module(func), func, args, ctx(scope.signal)),
    fresh: (func, args) => call(module(func), func, args, ctx()),
    act: (m, func, args) => call(m, func, args, ctx()),
    scope,
    kc,
    context: ctx,
  };
}

const demo = (options: SimOptions = {}) => startSim({ timing: fastTiming, ...options });

/** The demo app's three web pods are Running. */
async function webRunning(sim: SimCluster) {
  await waitFor(
    () =>
      sim
        .list("pods", "default")
        .filter((p) => (p as { status?: { phase?: string } }).status?.phase === "Running").length === 3 &&
      // The Deployment controller reports them available a moment after they run.
      (sim.get("Deployment", "default", "web") as { status?: { availableReplicas?: number } } | undefined)
        ?.status?.availableReplicas === 3,
    "three web pods Running, and available in the Deployment's status",
  );
}

const requestsSince = (sim: SimCluster, from: number) => sim.requests.slice(from);

describe("probes answered from the watch-fed cache", () => {
  it("answer as a fresh list does, and send no request once the cache is warm", async () => {
    const sim = await demo();
    await webRunning(sim);
    const probe = await probes(sim);
    const args = { label_selector: "app=web", ns: "default" };
    expect(await probe.cached("count_pods", args)).toBe(await probe.fresh("count_pods", args));
    const warm = sim.requests.length;
    for (let tick = 0; tick < 50; tick++) {
      expect(await probe.cached("pods_in_phase", args)).toBe(true);
      expect(await probe.cached("count_pods", { ...args, phase: "Running" })).toBe(3);
    }
    expect(requestsSince(sim, warm)).toEqual([]);
    // One list and one watch per kind, namespace and selector.
    const pods = sim.requests.filter((r) => r.path === "/api/v1/namespaces/default/pods");
    expect(pods.filter((r) => r.query.includes("watch=true"))).toHaveLength(1);
  });

  it("see our own action at once: the first read after a write lists again", async () => {
    const sim = await demo({ timing: { ...fastTiming, scheduleMs: 400, deleteGraceMs: 0 } });
    await webRunning(sim);
    const probe = await probes(sim);
    const args = { label_selector: "app=web", ns: "default" };
    expect(await probe.cached("count_pods", args)).toBe(3);
    const before = sim.requests.length;
    await probe.act("chaosk8s.pod.actions", "terminate_pods", {
      label_selector: "app=web",
      ns: "default",
      qty: 1,
      grace_period: 0,
    });
    // The pod is gone and its replacement not yet scheduled: a list now says 3 pods, 2 of them Running.
    const cachedRunning = await probe.cached("count_pods", { ...args, phase: "Running" });
    const freshRunning = await probe.fresh("count_pods", { ...args, phase: "Running" });
    expect(cachedRunning).toBe(freshRunning);
    expect(cachedRunning).toBe(2);
    const lists = requestsSince(sim, before).filter(
      (r) => r.method === "GET" && r.path === "/api/v1/namespaces/default/pods" && !r.query.includes("watch"),
    );
    // The action's own list, the cache's relist, the fresh probe's list.
    expect(lists).toHaveLength(3);
  });

  it("follow changes made by others through the watch (a pod deleted, its replacement created)", async () => {
    const sim = await demo();
    await webRunning(sim);
    const probe = await probes(sim);
    const ctx = probe.context(probe.scope.signal);
    const names = async () =>
      (await listForProbe(ctx, probe.kc, Kinds.Pod, "default", { labelSelector: "app=web" })).map(
        (pod) => (pod.metadata as { name: string }).name,
      );
    const simNames = () =>
      sim
        .list("pods", "default")
        .map((pod) => (pod as { metadata: { name: string } }).metadata.name)
        .sort();
    expect(await names()).toEqual(simNames());
    const warm = sim.requests.length;
    // Deleted behind our back (another process, e.g. kubectl): only the watch can tell.
    const victim = simNames()[0]!;
    await kubeConfigFor(sim)
      .makeApiClient(CoreV1Api)
      .deleteNamespacedPod({ name: victim, namespace: "default", gracePeriodSeconds: 0 });
    await waitFor(
      async () => (await names()).length === 3 && !(await names()).includes(victim),
      "the cache to follow",
    );
    expect(await names()).toEqual(simNames());
    // The cache sent nothing: the delete came from elsewhere, the changes through the watch.
    expect(requestsSince(sim, warm).map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /api/v1/namespaces/default/pods/${victim}`,
    ]);
  });

  it("list again after 410 Gone, and answer the current state", async () => {
    const sim = await demo({ watchHistory: 3 });
    await webRunning(sim);
    const probe = await probes(sim);
    const args = { label_selector: "app=web", ns: "default" };
    expect(await probe.cached("count_pods", args)).toBe(3);
    // The watch breaks; while it cannot be reopened, more changes happen than the server keeps.
    const outage = sim.addFaultRule({
      verb: "watch",
      resource: "pods",
      effect: { kind: "status", status: 503 },
    });
    sim.dropWatches({ resource: "pods", abrupt: true });
    await waitFor(() => outage.hits > 0, "a reopen to fail");
    await probe.act("chaosk8s.deployment.actions", "scale_deployment", {
      name: "web",
      replicas: 5,
      ns: "default",
    });
    await waitFor(() => sim.list("pods", "default").length === 5, "five web pods");
    await sim.settled();
    const recovered = sim.requests.length;
    sim.clearFaultRules();
    // Reopened from the last version it saw, the watch answers 410; the cache lists again by itself.
    await waitFor(() => sim.openWatches("pods") === 1, "the watch open again", 10_000);
    const after = requestsSince(sim, recovered).filter((r) => r.path === "/api/v1/namespaces/default/pods");
    expect(after.map((r) => (r.query.includes("watch") ? "watch" : "list"))).toEqual([
      "watch",
      "list",
      "watch",
    ]);
    const settledAt = sim.requests.length;
    expect(await probe.cached("count_pods", args)).toBe(5);
    expect(await probe.cached("count_pods", args)).toBe(await probe.fresh("count_pods", args));
    expect(requestsSince(sim, settledAt)).toHaveLength(1); // the fresh probe's list only
  });

  it("list for every probe where the watch is refused (RBAC grants list, not watch)", async () => {
    const sim = await demo({ deny: [{ verb: "watch", resource: "pods" }] });
    await webRunning(sim);
    const probe = await probes(sim);
    const args = { label_selector: "app=web", ns: "default" };
    expect(await probe.cached("count_pods", args)).toBe(3);
    const before = sim.requests.length;
    for (let tick = 0; tick < 3; tick++) expect(await probe.cached("count_pods", args)).toBe(3);
    const sent = requestsSince(sim, before);
    expect(sent.every((r) => !r.query.includes("watch"))).toBe(true);
    expect(sent).toHaveLength(3);
  });

  it("watch cluster-scoped kinds too (namespace_exists), and see a namespace we create at once", async () => {
    const sim = await demo();
    const probe = await probes(sim);
    expect(await probe.cached("namespace_exists", { name: "default" })).toBe(true);
    expect(await probe.cached("namespace_exists", { name: "shop" })).toBe(false);
    const warm = sim.requests.length;
    expect(await probe.cached("namespace_exists", { name: "default" })).toBe(true);
    expect(requestsSince(sim, warm)).toEqual([]);
    await probe.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: "shop" } } });
    expect(await probe.cached("namespace_exists", { name: "shop" })).toBe(true);
  });

  it("readiness probes that already hold answer from the cache, without a watch of their own", async () => {
    const sim = await demo();
    await webRunning(sim);
    await sim.settled();
    const probe = await probes(sim);
    const args = { name: "web", ns: "default", timeout: 5 };
    expect(await probe.cached("deployment_fully_available", args)).toBe(true);
    const warm = sim.requests.length;
    for (let tick = 0; tick < 10; tick++) {
      expect(await probe.cached("deployment_fully_available", args)).toBe(true);
    }
    expect(requestsSince(sim, warm)).toEqual([]);
  });

  it("close their watches when their time is up", async () => {
    const sim = await demo();
    await webRunning(sim);
    const probe = await probes(sim);
    await probe.cached("count_pods", { label_selector: "app=web", ns: "default" });
    await probe.cached("deployment_available_and_healthy", { name: "web", ns: "default" });
    expect(sim.openWatches()).toBe(2);
    probe.scope.abort();
    await waitFor(() => sim.openWatches() === 0, "no watch left open");
  });
});

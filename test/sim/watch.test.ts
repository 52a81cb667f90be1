// Watch streams: events as JSON lines, resume from a resourceVersion, bookmarks, 410 for a too-old
// resourceVersion, and the server-side timeout that ends a watch.
import { AppsV1Api, CoreV1Api, Watch } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { type SimCluster, type SimOptions, startSimCluster } from "../../src/sim/index.ts";
import { fastTiming, kubeConfigFor, podManifest, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const aborts: AbortController[] = [];
const startSim = simsClosedAfterEachTest();

afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

async function start(options: SimOptions = {}): Promise<SimCluster> {
  const sim = await startSim({ manifests: [], ...options });
  return sim;
}

interface Seen {
  type: string;
  name: string;
  rv: string;
  object: Record<string, unknown>;
}

async function watchPods(
  sim: SimCluster,
  query: Record<string, string | number | boolean | undefined>,
  seen: Seen[],
  done?: (err: unknown) => void,
) {
  const watch = new Watch(kubeConfigFor(sim));
  const controller = await watch.watch(
    "/api/v1/namespaces/default/pods",
    query,
    (type, object: { metadata?: { name?: string; resourceVersion?: string } }) =>
      seen.push({
        type,
        name: object.metadata?.name ?? "",
        rv: object.metadata?.resourceVersion ?? "",
        object: object as Record<string, unknown>,
      }),
    done ?? (() => {}),
  );
  aborts.push(controller);
  return controller;
}

describe("watch", () => {
  it("streams ADDED, MODIFIED and DELETED from a list's resourceVersion", async () => {
    const sim = await start();
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: "default" });
    const seen: Seen[] = [];
    await watchPods(sim, { resourceVersion: list.metadata?.resourceVersion }, seen);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("w1") });
    await core.deleteNamespacedPod({ name: "w1", namespace: "default", gracePeriodSeconds: 0 });
    await waitFor(() => seen.some((e) => e.type === "DELETED"), "DELETED event");
    expect(seen[0]).toMatchObject({ type: "ADDED", name: "w1" });
    expect(seen.map((e) => e.type)).toContain("DELETED");
    const rvs = seen.map((e) => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it("replays missed events when resumed from an older resourceVersion", async () => {
    const sim = await start();
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: "default" });
    await core.createNamespacedPod({ namespace: "default", body: podManifest("early") });
    const seen: Seen[] = [];
    await watchPods(sim, { resourceVersion: list.metadata?.resourceVersion }, seen);
    await waitFor(() => seen.some((e) => e.name === "early" && e.type === "ADDED"), "replayed ADDED");
  });

  it("sends the current objects as ADDED when no resourceVersion is given", async () => {
    const sim = await start();
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("existing") });
    const seen: Seen[] = [];
    await watchPods(sim, {}, seen);
    await waitFor(() => seen.some((e) => e.name === "existing" && e.type === "ADDED"), "initial ADDED");
  });

  it("filters by label selector, and reports a pod leaving the selection as DELETED", async () => {
    const sim = await start();
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("other", { app: "other" }) });
    const seen: Seen[] = [];
    await watchPods(sim, { labelSelector: "app=mine" }, seen);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("mine", { app: "mine" }) });
    await waitFor(() => seen.length > 0, "ADDED");
    await core.patchNamespacedPod({
      name: "mine",
      namespace: "default",
      body: [{ op: "replace", path: "/metadata/labels/app", value: "gone" }],
    });
    await waitFor(() => seen.some((e) => e.type === "DELETED"), "DELETED on leaving the selector");
    expect(seen.every((e) => e.name === "mine")).toBe(true);
  });

  it("sends BOOKMARK events when allowWatchBookmarks is set", async () => {
    const sim = await start({ bookmarkIntervalMs: 20 });
    const seen: Seen[] = [];
    await watchPods(sim, { allowWatchBookmarks: true }, seen);
    const bookmark = await waitFor(() => seen.find((e) => e.type === "BOOKMARK"), "a bookmark");
    expect(Number(bookmark.rv)).toBeGreaterThan(0);
  });

  it("answers an ERROR event with a 410 Status for a resourceVersion older than the kept history", async () => {
    const sim = await start({ watchHistory: 5 });
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: "default" });
    for (let i = 0; i < 12; i++) {
      await core.createNamespacedPod({ namespace: "default", body: podManifest(`churn-${i}`) });
    }
    const seen: Seen[] = [];
    let ended = false;
    await watchPods(sim, { resourceVersion: list.metadata?.resourceVersion }, seen, () => {
      ended = true;
    });
    await waitFor(() => ended, "the watch to end");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.type).toBe("ERROR");
    expect(seen[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });

  it("ends the stream after timeoutSeconds, so the client must reopen it", async () => {
    const sim = await start();
    const seen: Seen[] = [];
    let ended = false;
    const started = Date.now();
    await watchPods(sim, { timeoutSeconds: 0.05 }, seen, () => {
      ended = true;
    });
    await waitFor(() => ended, "the server to end the watch");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("close() ends open watches", async () => {
    const sim = await startSimCluster({ manifests: [], timing: fastTiming });
    let ended = false;
    await watchPods(sim, {}, [], () => {
      ended = true;
    });
    await sim.close();
    await waitFor(() => ended, "the watch to end on close");
  });

  it("watches a Deployment by name from a list's resourceVersion: its scale and status changes arrive, in order", async () => {
    const sim = await start({ manifests: undefined, timing: fastTiming });
    const kc = kubeConfigFor(sim);
    const apps = kc.makeApiClient(AppsV1Api);
    const list = await apps.listNamespacedDeployment({
      namespace: "default",
      fieldSelector: "metadata.name=web",
    });
    const seen: Array<{ type: string; replicas?: number; ready?: number; rv: string }> = [];
    const controller = await new Watch(kc).watch(
      "/apis/apps/v1/namespaces/default/deployments",
      { fieldSelector: "metadata.name=web", resourceVersion: list.metadata?.resourceVersion },
      (
        type,
        object: {
          metadata: { resourceVersion: string };
          spec?: { replicas?: number };
          status?: { readyReplicas?: number };
        },
      ) =>
        seen.push({
          type,
          replicas: object.spec?.replicas,
          ready: object.status?.readyReplicas,
          rv: object.metadata.resourceVersion,
        }),
      () => {},
    );
    aborts.push(controller);
    expect(sim.openWatches("deployments")).toBe(1);
    await apps.patchNamespacedDeploymentScale({
      name: "web",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
    });
    await waitFor(() => seen.some((e) => e.replicas === 1 && e.ready === 1), "the scale and its status");
    expect(seen.every((e) => e.type === "MODIFIED")).toBe(true);
    const rvs = seen.map((e) => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    controller.abort();
    await waitFor(() => sim.openWatches("deployments") === 0, "the watch to close when the client leaves");
  });
});

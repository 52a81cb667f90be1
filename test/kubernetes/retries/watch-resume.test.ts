// A readiness watch outlives the streams under it: when the server ends one it reopens from the last
// resourceVersion it saw (no change missed, none replayed), and when that version is no longer kept
// (410 Gone) it lists again.
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/engine/clock.ts";
import { watchForState } from "../../../src/kubernetes/activities/readiness.ts";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import { type SimCluster, type SimOptions, startSimCluster } from "../../../src/sim/index.ts";

let sim: SimCluster | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const configMap = (name: string, namespace: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels },
});

async function watchForLabel(options: SimOptions, meanwhile: (sim: SimCluster) => Promise<void>) {
  sim = await startSimCluster({ watchTimeoutSeconds: 1, ...options });
  await sim.apply([configMap("a", "default")]);
  const { kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} });
  const found = watchForState({
    kc,
    path: "/api/v1/namespaces/default/configmaps",
    matches: (object) => (object.metadata as { labels?: Record<string, string> }).labels?.go === "yes",
    timeoutMs: 10_000,
    signal: new AbortController().signal,
    clock: systemClock,
    call: { verb: "watch", resource: "configmaps", namespace: "default" },
  });
  await meanwhile(sim);
  const watches = () =>
    sim!.requests.filter((r) => r.path === "/api/v1/namespaces/default/configmaps" && /watch=/.test(r.query));
  return {
    found: await found,
    watches: watches().map((r) => new URLSearchParams(r.query).get("resourceVersion")),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a watch that the server ends", () => {
  it("is reopened from the last resourceVersion it saw", async () => {
    const { found, watches } = await watchForLabel({}, async (cluster) => {
      await pause(1_600);
      await cluster.apply([configMap("b", "default", { go: "yes" })]);
    });
    expect(found).toBe(true);
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(watches[0]).toBeNull();
    expect(watches.slice(1).every((version) => version !== null && version !== "")).toBe(true);
  });

  it("lists again when that version is gone (410)", async () => {
    const { found, watches } = await watchForLabel({ watchHistory: 1 }, async (cluster) => {
      // Writes the watch does not see move the history past the version it will resume from.
      for (let i = 0; i < 5; i++) await cluster.apply([configMap(`x${i}`, "kube-system")]);
      await pause(1_600);
      await cluster.apply([configMap("b", "default", { go: "yes" })]);
    });
    expect(found).toBe(true);
    const resumed = watches.indexOf(watches.find((v, i) => i > 0 && v !== null) ?? "");
    expect(resumed).toBeGreaterThan(0);
    // After the 410, the next watch starts over without a version: a fresh list.
    expect(watches.slice(resumed + 1)).toContain(null);
  });
});

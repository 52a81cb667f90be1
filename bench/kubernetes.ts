// Kubernetes figures, against the simulated cluster over real HTTPS with the real client:
// - selecting terminate_pods' targets among 10,000 pods: how many API requests, how long;
// - from a pod turning Ready to deployment_fully_available (a watch) answering.
import { performance } from "node:perf_hooks";
import { KubeConfig } from "@kubernetes/client-node";
import { systemClock } from "../src/engine/clock.ts";
import { chaosk8sSource } from "../src/kubernetes/catalog.ts";
import { resolveTargets } from "../src/kubernetes/targets.ts";
import type { NativeContext } from "../src/providers/native.ts";
import { startSimCluster } from "../src/sim/index.ts";

const PODS = 10_000;
const READY_RUNS = 7;
const READY_DELAY_MS = 300;

const bulkPods = Array.from({ length: PODS }, (_, i) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: `bulk-${String(i).padStart(5, "0")}`, namespace: "bench", labels: { app: "bulk" } },
  spec: { containers: [{ name: "app", image: "nginx" }] },
}));

const readyApp = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "ready", namespace: "bench" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "ready" } },
    template: {
      metadata: { labels: { app: "ready" } },
      spec: { containers: [{ name: "app", image: "nginx" }] },
    },
  },
};

interface PodLike {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

const isReady = (pod: PodLike) =>
  !pod.metadata?.deletionTimestamp &&
  (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchKubernetes() {
  const sim = await startSimCluster({
    manifests: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } }, readyApp, ...bulkPods],
    timing: { scheduleMs: 0, startMs: 0, readyMs: READY_DELAY_MS, jitter: 0, deleteGraceMs: 0 },
  });
  try {
    await sim.settled(120_000);
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);

    // Warm the connection (TLS handshake, client load) outside the measurement.
    await resolveTargets(
      "chaosk8s.pod.actions",
      "terminate_pods",
      { label_selector: "app=ready", ns: "bench" },
      kc,
    );
    const before = sim.requests.length;
    const started = performance.now();
    const targets = await resolveTargets(
      "chaosk8s.pod.actions",
      "terminate_pods",
      { label_selector: "app=bulk", ns: "bench", qty: 1 },
      kc,
    );
    const selectionMs = performance.now() - started;
    const requests = sim.requests.slice(before);
    if (!targets || targets.candidates !== PODS)
      throw new Error(`expected ${PODS} candidates, got ${targets?.candidates}`);
    const lists = requests.filter(
      (r) => r.method === "GET" && r.path.endsWith("/pods") && !r.query.includes("continue="),
    );
    const pageSize = Number(new URLSearchParams(requests[0]?.query ?? "").get("limit") ?? "0") || PODS;

    const probe = await chaosk8sSource.load("chaosk8s.deployment.probes", "deployment_fully_available");
    const ctx: NativeContext = {
      signal: new AbortController().signal,
      secrets: {},
      configuration: {},
      undo: { register: async (step) => ({ ...step, id: "none" }), discard: async () => {} },
      clock: systemClock,
      experimentDir: process.cwd(),
      services: { kubernetes: { connect: async () => kc } },
    };
    const gaps: number[] = [];
    for (let run = 0; run < READY_RUNS; run++) {
      const [pod] = sim
        .list("Pod", "bench")
        .filter((p) => (p as PodLike).metadata?.name?.startsWith("ready-"));
      const name = (pod as PodLike).metadata!.name!;
      await kc
        .makeApiClient((await import("@kubernetes/client-node")).CoreV1Api)
        .deleteNamespacedPod({ name, namespace: "bench", gracePeriodSeconds: 0 });
      let readyAt = 0;
      const watcher = (async () => {
        // In-process, so this sees the simulated cluster's state the moment it changes (±1 ms).
        while (readyAt === 0) {
          const replacement = sim
            .list("Pod", "bench")
            .find((p) => (p as PodLike).metadata?.name?.startsWith("ready-") && isReady(p as PodLike));
          if (replacement) readyAt = performance.now();
          else await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const answer = await probe({ name: "ready", ns: "bench", timeout: 30 }, ctx);
      const answeredAt = performance.now();
      await watcher;
      if (answer !== true) throw new Error(`deployment_fully_available answered ${String(answer)}`);
      gaps.push(answeredAt - readyAt);
    }
    return {
      pods: PODS,
      selectionRequests: requests.length,
      selectionLists: lists.length,
      pageSize,
      selectionMs,
      readyRuns: READY_RUNS,
      readyToProbeMs: median(gaps),
      readyToProbeMaxMs: Math.max(...gaps),
    };
  } finally {
    await sim.close();
  }
}

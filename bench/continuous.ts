// API requests per tick of the continuous hypothesis, in steady state, against the simulated cluster:
// two Kubernetes probes (pods_in_phase, deployment_available_and_healthy) every 50 ms beside a method
// that kills a web pod and then waits. Counted by the server (every request it served) between the
// hypothesis' ticks once the fault's effects have settled; beside it, the same run on a connection
// without the watch-fed cache (a list per probe per tick).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { RunEvent } from "../src/engine/events.ts";
import { runExperiment } from "../src/engine/run.ts";
import { createUndoLog } from "../src/engine/undo.ts";
import type { Experiment } from "../src/experiment/format.ts";
import { chaosk8sSource } from "../src/kubernetes/catalog.ts";
import { resolveConnection } from "../src/kubernetes/connection.ts";
import { createExecutor } from "../src/providers/execute.ts";
import { createRegistry } from "../src/providers/registry.ts";
import { type SimCluster, startSimCluster } from "../src/sim/index.ts";

const FREQUENCY_S = 0.05;
const WAIT_S = Number(process.env.BENCH_CONTINUOUS_SECONDS ?? 6);
/** Ticks after the fault left out of the steady state: the replacement pod starting. */
const SETTLE_S = 2;

const probe = (name: string, module: string, func: string, args: Record<string, unknown>) => ({
  type: "probe" as const,
  name,
  tolerance: true,
  provider: { type: "python" as const, module, func, arguments: args },
});

const experiment: Experiment = {
  title: "continuous hypothesis",
  description: "requests per tick",
  "steady-state-hypothesis": {
    title: "web is up",
    probes: [
      probe("web-running", "chaosk8s.pod.probes", "pods_in_phase", {
        label_selector: "app=web",
        ns: "default",
      }),
      probe("web-available", "chaosk8s.deployment.probes", "deployment_available_and_healthy", {
        name: "web",
        ns: "default",
        raise_on_unavailable: false,
      }),
    ],
  },
  method: [
    {
      type: "action",
      name: "kill-a-web-pod",
      provider: {
        type: "python",
        module: "chaosk8s.pod.actions",
        func: "terminate_pods",
        arguments: { label_selector: "app=web", ns: "default", qty: 1 },
      },
      pauses: { after: WAIT_S },
    },
  ],
};

interface TickCount {
  /** Ticks of the hypothesis during the method counted in the steady state. */
  ticks: number;
  requests: number;
}

async function countTicks(sim: SimCluster, kc: KubeConfig): Promise<TickCount> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-continuous-"));
  const undoFile = path.join(dir, "undo.json");
  const log = createUndoLog({ file: undoFile, runId: "bench", execute: async () => {} });
  // Requests served when each tick of the hypothesis during the method ended, and when.
  const ends: Array<{ at: number; served: number }> = [];
  let faultAt = Number.POSITIVE_INFINITY;
  const probes = experiment["steady-state-hypothesis"]?.probes?.length ?? 1;
  let finishedInTick = 0;
  const onEvent = (event: RunEvent) => {
    if (event.type === "activity-finished" && event.phase === "method") faultAt = Date.now();
    if (event.type !== "activity-finished" || event.phase !== "during") return;
    finishedInTick++;
    if (finishedInTick % probes === 0) ends.push({ at: Date.now(), served: sim.requests.length });
  };
  const journal = await runExperiment({
    experiment,
    file: "bench/continuous",
    experimentDir: dir,
    strategies: { hypothesis: "during-method-only", frequencySeconds: FREQUENCY_S },
    execute: createExecutor({ registry: createRegistry([chaosk8sSource]) }),
    undo: { registry: log, replay: (options) => log.replay(options), file: undoFile },
    services: { kubernetes: { connect: async () => kc }, runId: "bench" },
    onEvent,
  });
  rmSync(dir, { recursive: true, force: true });
  if (journal.chaos_action.verdict === "failed")
    throw new Error(`bench run failed: ${journal.chaos_action.reason}`);
  const steady = ends.filter((end) => end.at >= faultAt + SETTLE_S * 1000);
  if (steady.length < 2) throw new Error("bench run: too few ticks in steady state");
  return { ticks: steady.length - 1, requests: steady.at(-1)!.served - steady[0]!.served };
}

export async function benchContinuous() {
  const sim = await startSimCluster({
    timing: { scheduleMs: 50, startMs: 100, readyMs: 100, jitter: 0, deleteGraceMs: 200 },
  });
  try {
    await sim.settled(30_000);
    // Our connection counts its writes: probes answer from the watch-fed cache.
    const { kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} });
    const cached = await countTicks(sim, kc);
    await sim.settled(30_000);
    // A KubeConfig that does not count them: every probe lists.
    const plain = new KubeConfig();
    plain.loadFromString(sim.kubeconfig);
    const listing = await countTicks(sim, plain);
    return {
      ticks: cached.ticks,
      perTick: cached.requests / cached.ticks,
      uncachedPerTick: listing.requests / listing.ticks,
    };
  } finally {
    await sim.close();
  }
}

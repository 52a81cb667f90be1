// The hypothesis during the method on the simulated cluster, run by the engine with the real chaosk8s
// probes: through a connection that counts our writes the checks answer from the watch-fed cache (and
// send next to no request), through one that does not they list every time; both see the fault.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { runExperiment } from "../../src/engine/run.ts";
import { createUndoLog } from "../../src/engine/undo.ts";
import type { Experiment } from "../../src/experiment/format.ts";
import { chaosk8sSource } from "../../src/kubernetes/catalog.ts";
import { resolveConnection } from "../../src/kubernetes/connection.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { startSimCluster } from "../../src/sim/index.ts";
import { kubeConfigFor } from "../sim/sim-client.ts";

const dir = mkdtempSync(path.join(tmpdir(), "continuous-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const experiment: Experiment = {
  title: "a killed web pod, watched during the method",
  description: "continuous hypothesis",
  "steady-state-hypothesis": {
    title: "every web pod is Running",
    probes: [
      {
        type: "probe",
        name: "web-pods-running",
        tolerance: true,
        provider: {
          type: "python",
          module: "chaosk8s.pod.probes",
          func: "pods_in_phase",
          arguments: { label_selector: "app=web", ns: "default", raise_on_invalid_phase: false },
        },
      },
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
        arguments: { label_selector: "app=web", ns: "default", qty: 1, grace_period: 0 },
      },
      pauses: { after: 3 },
    },
  ],
};

async function runWith(kc: KubeConfig, name: string): Promise<Journal> {
  const undoFile = path.join(dir, `${name}.json`);
  const log = createUndoLog({ file: undoFile, runId: name, execute: async () => {} });
  return runExperiment({
    experiment,
    file: `${name}.yaml`,
    experimentDir: dir,
    strategies: { hypothesis: "continuously", frequencySeconds: 0.05 },
    execute: createExecutor({ registry: createRegistry([chaosk8sSource]) }),
    undo: { registry: log, replay: (options) => log.replay(options), file: undoFile },
    services: { kubernetes: { connect: async () => kc }, runId: name },
  });
}

const listsDuring = (journal: Journal) =>
  journal.steady_states.during.reduce((sum, state) => sum + state.probes.length, 0);

describe("the continuous hypothesis on the simulated cluster", () => {
  it("answers from the watch-fed cache: the same deviation, a fraction of the requests", async () => {
    const sim = await startSimCluster({
      timing: { scheduleMs: 300, startMs: 300, readyMs: 100, jitter: 0, deleteGraceMs: 0 },
    });
    try {
      await sim.settled(30_000);
      const podRequests = () =>
        sim.requests.filter((r) => r.path === "/api/v1/namespaces/default/pods").length;

      const { kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} });
      const before = podRequests();
      const cached = await runWith(kc, "cached");
      const cachedRequests = podRequests() - before;
      await sim.settled(30_000);

      const listedBefore = podRequests();
      const listing = await runWith(kubeConfigFor(sim), "listing");
      const listingRequests = podRequests() - listedBefore;

      for (const journal of [cached, listing]) {
        expect(journal.steady_states.before?.steady_state_met).toBe(true);
        // The replacement pod is Pending for a while: some check during the method misses, later ones hold.
        expect(journal.steady_states.during.some((s) => s.steady_state_met === false)).toBe(true);
        expect(journal.steady_states.during.at(-1)?.steady_state_met).toBe(true);
        expect(journal.chaos_action.verdict).toBe("deviated");
      }
      // Without the cache, every check lists; with it, a handful of requests serve them all.
      expect(listingRequests).toBeGreaterThanOrEqual(listsDuring(listing));
      expect(listsDuring(cached)).toBeGreaterThan(20);
      expect(cachedRequests).toBeLessThan(10);
    } finally {
      await sim.close();
    }
  }, 60_000);
});

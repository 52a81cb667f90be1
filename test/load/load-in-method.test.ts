// The built-in load activity in the background of a method: it ends when the method ends (its result
// then covers the time up to that end), when fail-fast cuts the method, and when the run is
// interrupted; it never outlives the method by its own duration.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { type RunInput, runExperiment } from "../../src/engine/run.ts";
import { createUndoLog } from "../../src/engine/undo.ts";
import type { ActivityDefinition, Experiment } from "../../src/experiment/format.ts";
import { loadSource } from "../../src/load/catalog.ts";
import type { LoadOutput } from "../../src/load/generate-load.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { scratchDir } from "../engine/support.ts";

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const LONG_S = 600;
const RATE = 20;

const load = (): ActivityDefinition => ({
  type: "probe",
  name: "traffic",
  background: true,
  provider: {
    type: "python",
    module: "chaosaction.load.probes",
    func: "generate_load",
    arguments: { url, rate: RATE, duration: LONG_S, timeout: 2 },
  },
});

const step = (name: string, seconds: number): ActivityDefinition => ({
  type: "action",
  name,
  provider: {
    type: "process",
    path: process.execPath,
    arguments: ["-e", `setTimeout(() => {}, ${seconds * 1000})`],
  },
});

function run(experiment: Experiment, extra: Partial<RunInput> = {}): Promise<Journal> {
  const dir = scratchDir();
  const undoFile = `${dir}/undo.json`;
  const log = createUndoLog({ file: undoFile, runId: "load-run", execute: async () => {} });
  return runExperiment({
    experiment,
    file: "experiments/load.yaml",
    experimentDir: dir,
    execute: createExecutor({ registry: createRegistry([loadSource]) }),
    undo: { registry: log, replay: (options) => log.replay(options), file: undoFile },
    ...extra,
  });
}

const trafficOf = (journal: Journal) => journal.run.find((r) => r.activity.name === "traffic")!;

describe("the load activity beside the method", () => {
  it("stops when the method's other steps are done, and reports the time up to then", async () => {
    const journal = await run({
      title: "load",
      description: "load",
      method: [load(), step("short-step", 0.5)],
    });
    const traffic = trafficOf(journal);
    expect(traffic.status).toBe("succeeded");
    const output = traffic.output as LoadOutput;
    expect(output.stopped_early).toBe(true);
    expect(output.failed).toBe(0);
    expect(output.requests).toBeGreaterThan(0);
    expect(output.requests).toBeLessThan(RATE * LONG_S);
    expect(output.duration_s).toBeLessThan(LONG_S);
    // Its series covers the seconds it ran, not the planned ten minutes.
    expect(output.series.length).toBeLessThan(LONG_S);
    expect(journal.chaos_action.verdict).toBe("passed");
  });

  it("stops when the run is interrupted", async () => {
    const controller = new AbortController();
    const pending = run(
      { title: "load", description: "load", method: [load(), step("long-step", LONG_S)] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort("SIGTERM"), 300);
    const journal = await pending;
    expect(journal.status).toBe("interrupted");
    expect(journal.chaos_action.reason).toContain("SIGTERM");
    // The load ended with the run: nothing was left running when the undo started.
    expect(journal.chaos_action.reason).not.toContain("still running");
    expect(trafficOf(journal).activity.name).toBe("traffic");
  });
});

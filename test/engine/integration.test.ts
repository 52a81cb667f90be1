// The engine with the real executor: HTTP probes against a local server, real processes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.ts";
import { runExperiment } from "../../src/engine/run.ts";
import type { Experiment } from "../../src/experiment/format.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import { osSource } from "../../src/providers/os-module.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { until } from "./support.ts";

let healthy = true;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/health") {
      res.writeHead(healthy ? 200 : 500, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(healthy ? { status: "UP" } : { status: "DOWN", error: "db unreachable" }));
    } else if (req.url === "/break") {
      healthy = false;
      res.end("broken");
    } else {
      healthy = true;
      res.end("repaired");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const noUndo = {
  registry: {
    register: async () => ({ id: "", kind: "", description: "", data: {} }),
    discard: async () => {},
  },
  replay: async () => [],
};
const execute = createExecutor({ registry: createRegistry([osSource]) });

const webExperiment = (): Experiment => ({
  title: "the shop survives a broken database",
  description: "d",
  "steady-state-hypothesis": {
    title: "the shop answers",
    probes: [
      {
        type: "probe",
        name: "health-200",
        tolerance: 200,
        provider: { type: "http", url: `${base}/health`, timeout: 2 },
      },
      {
        type: "probe",
        name: "no-error-in-body",
        tolerance: { type: "jsonpath", target: "body", path: "$.error", count: 0 },
        provider: { type: "http", url: `${base}/health` },
      },
      {
        type: "probe",
        name: "status-up",
        tolerance: { type: "regex", target: "stdout", pattern: "^UP$" },
        provider: { type: "process", path: "echo", arguments: ["UP"] },
      },
    ],
  },
  method: [
    { type: "action", name: "break-db", provider: { type: "http", url: `${base}/break`, method: "POST" } },
    { type: "probe", name: "exit-3", provider: { type: "process", path: "sh", arguments: ["-c", "exit 3"] } },
  ],
  rollbacks: [{ type: "action", name: "repair-db", provider: { type: "http", url: `${base}/repair` } }],
});

describe("engine + real providers", () => {
  it("detects the deviation through HTTP and jsonpath tolerances, rolls back", async () => {
    healthy = true;
    const journal = await runExperiment({
      experiment: webExperiment(),
      file: "experiments/shop.yaml",
      experimentDir: ".",
      execute,
      undo: noUndo,
    });
    expect(journal.steady_states.before?.steady_state_met).toBe(true);
    expect(journal.run.map((r) => [r.activity.name, r.status])).toEqual([
      ["break-db", "succeeded"],
      ["exit-3", "succeeded"],
    ]);
    expect(journal.run[1]!.output).toEqual({ status: 3, stdout: "", stderr: "" });
    expect(journal.steady_states.after?.probes.map((p) => [p.activity.name, p.tolerance_met])).toEqual([
      ["health-200", false],
    ]);
    expect(journal.chaos_action).toMatchObject({ verdict: "deviated", reason: "deviated: health-200" });
    expect(journal.rollbacks[0]).toMatchObject({
      status: "succeeded",
      output: { status: 200, body: "repaired" },
    });
    expect(healthy).toBe(true);
  });

  it("an interruption kills the running process and still returns the journal", async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const pending = runExperiment({
      experiment: {
        title: "t",
        description: "d",
        method: [
          { type: "action", name: "long", provider: { type: "process", path: "sleep", arguments: ["30"] } },
        ],
      },
      file: "x.yaml",
      experimentDir: ".",
      execute,
      undo: noUndo,
      signal: controller.signal,
      clock: systemClock,
      onEvent: (e) => {
        if (e.type !== "undo-finished" && e.type !== "recovery-finished") events.push(`${e.type}:${e.name}`);
      },
    });
    await until(() => events.includes("activity-started:long"), "the process to start");
    const started = Date.now();
    controller.abort("SIGTERM");
    const journal = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(journal.status).toBe("interrupted");
    expect(journal.run[0]!.status).toBeUndefined();
    expect(journal.chaos_action.reason).toBe("failed: interrupted by SIGTERM");
  });
});

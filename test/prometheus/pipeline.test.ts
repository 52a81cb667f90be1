// A Prometheus-gated experiment through the whole pipeline (files, validation, engine, providers,
// journal): the same file holds against a service whose metrics stay clean after the fault, and
// deviates against one whose error rate and latency rise.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runOptions } from "../../src/run/options.ts";
import { runExperiments } from "../../src/run/pipeline.ts";
import { type Answer, type FakePrometheus, startFakePrometheus } from "./prometheus-server.ts";

const experiment = join(import.meta.dirname, "..", "fixtures", "prometheus", "error-rate-gate.yaml");
const ERRORS = 'sum(rate(http_requests_total{code=~"5.."}[1m]))';
const P99 = "histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[1m])) by (le))";
const TOKEN = "prom-t0ken-1234";

/** A service's metrics in Prometheus: clean until the fault, then (when fragile) errors and latency. */
async function monitored(fragile: boolean): Promise<FakePrometheus> {
  let faulted = false;
  const hurt = () => fragile && faulted;
  return startFakePrometheus({
    authorization: `Bearer ${TOKEN}`,
    routes: { "/fault": () => (faulted = true) },
    answers: {
      [ERRORS]: (): Answer => ({ vector: [{ metric: {}, value: hurt() ? 0.25 : 0 }] }),
      [P99]: (): Answer => ({
        matrix: [{ metric: {}, values: hurt() ? [0.1, 0.9, 1.4] : [0.1, 0.12, 0.2] }],
      }),
    },
  });
}

let dir: string;
const servers: FakePrometheus[] = [];
const messages: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "prometheus-pipeline-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  messages.length = 0;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function run(fragile: boolean) {
  const prometheus = await monitored(fragile);
  servers.push(prometheus);
  const log = (message: string) => messages.push(message);
  const journalPath = join(dir, `${fragile ? "fragile" : "resilient"}.json`);
  const result = await runExperiments({
    // The fake Prometheus keeps the fault's metrics; the recovery check would only query it again.
    options: runOptions({ targets: [experiment], journalPath, recoveryTimeoutSeconds: 0 }),
    cwd: dir,
    cluster: { mode: "auto" },
    reporter: { info: log, warn: log, error: log },
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PROMETHEUS_URL: prometheus.url,
      FAULT_URL: `${prometheus.url}/fault`,
      PROMETHEUS_TOKEN: TOKEN,
    },
  });
  const journal = JSON.parse(await readFile(journalPath, "utf8"));
  return { result, journal, prometheus };
}

describe("a Prometheus-gated hypothesis", () => {
  it("holds when the metrics stay clean after the fault", async () => {
    const { result, journal, prometheus } = await run(false);
    expect(result.verdict).toBe("passed");
    expect(journal.status).toBe("completed");
    expect(journal.deviated).toBe(false);
    const after = journal.steady_states.after.probes;
    expect(after.map((p: { activity: { name: string } }) => p.activity.name)).toEqual([
      "no-5xx",
      "p99-under-300ms",
    ]);
    expect(after[0].output).toMatchObject({ status: "success", data: { resultType: "vector" } });
    expect(after[1].output).toBeCloseTo(0.14, 12);
    // Before and after: two queries and two range queries, each with the token.
    expect(prometheus.requests.filter((r) => r.path.startsWith("/api/v1/")).length).toBe(4);
    expect(
      prometheus.requests.every((r) => r.path === "/fault" || r.headers.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
    // The token is a secret: it never reaches the journal.
    expect(JSON.stringify(journal)).not.toContain(TOKEN);
  });

  it("deviates when the fault shows in Prometheus, naming the probe", async () => {
    const { result, journal } = await run(true);
    expect(result.verdict).toBe("deviated");
    expect(result.outcomes[0]?.reason).toContain("no-5xx");
    expect(journal.deviated).toBe(true);
    const after = journal.steady_states.after;
    expect(after.steady_state_met).toBe(false);
    expect(after.probes[0].output.data.result[0].value[1]).toBe("0.25");
    expect(after.probes[0].tolerance_met).toBe(false);
  });
});

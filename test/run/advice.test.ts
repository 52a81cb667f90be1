// Advice through a whole run on the simulated cluster: a one-replica Deployment without a readiness
// probe or a PodDisruptionBudget loses requests while its pod is replaced; the journal, the printed
// lines and the report name each weakness with the object read. Without the RBAC to read
// PodDisruptionBudgets the run still runs (advice is not preflighted) and says advice is not available.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/markdown.ts";
import type { ClusterRequest } from "../../src/run/cluster-gate.ts";
import { runOptions } from "../../src/run/options.ts";
import { runExperiments } from "../../src/run/pipeline.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "advice");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "advice-run-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(cluster: Partial<ClusterRequest> = {}) {
  const messages: string[] = [];
  const log = (message: string) => messages.push(message);
  const result = await runExperiments({
    options: runOptions({
      targets: [join(fixtures, "lose-the-solo-pod.yaml")],
      journalPath: join(dir, `${messages.length}-${Date.now()}`),
    }),
    cwd: dir,
    cluster: { mode: "sim", simManifests: [join(fixtures, "fragile-solo.yaml")], ...cluster },
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH },
  });
  return { result, messages, journal: result.outcomes[0]!.journal! };
}

describe("advice after a run on the simulated cluster", () => {
  it("names the weaknesses of a one-replica Deployment, each with the object it read", async () => {
    const { result, messages, journal } = await run();
    expect(result.verdict).toBe("passed");
    const advice = journal.chaos_action.advice!;
    expect(advice.available).toBe(true);
    expect(advice.read).toEqual(
      expect.arrayContaining([
        { kind: "Service", namespace: "default", name: "solo" },
        { kind: "Deployment", namespace: "default", name: "solo" },
      ]),
    );
    const solo = { kind: "Deployment", namespace: "default", name: "solo" };
    expect(advice.findings.map(({ check, object }) => ({ check, object }))).toEqual([
      { check: "single-replica", object: solo },
      { check: "no-disruption-budget", object: solo },
      { check: "no-readiness-probe", object: solo },
      { check: "requests-lost", object: { kind: "Service", namespace: "default", name: "solo" } },
    ]);
    expect(advice.findings[3]!.seen).toMatch(
      /^\d+ of \d+ requests of traffic-during-the-fault failed during the fault \(http_503: \d+/,
    );

    // Printed as the run ends (the CLI and the action's log).
    expect(messages).toContainEqual(
      expect.stringMatching(/^advice: single replica \(Deployment default\/solo\): /),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^advice: requests lost during the fault \(Service default\/solo\): /),
    );

    const report = renderReport(result);
    expect(report).toContain("<summary>💡 Advice: 4 findings (");
    expect(report).toMatch(
      /\| single replica \| `Deployment default\/solo` \| Deployment default\/solo runs 1 replica/,
    );
    expect(report).toMatch(/\| no PodDisruptionBudget \| `Deployment default\/solo` \|/);
    expect(report).toMatch(/\| no readiness probe \| `Deployment default\/solo` \| Container solo of/);
    expect(report).toMatch(/\| requests lost during the fault \| `Service default\/solo` \|/);
  }, 60_000);

  it("without the RBAC to list PodDisruptionBudgets the run is not refused; advice says why it is missing", async () => {
    const { result, messages, journal } = await run({
      sim: { deny: [{ verb: "list", resource: "poddisruptionbudgets", group: "policy" }] },
    });
    expect(result.verdict).toBe("passed");
    expect(journal.chaos_action.advice).toMatchObject({ available: false, findings: [] });
    expect(journal.chaos_action.advice!.reason).toMatch(/poddisruptionbudgets/);
    expect(messages).toContainEqual(expect.stringMatching(/^advice not available: .*poddisruptionbudgets/));
    expect(renderReport(result)).toMatch(/\*\*Advice\*\* not available: .*poddisruptionbudgets/);
  }, 60_000);

  it("is not read after a run refused before its method: nothing was injected to judge", async () => {
    const { result, messages, journal } = await run({
      sim: { deny: [{ verb: "delete", resource: "pods" }] },
    });
    expect(result.verdict).toBe("failed");
    expect(journal.chaos_action.fault_injected).toBe(false);
    expect(journal.chaos_action.advice).toBeUndefined();
    expect(messages.filter((message) => message.startsWith("advice"))).toEqual([]);
  }, 60_000);
});

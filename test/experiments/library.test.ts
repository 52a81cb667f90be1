// The experiment library (experiments/): every shipped file starts with the schema line, states the
// weakness it finds and what it needs, is listed in README's library table, and reaches the verdict
// that table promises when run as the README says (against the simulated cluster's demo app; the
// Prometheus-gated one against a local server speaking the Prometheus HTTP API).
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type CliIo, main } from "../../src/cli/main.ts";
import type { Journal } from "../../src/engine/journal.ts";
import { type Answer, type FakePrometheus, startFakePrometheus } from "../prometheus/prometheus-server.ts";

const root = join(import.meta.dirname, "..", "..");
const experiments = join(root, "experiments");
const SCHEMA_LINE =
  "# yaml-language-server: $schema=https://raw.githubusercontent.com/chaos-action/chaos-action/v1/schema/experiment.schema.json";

/** Files run by another test, which says so by naming them. */
const RUN_ELSEWHERE: Record<string, string> = {
  "terminate-pod-under-load.yaml": "test/load/experiments-under-load.test.ts",
  "terminate-single-replica-under-load.yaml": "test/load/experiments-under-load.test.ts",
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "library-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** README's library table: file → the verdict it promises on the simulated cluster. */
async function promisedVerdicts(): Promise<Map<string, string>> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.split("\n### Experiment library\n")[1]?.split("\n### ")[0] ?? "";
  const rows = [
    ...section.matchAll(/^\| \[`([^`]+\.yaml)`\]\(experiments\/\1\) \|.*\| (held|deviated)[^|]* \|$/gm),
  ];
  return new Map(rows.map((row) => [row[1]!, row[2]!]));
}

async function shipped(): Promise<string[]> {
  return (await readdir(experiments)).filter((name) => name.endsWith(".yaml")).sort();
}

async function runCli(files: string[], env: NodeJS.ProcessEnv = {}, flags: string[] = []) {
  const err: string[] = [];
  const journals = join(dir, `journals-${files[0]}-${Date.now()}`);
  const io: CliIo = {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    onSignal: () => () => {},
  };
  const code = await main(
    [
      "run",
      ...files.map((file) => join(experiments, file)),
      "--cluster",
      "sim",
      "--journal-path",
      journals,
      ...flags,
    ],
    io,
  );
  const names = await readdir(journals);
  const journalOf = async (file: string): Promise<Journal> =>
    JSON.parse(
      await readFile(join(journals, names.find((name) => name.endsWith(`${file}.journal.json`))!), "utf8"),
    );
  return { code, log: err.join("\n"), journalOf };
}

const traffic = (journal: Journal) =>
  journal.run.find((run) => run.activity.name === "traffic-during-the-fault")?.output as
    | { requests: number; success_ratio: number }
    | undefined;

const touchedKinds = (journal: Journal) =>
  journal.run.flatMap((run) =>
    (run.touched ?? []).flatMap((touch) => touch.objects.map((object) => object.kind)),
  );

describe("the shipped experiments, as files", () => {
  it("each starts with the schema line and states the weakness it finds and what it needs", async () => {
    const names = await shipped();
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const text = await readFile(join(experiments, name), "utf8");
      expect(text.split("\n")[0], name).toBe(SCHEMA_LINE);
      const description = (parse(text) as { description: string }).description;
      expect(description, name).toMatch(/^Weakness it finds: /);
      expect(description, name).toMatch(/ Needs: /);
    }
  });

  it("each is listed in README's library table with the verdict it reaches on the simulated cluster", async () => {
    const promised = await promisedVerdicts();
    expect([...promised.keys()].sort()).toEqual(await shipped());
  });

  it("those run by another test are named there", async () => {
    for (const [name, test] of Object.entries(RUN_ELSEWHERE)) {
      expect(await readFile(join(root, test), "utf8"), test).toContain(name);
    }
  });
});

describe("the shipped experiments against the simulated cluster reach the verdict README promises", () => {
  it("terminate-pod.yaml: every web pod is Running again", async () => {
    const { code, log, journalOf } = await runCli(["terminate-pod.yaml"]);
    expect((await promisedVerdicts()).get("terminate-pod.yaml")).toBe("held");
    expect([code, log]).toEqual([0, expect.stringMatching(/passed +\S*terminate-pod\.yaml +held/)]);
    expect(touchedKinds(await journalOf("terminate-pod.yaml"))).toEqual(["Pod"]);
  }, 60_000);

  it("drain-node-under-load.yaml: pods are evicted from the drained node, traffic holds, the node is uncordoned", async () => {
    const { code, log, journalOf } = await runCli(["drain-node-under-load.yaml"]);
    expect((await promisedVerdicts()).get("drain-node-under-load.yaml")).toBe("held");
    expect([code, log]).toEqual([0, expect.stringMatching(/passed +\S*drain-node-under-load\.yaml +held/)]);
    const journal = await journalOf("drain-node-under-load.yaml");
    expect(touchedKinds(journal)).toEqual(expect.arrayContaining(["Node", "Pod"]));
    expect(traffic(journal)).toMatchObject({ requests: 200 });
    expect(traffic(journal)!.success_ratio).toBeGreaterThanOrEqual(0.99);
    expect(journal.undo.map((step) => [step.description, step.status])).toEqual([
      [expect.stringMatching(/^uncordon /), "succeeded"],
    ]);
  }, 90_000);

  it("scale-down-and-back-under-load.yaml: one replica carries the traffic, the undo restores three", async () => {
    const { code, log, journalOf } = await runCli(["scale-down-and-back-under-load.yaml"]);
    expect((await promisedVerdicts()).get("scale-down-and-back-under-load.yaml")).toBe("held");
    expect([code, log]).toEqual([
      0,
      expect.stringMatching(/passed +\S*scale-down-and-back-under-load\.yaml +held/),
    ]);
    const journal = await journalOf("scale-down-and-back-under-load.yaml");
    expect(journal.run.flatMap((run) => (run.touched ?? []).map((touch) => touch.after))).toEqual([
      { replicas: 1 },
      { replicas: 3 },
    ]);
    expect(traffic(journal)!.success_ratio).toBeGreaterThanOrEqual(0.99);
    expect(journal.undo.at(-1)).toMatchObject({
      description: expect.stringContaining("back to 3 replicas"),
      status: "succeeded",
    });
  }, 90_000);

  it("rollout-restart-under-load.yaml: every pod is replaced while the traffic holds", async () => {
    const { code, log, journalOf } = await runCli(["rollout-restart-under-load.yaml"]);
    expect((await promisedVerdicts()).get("rollout-restart-under-load.yaml")).toBe("held");
    expect([code, log]).toEqual([
      0,
      expect.stringMatching(/passed +\S*rollout-restart-under-load\.yaml +held/),
    ]);
    const journal = await journalOf("rollout-restart-under-load.yaml");
    expect(touchedKinds(journal)).toEqual(["Deployment"]);
    expect(traffic(journal)!.success_ratio).toBeGreaterThanOrEqual(0.99);
    expect(journal.steady_states.during.length).toBeGreaterThan(3);
  }, 90_000);

  it("partition-dependency-under-load.yaml: the NetworkPolicy is created for the method and deleted by the undo", async () => {
    const { code, log, journalOf } = await runCli(["partition-dependency-under-load.yaml"]);
    expect((await promisedVerdicts()).get("partition-dependency-under-load.yaml")).toBe("held");
    expect([code, log]).toEqual([
      0,
      expect.stringMatching(/passed +\S*partition-dependency-under-load\.yaml +held/),
    ]);
    const journal = await journalOf("partition-dependency-under-load.yaml");
    expect(journal.run.flatMap((run) => run.touched ?? []).flatMap((touch) => touch.objects)).toEqual([
      expect.objectContaining({
        kind: "NetworkPolicy",
        namespace: "default",
        name: "chaos-partition-dependency",
      }),
    ]);
    expect(journal.undo).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect(traffic(journal)!.success_ratio).toBeGreaterThanOrEqual(0.99);
  }, 90_000);
});

describe("the weakness each states, on a fragile web (one replica, Recreate, no budget, no readiness probe)", () => {
  const fragile = ["--sim-manifests", join(root, "test", "fixtures", "library", "fragile-web.yaml")];

  it("drain-node-under-load.yaml and rollout-restart-under-load.yaml deviate, and advice names why", async () => {
    const files = ["drain-node-under-load.yaml", "rollout-restart-under-load.yaml"];
    const { code, log, journalOf } = await runCli(files, {}, fragile);
    expect(code).toBe(1);
    for (const file of files) {
      expect(log).toMatch(new RegExp(`deviated +\\S*${file.replaceAll(".", "\\.")} +deviated: web-answers`));
      const journal = await journalOf(file);
      expect(traffic(journal)!.success_ratio).toBeLessThan(0.99);
      const checks = journal.chaos_action.advice?.findings.map((finding) => finding.check);
      expect(checks).toEqual(
        expect.arrayContaining([
          "single-replica",
          "no-disruption-budget",
          "no-readiness-probe",
          "requests-lost",
        ]),
      );
    }
  }, 120_000);
});

describe("prometheus-gated-terminate-pod.yaml against a local Prometheus", () => {
  const servers: FakePrometheus[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  /** web's metrics as Prometheus answers the file's own queries: clean, or (fragile) hurt once the hypothesis was first checked. */
  async function prometheus(fragile: boolean): Promise<FakePrometheus> {
    const configuration = (
      parse(await readFile(join(experiments, "prometheus-gated-terminate-pod.yaml"), "utf8")) as {
        configuration: Record<string, { default: string }>;
      }
    ).configuration;
    let server: FakePrometheus | undefined;
    // The hypothesis before the method asks twice (one query per probe); every later answer is after the fault.
    const hurt = () => fragile && (server?.requests.length ?? 0) > 2;
    server = await startFakePrometheus({
      answers: {
        [configuration.error_ratio_query!.default]: (): Answer => ({
          matrix: [{ metric: {}, values: hurt() ? [0, 0.2, 0.3] : [0, 0, 0] }],
        }),
        [configuration.p99_query!.default]: (): Answer => ({
          matrix: [{ metric: {}, values: hurt() ? [0.1, 0.9, 1.2] : [0.1, 0.12, 0.15] }],
        }),
      },
    });
    servers.push(server);
    return server;
  }

  const env = (server: FakePrometheus) => ({ PROMETHEUS_URL: server.url, PROMETHEUS_SETTLE_SECONDS: "1" });

  it("holds while Prometheus reports no errors and a low p99 after the pod is terminated", async () => {
    const server = await prometheus(false);
    const { code, log, journalOf } = await runCli(["prometheus-gated-terminate-pod.yaml"], env(server));
    expect((await promisedVerdicts()).get("prometheus-gated-terminate-pod.yaml")).toBe("held");
    expect([code, log]).toEqual([
      0,
      expect.stringMatching(/passed +\S*prometheus-gated-terminate-pod\.yaml +held/),
    ]);
    const journal = await journalOf("prometheus-gated-terminate-pod.yaml");
    expect(touchedKinds(journal)).toEqual(["Pod"]);
    expect(journal.steady_states.after?.probes.map((probe) => probe.output)).toEqual([
      0,
      expect.closeTo(0.123, 3),
    ]);
    expect(server.requests.every((request) => request.path === "/api/v1/query_range")).toBe(true);
  }, 60_000);

  it("deviates when errors and latency rise in Prometheus after the fault, naming the probe", async () => {
    const server = await prometheus(true);
    // Its metrics stay hurt: a short recovery timeout ends the check that cannot succeed.
    const { code, log, journalOf } = await runCli(["prometheus-gated-terminate-pod.yaml"], env(server), [
      "--recovery-timeout",
      "2",
    ]);
    expect(code).toBe(1);
    expect(log).toMatch(
      /deviated +\S*prometheus-gated-terminate-pod\.yaml +deviated: error-ratio-under-1-percent/,
    );
    const journal = await journalOf("prometheus-gated-terminate-pod.yaml");
    // The first missed probe ends the check, as in Chaos Toolkit.
    expect(journal.steady_states.after?.probes.map((probe) => probe.tolerance_met)).toEqual([false]);
  }, 60_000);
});

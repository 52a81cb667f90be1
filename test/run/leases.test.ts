// One run at a time per target, through the whole pipeline: two runs on one simulated cluster take
// turns (the second waits for the first one's Lease, then runs), or the second fails naming the
// first when it may not wait; dry runs take no Lease; the RBAC preflight names the Lease permissions.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import { type RunRequest, runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, type SimOptions, startSimCluster } from "../../src/sim/index.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "leases-test-"));
  await writeFile(
    join(dir, "scale.yaml"),
    `title: scale web to zero for a second
description: our undo restores the replicas it saw before
method:
  - type: action
    name: scale-web-to-zero
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 0, ns: default}
    pauses: {after: 1}
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

async function withSim<T>(options: SimOptions, body: (sim: SimCluster) => Promise<T>): Promise<T> {
  const sim = await startSimCluster({
    manifests: web,
    timing: { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 },
    ...options,
  });
  try {
    await sim.settled(10_000);
    return await body(sim);
  } finally {
    await sim.close();
  }
}

function request(
  sim: SimCluster,
  name: string,
  messages: string[],
  extra: Partial<RunOptions> = {},
): RunRequest {
  const log = (message: string) => messages.push(message);
  return {
    options: runOptions({ targets: ["scale.yaml"], journalPath: `${name}.json`, ...extra }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH, HOME: dir },
  };
}

const replicas = (sim: SimCluster) =>
  (sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas;

const holdsLease = (sim: SimCluster) => sim.get("Lease", "default", "chaos-action") !== undefined;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe("two runs on one namespace", () => {
  it("take turns: the second waits for the first one's Lease, and both restore the cluster", async () => {
    await withSim({}, async (sim) => {
      const a: string[] = [];
      const b: string[] = [];
      const first = runExperiments(request(sim, "first", a));
      await until(() => holdsLease(sim));
      const second = runExperiments(request(sim, "second", b));
      const [one, two] = await Promise.all([first, second]);

      expect(one.outcomes[0]).toMatchObject({ verdict: "passed" });
      expect(two.outcomes[0]).toMatchObject({ verdict: "passed" });
      expect(b.some((m) => m.startsWith("Waiting up to 120s for Lease default/chaos-action"))).toBe(true);
      // The second scaled only after the first had undone its scale-down: it saw 3 replicas "before".
      const undone = Date.parse(one.outcomes[0]!.journal!.undo[0]!.end);
      expect(Date.parse(two.outcomes[0]!.journal!.run[0]!.start)).toBeGreaterThanOrEqual(undone);
      expect(two.outcomes[0]!.journal!.undo).toMatchObject([{ status: "succeeded" }]);
      expect(replicas(sim)).toBe(3);
      expect(holdsLease(sim)).toBe(false);
    });
  }, 30_000);

  it("fail the second at once with no wait, naming the first run, which goes on undisturbed", async () => {
    await withSim({}, async (sim) => {
      const a: string[] = [];
      const b: string[] = [];
      const first = runExperiments(request(sim, "first-0", a));
      await until(() => holdsLease(sim));
      const two = await runExperiments(request(sim, "second-0", b, { leaseWaitSeconds: 0 }));
      const one = await first;

      expect(one.outcomes[0]).toMatchObject({ verdict: "passed" });
      const refused = two.outcomes[0]!;
      expect(refused.verdict).toBe("failed");
      expect(refused.reason).toMatch(
        new RegExp(
          `^failed: Lease not obtained: Lease default/chaos-action is held by another run, \\S+ pid ${process.pid} id \\w+ since \\d{4}-`,
        ),
      );
      expect(refused.journal!.chaos_action.fault_injected).toBe(false);
      expect(refused.journal!.undo).toEqual([]);
      expect(replicas(sim)).toBe(3);
    });
  }, 30_000);
});

describe("what takes no Lease, and what the preflight asks", () => {
  it("a dry run takes none, and says which a run would take", async () => {
    await withSim({}, async (sim) => {
      const messages: string[] = [];
      const result = await runExperiments(request(sim, "dry", messages, { dryRun: true }));
      expect(result.verdict).toBe("skipped");
      expect(messages.join("\n")).toContain(
        "A run would hold Lease default/chaos-action (a dry run takes none).",
      );
      expect(sim.requests.filter((r) => r.path.includes("/leases"))).toEqual([]);
    });
  });

  it("refuses a run whose user may not update Leases, naming the permission and its rule", async () => {
    await withSim(
      { deny: [{ verb: "update", resource: "leases", group: "coordination.k8s.io", namespace: "default" }] },
      async (sim) => {
        const result = await runExperiments(request(sim, "denied", []));
        const outcome = result.outcomes[0]!;
        expect(outcome.verdict).toBe("failed");
        expect(outcome.reason).toContain(
          '- update leases (API group coordination.k8s.io) in namespace "default"',
        );
        expect(outcome.reason).toContain('apiGroups: ["coordination.k8s.io"]');
        expect(outcome.journal!.chaos_action.fault_injected).toBe(false);
        expect(replicas(sim)).toBe(3);

        const messages: string[] = [];
        await runExperiments(request(sim, "denied-dry", messages, { dryRun: true }));
        expect(messages.join("\n")).toContain("- update leases (API group coordination.k8s.io)");
      },
    );
  });
});

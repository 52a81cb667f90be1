// Undo that cannot be lost, through the whole pipeline against the simulated cluster with API faults
// injected: a 5xx on the undo is retried (by the API client, up to its 5 attempts, then by the undo
// log); a change whose answer was lost (504 after the server
// applied it) keeps its undo; an action in flight when the run is interrupted is awaited, and its
// late undo replayed; the undo file is printed, journaled and removed once everything is undone.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOptions } from "../../src/run/options.ts";
import { type RunRequest, runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, type SimOptions, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "undo-faults-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POLICY_PATH = "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies";

async function withSim<T>(options: SimOptions, body: (sim: SimCluster) => Promise<T>): Promise<T> {
  const sim = await startSimCluster({
    timing: { scheduleMs: 10, startMs: 10, readyMs: 10, jitter: 0, deleteGraceMs: 50 },
    ...options,
  });
  try {
    await sim.settled(10_000);
    return await body(sim);
  } finally {
    await sim.close();
  }
}

function request(sim: SimCluster, file: string, extra: Partial<RunRequest> & { undoFile?: string } = {}) {
  const messages: string[] = [];
  const log = (message: string) => messages.push(message);
  const { undoFile, ...rest } = extra;
  const value: RunRequest = {
    options: runOptions({ targets: [file], journalPath: `${file}.journal.json`, undoFile }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH, HOME: dir },
    ...rest,
  };
  return { value, messages };
}

const denyIngress = `title: deny all ingress
description: a network policy we create, then undo
method:
  - type: action
    name: deny-ingress
    provider:
      type: python
      module: chaosk8s.networking.actions
      func: deny_all_ingress
      arguments: {ns: default}
`;

const policies = (sim: SimCluster) => sim.list("NetworkPolicy", "default");

describe("undo under API faults", () => {
  it("a 5xx while deleting the policy we created is retried: restored, verdict unaffected, file removed", async () => {
    await writeFile(join(dir, "deny.yaml"), denyIngress);
    await withSim(
      // More 503s than the API client's 5 attempts: the undo log's own retry has to finish the job.
      { faults: [{ method: "DELETE", path: `${POLICY_PATH}/`, status: 503, times: 6 }] },
      async (sim) => {
        const undoFile = join(dir, "retried-undo.json");
        const { value, messages } = request(sim, "deny.yaml", { undoFile });
        const result = await runExperiments(value);
        expect(result.outcomes[0]).toMatchObject({ verdict: "passed", reason: "held" });
        expect(result.verdict).toBe("passed");
        expect(result.undo).toBeUndefined();
        expect(policies(sim)).toEqual([]);
        const deletes = sim.requests.filter((r) => r.method === "DELETE" && r.path.startsWith(POLICY_PATH));
        expect(deletes.map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503, 200]);
        const journal = result.outcomes[0]!.journal!;
        expect(journal.undo).toMatchObject([{ status: "succeeded", attempts: 2 }]);
        expect(journal.chaos_action.undo_file).toBe(undoFile);
        expect(messages).toContain(`Undo steps of our cluster changes are written to ${undoFile}`);
        expect(existsSync(undoFile)).toBe(false);
      },
    );
  });

  it("a permanent 5xx on the undo fails the run, names what is left, and keeps the step pending", async () => {
    await writeFile(join(dir, "deny-stuck.yaml"), denyIngress);
    await withSim({ faults: [{ method: "DELETE", path: `${POLICY_PATH}/`, status: 500 }] }, async (sim) => {
      const undoFile = join(dir, "stuck-undo.json");
      const { value } = request(sim, "deny-stuck.yaml", { undoFile });
      // Long enough for more than one undo attempt, each of which the API client retries for ~2.5 s.
      value.options.undoTimeoutSeconds = 8;
      const result = await runExperiments(value);
      expect(result.verdict).toBe("failed");
      const outcome = result.outcomes[0]!;
      expect(outcome.verdict).toBe("failed");
      expect(outcome.reason).toMatch(
        /^failed: our undo could not be completed, changes are left in the cluster \(delete NetworkPolicy default\/chaostoolkit-deny-all-ingress, created by the experiment\)$/,
      );
      const journal = outcome.journal!;
      expect(journal.status).toBe("failed");
      expect(journal.undo).toMatchObject([{ status: "pending" }]);
      expect(journal.undo[0]!.attempts).toBeGreaterThan(1);
      expect(journal.chaos_action.left_changed).toEqual([
        "delete NetworkPolicy default/chaostoolkit-deny-all-ingress, created by the experiment",
      ]);
      expect(result.undo).toEqual({ file: undoFile, pending: journal.chaos_action.left_changed });
      const kept = JSON.parse(await readFile(undoFile, "utf8"));
      expect(kept.entries).toMatchObject([{ state: "pending" }]);
      expect(policies(sim)).toHaveLength(1);
    });
  }, 20_000);

  it("a change applied before its answer was lost (504 after apply) keeps its undo, which removes it", async () => {
    await writeFile(join(dir, "deny-lost.yaml"), denyIngress);
    // The API client retries the create, finds the policy (409) and cannot read it back to see
    // whether it is ours: the outcome stays unknown, so the action fails and its undo is kept.
    await withSim(
      {
        faults: [
          { method: "POST", path: POLICY_PATH, status: 504, times: 1, afterApply: true },
          { method: "GET", path: `${POLICY_PATH}/`, status: 500, times: 20 },
        ],
      },
      async (sim) => {
        const undoFile = join(dir, "lost-undo.json");
        const { value } = request(sim, "deny-lost.yaml", { undoFile });
        const result = await runExperiments(value);
        const journal = result.outcomes[0]!.journal!;
        // The action saw an error: the run failed, but nothing is left behind.
        expect(journal.run[0]).toMatchObject({ status: "failed" });
        expect(result.outcomes[0]!.verdict).toBe("failed");
        expect(journal.undo).toMatchObject([{ status: "succeeded" }]);
        expect(policies(sim)).toEqual([]);
        expect(result.undo).toBeUndefined();
        expect(existsSync(undoFile)).toBe(false);
      },
    );
  });

  it("a change the server refused (422) discards its undo: nothing to replay", async () => {
    await writeFile(join(dir, "deny-refused.yaml"), denyIngress);
    await withSim({ faults: [{ method: "POST", path: POLICY_PATH, status: 422, times: 1 }] }, async (sim) => {
      const { value } = request(sim, "deny-refused.yaml");
      const result = await runExperiments(value);
      expect(result.outcomes[0]!.journal!.undo).toEqual([]);
      expect(policies(sim)).toEqual([]);
    });
  });

  it("an action in flight when the run is interrupted leaves nothing behind: its request is cancelled, or its change undone", async () => {
    await writeFile(
      join(dir, "scale-slow.yaml"),
      `title: scale web down over a slow API
description: the signal arrives while scale_deployment waits for its first answer
method:
  - type: action
    name: scale-to-one
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 1, ns: default}
`,
    );
    await withSim({ latencyMs: 300 }, async (sim) => {
      const interrupt = new AbortController();
      const { value } = request(sim, "scale-slow.yaml", { signal: interrupt.signal });
      const events: string[] = [];
      value.reporter.event = (event) => {
        if (event.type !== "activity-started" || event.phase !== "method") return;
        events.push(event.name);
        // Its first request (reading the deployment) is still on its way.
        setTimeout(() => interrupt.abort("SIGINT"), 100);
      };
      const slow = await runExperiments(value);
      const journal = slow.outcomes[0]!.journal!;
      expect(events).toEqual(["scale-to-one"]);
      expect(journal.status).toBe("interrupted");
      const web = sim.get("Deployment", "default", "web") as { spec: { replicas: number } };
      expect(web.spec.replicas).toBe(3);
      // The signal cancels the action's requests (the API client honours the activity's signal): a
      // scale the server never received needs no undo; one it did receive is undone. (The engine's
      // bounded wait for actions that ignore the signal is tested in test/engine/undo.test.ts.)
      const patches = sim.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/deployments/web"));
      if (patches.length === 0) expect(journal.undo).toEqual([]);
      else
        expect(journal.undo).toMatchObject([
          { description: "scale Deployment default/web back to 3 replicas", status: "succeeded" },
        ]);
    });
  }, 20_000);
});

describe("undo never does harm", () => {
  it("leaves a newer replica count alone and reports the conflict instead of overwriting it", async () => {
    await writeFile(
      join(dir, "scale-then-deploy.yaml"),
      `title: scale web down while a deploy scales it up
description: the undo must not put back 3 over the deploy's 5
method:
  - type: action
    name: scale-to-one
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 1, ns: default}
    pauses: {after: 1}
`,
    );
    await withSim({}, async (sim) => {
      const { value } = request(sim, "scale-then-deploy.yaml");
      value.reporter.event = (event) => {
        if (event.type !== "activity-finished" || event.phase !== "method") return;
        // A deploy (or an HPA) sets its own count while the experiment pauses.
        const web = structuredClone(sim.get("Deployment", "default", "web")) as {
          spec: { replicas: number };
        };
        web.spec.replicas = 5;
        void sim.apply([web]);
      };
      const result = await runExperiments(value);
      const journal = result.outcomes[0]!.journal!;
      expect(journal.undo).toMatchObject([{ status: "skipped" }]);
      expect(journal.undo[0]!.conflict).toMatch(
        /^left alone: Deployment default\/web has 5 replicas now, not the 1 we set; a newer change/,
      );
      expect((sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas).toBe(
        5,
      );
      expect(result.undo).toBeUndefined();
    });
  });
});

describe("undo deletes only what it created", () => {
  it("leaves an object created again under the same name alone (its UID changed)", async () => {
    await writeFile(
      join(dir, "deny-then-replaced.yaml"),
      `title: a policy we create is replaced by someone else's
description: the undo must not delete the newer object
method:
  - type: action
    name: deny-ingress
    provider:
      type: python
      module: chaosk8s.networking.actions
      func: deny_all_ingress
      arguments: {ns: default}
    pauses: {after: 1}
`,
    );
    await withSim({}, async (sim) => {
      const { value } = request(sim, "deny-then-replaced.yaml");
      const kc = new KubeConfig();
      kc.loadFromString(sim.kubeconfig);
      const api = kc.makeApiClient(NetworkingV1Api);
      let replaced: Promise<unknown> = Promise.resolve();
      value.reporter.event = (event) => {
        if (event.type !== "activity-finished" || event.phase !== "method") return;
        // Someone deletes our policy and creates their own under the same name.
        const name = "chaostoolkit-deny-all-ingress";
        replaced = api.deleteNamespacedNetworkPolicy({ name, namespace: "default" }).then(() =>
          api.createNamespacedNetworkPolicy({
            namespace: "default",
            body: { metadata: { name }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
          }),
        );
      };
      const result = await runExperiments(value);
      await replaced;
      const journal = result.outcomes[0]!.journal!;
      expect(journal.undo).toMatchObject([{ status: "skipped" }]);
      expect(journal.undo[0]!.conflict).toMatch(/is another object now \(its UID changed\)/);
      expect(policies(sim)).toHaveLength(1);
    });
  });
});

describe("the step's hard limit", () => {
  it("stops the method early enough to leave the reserve, and the undo runs in it", async () => {
    await writeFile(
      join(dir, "scale-long.yaml"),
      `title: scale web down for a long while
description: the pause outlasts the step's limit
method:
  - type: action
    name: scale-to-one
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 1, ns: default}
    pauses: {after: 600}
`,
    );
    await withSim({}, async (sim) => {
      const startedAt = Date.now();
      // A 4 s limit keeps 2 s (half) for rollbacks, undo and the report: the method stops at 2 s.
      const { value } = request(sim, "scale-long.yaml", { stepLimit: { seconds: 4, startedAt } });
      value.options.timeoutSeconds = 4;
      const result = await runExperiments(value);
      const elapsed = (Date.now() - startedAt) / 1000;
      expect(elapsed).toBeLessThan(3.5);
      expect(elapsed).toBeGreaterThanOrEqual(2);
      const journal = result.outcomes[0]!.journal!;
      expect(journal.chaos_action.reason).toMatch(
        /^failed: the run did not finish within its timeout of 1\.9\d*s \(the step's limit of 4s keeps 2s for rollbacks, undo and the report\)$/,
      );
      expect(journal.undo).toMatchObject([{ status: "succeeded" }]);
      expect((sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas).toBe(
        3,
      );
    });
  });
});

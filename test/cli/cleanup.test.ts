// `chaos-action cleanup`: what a killed run left pending is undone by hand. The CLI runs as a real
// process (src/cli/bin.ts under Node's type stripping) against a simulated cluster this test owns.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

const bin = join(import.meta.dirname, "..", "..", "src", "cli", "bin.ts");
let dir: string;
let sim: SimCluster;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cleanup-test-"));
  sim = await startSimCluster({
    timing: { scheduleMs: 10, startMs: 10, readyMs: 10, jitter: 0, deleteGraceMs: 50 },
  });
  await sim.settled(10_000);
  await writeFile(join(dir, "kubeconfig"), sim.kubeconfig);
  await writeFile(
    join(dir, "scale.yaml"),
    `title: scale web to zero
description: a long pause after the fault, so the run can be killed mid-way
method:
  - type: action
    name: scale-web-to-zero
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 0, ns: default}
    pauses: {after: 60}
`,
  );
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir },
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exit, output: () => output };
}

const replicas = () =>
  (sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas;

it("replays the undo a killed run left behind", async () => {
  const undoFile = join(dir, "undo.json");
  const run = cli(["run", "scale.yaml", "--kubeconfig", "kubeconfig", "--undo-file", undoFile]);
  for (let i = 0; i < 400 && replicas() !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(replicas()).toBe(0);
  run.child.kill("SIGKILL");
  await run.exit;
  expect(JSON.parse(await readFile(undoFile, "utf8")).entries).toMatchObject([{ state: "pending" }]);
  // The killed run still holds its Lease: another run would wait for it (until it expired).
  expect(sim.get("Lease", "default", "chaos-action")).toBeDefined();

  const cleanup = cli(["cleanup", "--undo-file", undoFile, "--kubeconfig", "kubeconfig"]);
  expect(await cleanup.exit).toBe(0);
  expect(cleanup.output()).toContain("scale");
  expect(replicas()).toBe(3);
  expect(cleanup.output()).toContain("Deleted Lease default/chaos-action");
  expect(sim.get("Lease", "default", "chaos-action")).toBeUndefined();

  const again = cli(["cleanup", "--undo-file", undoFile, "--kubeconfig", "kubeconfig"]);
  expect(await again.exit).toBe(0);
  expect(again.output()).toContain("Nothing was left to undo.");
}, 30_000);

it("a run whose undo keeps failing exits 1, keeps the step pending and says how to replay it; cleanup does", async () => {
  await writeFile(
    join(dir, "deny.yaml"),
    `title: deny all ingress
description: the policy we create cannot be deleted while the API server fails
method:
  - type: action
    name: deny-ingress
    provider:
      type: python
      module: chaosk8s.networking.actions
      func: deny_all_ingress
      arguments: {ns: default}
`,
  );
  const policyPath = "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/";
  // Longer than the run's undo deadline (1 s: at most 3 attempts); cleanup then retries past it.
  // Each failure takes 400 ms, so the run's 1 s cannot use up all five however fast the machine is
  // and however short the client's backoff (full jitter): both are fault rules, so the latency comes
  // before the answer (a fault added with addFault would answer 500 at once, before any latency).
  sim.addFaultRule({
    verb: "delete",
    resource: "networkpolicies",
    times: 5,
    effect: { kind: "status", status: 500 },
  });
  sim.addFaultRule({ verb: "delete", resource: "networkpolicies", effect: { kind: "latency", ms: 400 } });
  const undoFile = join(dir, "deny-undo.json");
  const run = cli([
    "run",
    "deny.yaml",
    "--kubeconfig",
    "kubeconfig",
    "--undo-file",
    undoFile,
    "--undo-timeout",
    "1",
  ]);
  expect(await run.exit).toBe(1);
  const policies = () => sim.list("NetworkPolicy", "default");
  expect(policies()).toHaveLength(1);
  expect(run.output()).toContain(`Undo steps of our cluster changes are written to ${undoFile}`);
  expect(run.output()).toMatch(
    /failed\s+deny\.yaml\s+failed: our undo could not be completed, changes are left in the cluster \(delete NetworkPolicy default\/chaostoolkit-deny-all-ingress/,
  );
  expect(run.output()).toContain(
    `Undo them with: chaos-action cleanup --undo-file ${undoFile} --kubeconfig kubeconfig`,
  );
  const journal = JSON.parse(await readFile(join(dir, "journal.json"), "utf8"));
  expect(journal.chaos_action).toMatchObject({ verdict: "failed", undo_file: undoFile });
  expect(journal.undo).toMatchObject([{ status: "pending" }]);
  expect(JSON.parse(await readFile(undoFile, "utf8")).entries).toMatchObject([{ state: "pending" }]);

  const cleanup = cli(["cleanup", "--undo-file", undoFile, "--kubeconfig", "kubeconfig"]);
  expect(await cleanup.exit).toBe(0);
  expect(cleanup.output()).toContain("✓ delete NetworkPolicy default/chaostoolkit-deny-all-ingress");
  expect(policies()).toEqual([]);
  const deletes = sim.requests.filter((r) => r.method === "DELETE" && r.path.startsWith(policyPath));
  expect(deletes.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 200]);
  // Everything undone: the file is gone, and a second cleanup has nothing to do.
  await expect(readFile(undoFile)).rejects.toThrow(/ENOENT/);
}, 30_000);

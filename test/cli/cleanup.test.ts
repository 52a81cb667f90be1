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

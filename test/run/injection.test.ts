// Proof of injection, on the simulated cluster through the whole pipeline: a method action that
// injected nothing (a fault that reached no object, a process that exited non-zero) fails the
// experiment, where Chaos Toolkit passes it; unless the run or the activity allows reaching nothing.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import { runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
let sim: SimCluster;

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "injection-test-"));
  sim = await startSimCluster({
    manifests: app,
    nodes: 3,
    timing: { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 },
  });
  await sim.settled(10_000);
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `method` (YAML list items, indented by 2) as an experiment file; `head` goes before it. */
async function run(name: string, method: string, options: Partial<RunOptions> = {}, head = "") {
  await writeFile(join(dir, `${name}.yaml`), `title: ${name}\ndescription: d\n${head}method:\n${method}`);
  const messages: string[] = [];
  const log = (message: string) => messages.push(message);
  const result = await runExperiments({
    options: runOptions({ targets: [`${name}.yaml`], journalPath: `${name}.json`, ...options }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH, HOME: dir },
  });
  return { outcome: result.outcomes[0]!, messages };
}

const terminate = (selector: string, extra = "") => `  - type: action
    name: kill-web
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: "${selector}", ns: default}
${extra}`;

describe("a fault that reaches nothing", () => {
  it("differs from Chaos Toolkit: a fault that reaches nothing fails the experiment", async () => {
    const { outcome } = await run("zero-match", terminate("app=nope"));
    expect(outcome.verdict).toBe("failed");
    expect(outcome.reason).toMatch(
      /^failed: terminate_pods reached no pod: label_selector "app=nope" in namespace "default" matched nothing \(action 'kill-web'; allow it with --allow-no-target or chaos_action: \{allow_no_target: true\} on the activity\)$/,
    );
    const journal = outcome.journal!;
    expect([journal.status, journal.deviated, journal.chaos_action.verdict]).toEqual([
      "failed",
      false,
      "failed",
    ]);
    expect(journal.run[0]).toMatchObject({
      status: "succeeded",
      touched: [{ action: "chaosk8s.pod.actions.terminate_pods", objects: [], missed: expect.any(String) }],
    });
  });

  it("a fault that reaches its target reports the objects it reached and passes", async () => {
    const { outcome } = await run("one-match", terminate("app=web"));
    expect(outcome).toMatchObject({ verdict: "passed", reason: "held" });
    expect(outcome.journal!.run[0]!.touched).toEqual([
      expect.objectContaining({ objects: [expect.objectContaining({ kind: "Pod", namespace: "default" })] }),
    ]);
    await sim.settled(10_000);
  });

  it("a deployment that does not exist fails the experiment, naming what was looked for", async () => {
    const { outcome } = await run(
      "missing-deployment",
      `  - type: action
    name: delete-web
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: delete_deployment
      arguments: {name: nope}
`,
    );
    expect(outcome.verdict).toBe("failed");
    expect(outcome.reason).toContain(
      `delete_deployment reached no deployment: name "nope" in namespace "default" matched nothing (action 'delete-web'`,
    );
  });

  it("a drain with nothing to evict fails the experiment (the cordon alone injects no fault)", async () => {
    const busy = new Set(
      (sim.list("Pod", "default") as Array<{ spec: { nodeName?: string } }>).map((pod) => pod.spec.nodeName),
    );
    const idle = ["sim-node-1", "sim-node-2", "sim-node-3"].find((node) => !busy.has(node))!;
    const { outcome } = await run(
      "nothing-to-drain",
      `  - type: action
    name: drain
    provider:
      type: python
      module: chaosk8s.node.actions
      func: drain_nodes
      arguments: {name: ${idle}, timeout: 10}
`,
    );
    expect(outcome.verdict).toBe("failed");
    expect(outcome.reason).toContain(
      `drain_nodes reached no pod to evict: the pods on the nodes of name "${idle}" matched nothing`,
    );
    // The cordon is recorded, and undone.
    expect(outcome.journal!.run[0]!.touched![0]).toMatchObject({ objects: [{ kind: "Node", name: idle }] });
    expect(outcome.journal!.undo.map((undo) => undo.status)).toEqual(["succeeded"]);
    expect(
      (sim.list("Node") as Array<{ metadata: { name: string }; spec?: { unschedulable?: boolean } }>).find(
        (node) => node.metadata.name === idle,
      )?.spec?.unschedulable,
    ).not.toBe(true);
  });

  it("is allowed for the run by --allow-no-target", async () => {
    const { outcome } = await run("allowed-by-flag", terminate("app=nope"), { allowNoTarget: true });
    expect(outcome).toMatchObject({ verdict: "passed", reason: "held" });
    // The journal still says the fault reached nothing.
    expect(outcome.journal!.run[0]!.touched![0]!.missed).toContain("reached no pod");
  });

  it("is allowed for one activity by chaos_action: {allow_no_target: true}, without a validation warning", async () => {
    const { outcome } = await run(
      "allowed-by-key",
      terminate("app=nope", "    chaos_action: {allow_no_target: true}\n"),
    );
    expect(outcome).toMatchObject({ verdict: "passed", reason: "held" });
    expect(outcome.issues).toEqual([]);
  });

  it("a misspelt allow key is warned about, and allows nothing", async () => {
    const { outcome } = await run(
      "misspelt-key",
      terminate("app=nope", "    chaos_action: {allow_no_targets: true}\n"),
    );
    expect(outcome.verdict).toBe("failed");
    expect(outcome.issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining("unknown key 'allow_no_targets'"),
    ]);
  });
});

describe("a process in the method", () => {
  it("differs from Chaos Toolkit: a method process that exits non-zero fails the experiment", async () => {
    const { outcome } = await run(
      "kill-fails",
      `  - {type: action, name: kill-it, provider: {type: process, path: kill, arguments: ["-9", "999999999"]}}
`,
    );
    expect(outcome.verdict).toBe("failed");
    expect(outcome.reason).toMatch(/^failed: action 'kill-it': process 'kill' exited with status 1: \S.*/);
    expect(outcome.journal!.run[0]).toMatchObject({ status: "succeeded", output: { status: 1 } });
  });

  it("`false` fails it too, saying that nothing was written on stderr", async () => {
    const { outcome } = await run(
      "false-fails",
      `  - {type: action, name: nope, provider: {type: process, path: "false"}}
`,
    );
    expect(outcome.reason).toBe(
      "failed: action 'nope': process 'false' exited with status 1 (nothing on stderr)",
    );
  });

  it("quotes a long stderr truncated, and redacts secrets in it", async () => {
    const { outcome } = await run(
      "loud",
      `  - type: action
    name: loud
    provider:
      type: process
      path: sh
      arguments: ["-c", "echo token \${token} >&2; head -c 2000 /dev/zero | tr '\\\\0' x >&2; exit 3"]
`,
      {},
      "secrets:\n  api:\n    token: s3cr3t-value\n",
    );
    expect(outcome.reason).toMatch(
      /^failed: action 'loud': process 'sh' exited with status 3: token \*\*\* x+…$/,
    );
    expect(outcome.reason.length).toBeLessThan(400);
  });

  it("a non-zero process in the hypothesis stays a probe result, judged by its tolerance", async () => {
    const { outcome } = await run(
      "probe-exit",
      `  - {type: action, name: fine, provider: {type: process, path: "true"}}
`,
      {},
      `steady-state-hypothesis:
  title: exits 1
  probes:
    - {type: probe, name: exits-one, tolerance: 1, provider: {type: process, path: "false"}}
`,
    );
    expect(outcome).toMatchObject({ verdict: "passed", reason: "held" });
  });
});

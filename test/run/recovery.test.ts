// Recovery between experiments, through the whole pipeline: the next experiment starts only once the
// previous one's hypothesis holds again (twice in a row) after its rollbacks and undo; when it does
// not within the recovery timeout, that experiment is deviated and the rest are skipped.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import { type RunRequest, runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "recovery-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function request(targets: string[], extra: Partial<RunOptions> & Pick<RunRequest, "cluster">): RunRequest {
  const { cluster, ...options } = extra;
  const log = () => {};
  return {
    options: runOptions({ targets, journalPath: "journals", ...options }),
    cwd: dir,
    cluster,
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH, HOME: dir },
  };
}

async function write(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

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

const threeWebPodsRunning = `steady-state-hypothesis:
  title: three web pods are Running
  probes:
    - type: probe
      name: three-web-pods-running
      tolerance: 3
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: count_pods
        arguments: {label_selector: app=web, phase: Running, ns: default}
    - type: probe
      name: all-web-pods-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=web, phase: Running, ns: default}
`;

const scale = (name: string, replicas: number) => `  - type: action
    name: ${name}
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: ${replicas}, ns: default}
`;

/** Scales web to 0; its rollback scales it back, and the new pods take 2 s to run. */
const scaleToZero = `title: web scaled to zero
description: the rollback scales it back; the system is still recovering when the experiment ends
${threeWebPodsRunning}method:
${scale("scale-to-zero", 0)}    pauses: {after: 0.5}
rollbacks:
${scale("scale-back", 3)}`;

const lookAtWeb = `title: three web pods keep running
description: starts from a steady state, or fails before any fault
${threeWebPodsRunning}method:
  - type: probe
    name: look
    provider:
      type: python
      module: chaosk8s.pod.probes
      func: count_pods
      arguments: {label_selector: app=web, ns: default}
`;

async function withSim<T>(body: (sim: SimCluster) => Promise<T>): Promise<T> {
  const sim = await startSimCluster({
    manifests: web,
    timing: { scheduleMs: 20, startMs: 2000, readyMs: 20, jitter: 0, deleteGraceMs: 100 },
  });
  try {
    await sim.settled(10_000);
    return await body(sim);
  } finally {
    await sim.close();
  }
}

describe("recovery between experiments on the simulated cluster", () => {
  it("differs from Chaos Toolkit: starts the next experiment only once the previous one recovered", async () => {
    const first = await write("a-scale-to-zero.yaml", scaleToZero);
    const second = await write("b-look.yaml", lookAtWeb);
    await withSim(async (sim) => {
      const result = await runExperiments(
        request([first, second], { cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig } }),
      );
      const [a, b] = result.outcomes;
      // The first one's fault showed (no web pod after the scale-down): Chaos Toolkit's deviation.
      expect(a).toMatchObject({ verdict: "deviated", reason: "deviated: three-web-pods-running" });
      const recovery = a!.journal!.chaos_action.recovery!;
      expect(recovery).toMatchObject({ checked: true, recovered: true });
      // The new pods take 2 s to run: checks missed, then two met in a row.
      expect(recovery.seconds).toBeGreaterThanOrEqual(1);
      expect(recovery.checks.at(0)!.steady_state_met).toBe(false);
      expect(recovery.checks.slice(-2).map((check) => check.steady_state_met)).toEqual([true, true]);
      expect(recovery.checks[0]!.probes[0]).toMatchObject({
        activity: { name: "three-web-pods-running" },
        tolerance_met: false,
      });
      // The checks leave Chaos Toolkit's steady states as the run left them.
      expect(a!.journal!.steady_states.after).toMatchObject({ steady_state_met: false });
      expect(b).toMatchObject({ verdict: "passed", reason: "held" });
      expect(b!.journal!.steady_states.before).toMatchObject({ steady_state_met: true });
      expect(Date.parse(b!.journal!.start)).toBeGreaterThanOrEqual(Date.parse(a!.journal!.end));
    });
  });

  it("without the check (--recovery-timeout 0), the next experiment starts on a system still recovering", async () => {
    const first = await write("c-scale-to-zero.yaml", scaleToZero);
    const second = await write("d-look.yaml", lookAtWeb);
    await withSim(async (sim) => {
      const result = await runExperiments(
        request([first, second], {
          recoveryTimeoutSeconds: 0,
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      const [a, b] = result.outcomes;
      expect(a!.journal!.chaos_action.recovery).toEqual({
        checked: false,
        reason: "the recovery timeout is 0",
        checks: [],
      });
      expect(b).toMatchObject({
        verdict: "failed",
        reason: expect.stringContaining("steady state was not met before any fault was injected"),
      });
    });
  });
});

describe("a system that never recovers", () => {
  let server: Server;
  let baseUrl: string;
  let broken = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/break") broken = true;
      res.writeHead(req.url === "/health" && broken ? 503 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const healthy = () => `steady-state-hypothesis:
  title: the service answers
  probes:
    - type: probe
      name: health
      tolerance: 200
      provider: {type: http, url: "${baseUrl}/health"}
`;

  it("is deviated, did not recover within the timeout, and the experiments after it are skipped", async () => {
    const first = await write(
      "e-break.yaml",
      `title: a fault nothing undoes
description: the service answers 503 from now on
${healthy()}method:
  - type: action
    name: break-it
    provider: {type: http, url: "${baseUrl}/break"}
`,
    );
    const look = `title: the service still answers
description: never runs
${healthy()}method:
  - type: probe
    name: look
    provider: {type: http, url: "${baseUrl}/"}
`;
    const second = await write("f-look.yaml", look);
    const third = await write("g-look.yaml", look);
    broken = false;
    const started = Date.now();
    const result = await runExperiments(
      request([first, second, third], { recoveryTimeoutSeconds: 2, cluster: { mode: "auto" } }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.verdict).toBe("deviated");
    const [a, b, c] = result.outcomes;
    expect(a).toMatchObject({
      verdict: "deviated",
      reason: "deviated: health; did not recover within 2 s (last missed: health)",
    });
    const journal = a!.journal!;
    expect(journal.deviated).toBe(true);
    expect(journal.chaos_action.recovery).toMatchObject({
      checked: true,
      recovered: false,
      reason: "did not recover within 2 s",
    });
    const checks = journal.chaos_action.recovery!.checks;
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks.every((check) => !check.steady_state_met)).toBe(true);
    expect(checks[0]!.probes[0]).toMatchObject({ output: { status: 503 }, tolerance_met: false });
    for (const skipped of [b, c]) {
      expect(skipped).toMatchObject({
        verdict: "skipped",
        reason: "skipped: the previous experiment e-break.yaml did not recover",
      });
      expect(skipped!.journal).toBeUndefined();
    }
  });

  it("nor is anything checked in a dry run", async () => {
    const file = await write(
      "h-dry.yaml",
      `title: dry
description: nothing runs
${healthy()}method:
  - type: action
    name: break-it
    provider: {type: http, url: "${baseUrl}/break"}
`,
    );
    const again = await write("i-dry.yaml", await readFile(join(dir, file), "utf8"));
    broken = false;
    const result = await runExperiments(request([file, again], { dryRun: true, cluster: { mode: "auto" } }));
    expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(["skipped", "skipped"]);
    expect(result.outcomes.map((outcome) => outcome.reason)).toEqual([
      "skipped: dry run",
      "skipped: dry run",
    ]);
    expect(broken).toBe(false);
  });
});

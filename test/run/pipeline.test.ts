// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// The whole pipeline as the CLI and the action use it: files on disk, the real engine and providers,
// and for Kubernetes the simulated cluster over HTTPS through the real client.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, runOptions } from "../../src/run/options.ts";
import { type RunRequest, runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-test-"));
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const messages: string[] = [];
afterEach(() => {
  messages.length = 0;
});

/** A request for `targets`: `extra` holds run options and any other field of the request. */
function request(
  targets: string[],
  extra: Partial<RunOptions> & Partial<Omit<RunRequest, "options">> = {},
): RunRequest {
  const log = (message: string) => messages.push(message);
  const { cluster, signal, env, ...options } = extra;
  return {
    options: runOptions({ targets, ...options }),
    cwd: dir,
    cluster: cluster ?? { mode: "auto" },
    reporter: { info: log, warn: log, error: log },
    env: env ?? { PATH: process.env.PATH, HOME: dir },
    ...(signal ? { signal } : {}),
  };
}

async function write(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

describe("experiments without a cluster", () => {
  it("runs, writes a redacted journal, and never contacts a cluster", async () => {
    const file = await write(
      "http.yaml",
      `title: the service answers
description: http probe
secrets:
  api:
    token: s3cr3t-t0ken
steady-state-hypothesis:
  title: answers
  probes:
    - type: probe
      name: answers
      tolerance: 200
      provider: {type: http, url: "${baseUrl}/health?token=\${token}"}
method:
  - type: action
    name: say
    provider: {type: process, path: echo, arguments: [hello]}
`,
    );
    const result = await runExperiments(request([file], { journalPath: "out/j.json" }));
    expect(result.verdict).toBe("passed");
    expect(result.outcomes[0]).toMatchObject({ file, verdict: "passed", reason: "held" });
    const text = await readFile(join(dir, "out/j.json"), "utf8");
    // The server echoed the URL back, token included: it must not reach the journal.
    expect(text).not.toContain("s3cr3t-t0ken");
    expect(text).toContain("/health?token=***");
    expect(JSON.parse(text).run[0].output.stdout).toBe("hello\n");
    expect(messages.join("\n")).not.toMatch(/Kubernetes|simulated/);
  });

  it("reports every invalid file and runs nothing when one is invalid", async () => {
    const good = await write(
      "good.yaml",
      "title: t\ndescription: d\nmethod:\n  - {type: action, name: touch, provider: {type: process, path: touch, arguments: [ran.txt]}}\n",
    );
    const bad = await write("bad.yaml", "title: t\ndescription: d\nmethod:\n  - {type: action, name: x}\n");
    const result = await runExperiments(request([bad, good], { journalPath: "several" }));
    expect(result.verdict).toBe("invalid");
    expect(result.outcomes.map((o) => [o.file, o.verdict])).toEqual([
      [bad, "invalid"],
      [good, "skipped"],
    ]);
    expect(result.outcomes[0]!.issues[0]).toMatchObject({ file: bad, line: 4, path: "method[0].provider" });
    await expect(readFile(join(dir, "ran.txt"))).rejects.toThrow();
  });

  it("treats zero matching experiments as invalid, never a pass", async () => {
    const result = await runExperiments(request(["nothing-here/*.yaml"]));
    expect(result.verdict).toBe("invalid");
  });

  it("refuses a .json journal path for several experiments", async () => {
    const a = await write("a.yaml", "title: a\ndescription: d\nmethod: []\n");
    const b = await write("b.yaml", "title: b\ndescription: d\nmethod: []\n");
    const result = await runExperiments(request([a, b], { journalPath: "one.json" }));
    expect(result.verdict).toBe("invalid");
    expect(result.outcomes[0]!.reason).toMatch(/give a directory instead/);
  });

  it("stops the method on interruption, runs `always` rollbacks and writes an interrupted journal", async () => {
    const file = await write(
      "slow.yaml",
      `title: slow
description: a long action
method:
  - {type: action, name: wait, provider: {type: process, path: sleep, arguments: ["5"]}}
rollbacks:
  - {type: action, name: tidy, provider: {type: process, path: echo, arguments: [tidied]}}
`,
    );
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort("SIGTERM"), 200);
    const started = Date.now();
    const result = await runExperiments(
      request([file], { journalPath: "slow.json", rollbackStrategy: "always", signal: interrupt.signal }),
    );
    expect(Date.now() - started).toBeLessThan(4000);
    const journal = JSON.parse(await readFile(join(dir, "slow.json"), "utf8"));
    expect(journal.status).toBe("interrupted");
    expect(journal.rollbacks.map((r: { status: string }) => r.status)).toEqual(["succeeded"]);
    expect(result.outcomes[0]!.verdict).toBe("failed");
  });

  it("writes a journal that says so when a stop comes before the experiment starts, and runs nothing", async () => {
    const file = await write(
      "never-started.yaml",
      `title: never started
description: the signal arrives before the run begins
method:
  - {type: action, name: touch, provider: {type: process, path: touch, arguments: [touched]}}
rollbacks:
  - {type: action, name: tidy, provider: {type: process, path: touch, arguments: [tidied]}}
`,
    );
    const interrupt = new AbortController();
    interrupt.abort("SIGINT");
    const result = await runExperiments(
      request([file], {
        journalPath: "never-started.json",
        rollbackStrategy: "always",
        signal: interrupt.signal,
      }),
    );
    const journal = JSON.parse(await readFile(join(dir, "never-started.json"), "utf8"));
    expect(journal).toMatchObject({ status: "interrupted", run: [], rollbacks: [], undo: [] });
    expect(journal.chaos_action).toMatchObject({
      verdict: "failed",
      reason: "failed: not run, interrupted by SIGINT before it started",
      fault_injected: false,
    });
    expect(result.outcomes[0]).toMatchObject({
      verdict: "failed",
      journalPath: join(dir, "never-started.json"),
    });
    await expect(readFile(join(dir, "touched"))).rejects.toThrow();
    await expect(readFile(join(dir, "tidied"))).rejects.toThrow();
  });
});

const oneReplica = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

const seedExperiment = (pause: number) => `title: terminating a web pod keeps every web pod running
description: the seed's experiment
steady-state-hypothesis:
  title: all web pods are Running
  probes:
    - type: probe
      name: all-web-pods-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=web, phase: Running, ns: default}
method:
  - type: action
    name: terminate-one
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=web, qty: 1, ns: default}
${pause > 0 ? `    pauses: {after: ${pause}}` : ""}
`;

async function withSim<T>(
  replicas: number,
  options: Parameters<typeof startSimCluster>[0],
  body: (sim: SimCluster) => Promise<T>,
) {
  const sim = await startSimCluster({
    manifests: oneReplica.replace("REPLICAS", String(replicas)),
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

describe("the seed's experiment against the simulated cluster", () => {
  it("holds with 3 replicas and a pause", async () => {
    const file = await write("seed-3.yaml", seedExperiment(1));
    await withSim(3, {}, async (sim) => {
      const result = await runExperiments(
        request([file], {
          journalPath: "seed-3.json",
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      expect(result.outcomes[0]).toMatchObject({ verdict: "passed", reason: "held" });
      const journal = result.outcomes[0]!.journal!;
      expect(journal.run[0]!.touched).toMatchObject([{ objects: [{ kind: "Pod", namespace: "default" }] }]);
      expect(journal.chaos_action.cluster).toMatchObject({ context: "sim" });
    });
  });

  it("deviates with 1 replica and no pause", async () => {
    const file = await write("seed-1.yaml", seedExperiment(0));
    await withSim(1, {}, async (sim) => {
      const result = await runExperiments(
        request([file], {
          journalPath: "seed-1.json",
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      expect(result.outcomes[0]).toMatchObject({
        verdict: "deviated",
        reason: expect.stringMatching(/^deviated: all-web-pods-running \(probe .* is in phase "Pending"/),
      });
    });
  });

  it("refuses to start when RBAC denies a verb, listing the rules that would grant it", async () => {
    const file = await write("seed-rbac.yaml", seedExperiment(0));
    await withSim(3, { deny: [{ verb: "delete", resource: "pods" }] }, async (sim) => {
      const result = await runExperiments(
        request([file], {
          journalPath: "seed-rbac.json",
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      const outcome = result.outcomes[0]!;
      expect(outcome.verdict).toBe("failed");
      expect(outcome.reason).toContain("delete pods");
      expect(outcome.reason).toContain("verbs:");
      expect(outcome.journal!.chaos_action.fault_injected).toBe(false);
      expect(sim.list("Pod", "default")).toHaveLength(3);
    });
  });

  it("refuses an action beyond --max-affected and touches nothing", async () => {
    const file = await write("seed-guard.yaml", seedExperiment(0).replace("qty: 1", "qty: 3"));
    await withSim(3, {}, async (sim) => {
      const uids = sim.list("Pod", "default").map((p) => (p as { metadata: { uid: string } }).metadata.uid);
      const result = await runExperiments(
        request([file], {
          journalPath: "seed-guard.json",
          maxAffected: { kind: "count", value: 1 },
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      expect(result.outcomes[0]!.verdict).toBe("failed");
      expect(result.outcomes[0]!.reason).toMatch(/max-affected|at most 1/);
      expect(
        sim.list("Pod", "default").map((p) => (p as { metadata: { uid: string } }).metadata.uid),
      ).toEqual(uids);
    });
  });

  it("refuses an action outside the allowed namespaces", async () => {
    const file = await write("seed-ns.yaml", seedExperiment(0));
    await withSim(3, {}, async (sim) => {
      const result = await runExperiments(
        request([file], {
          journalPath: "seed-ns.json",
          namespaces: ["staging"],
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      expect(result.outcomes[0]!.verdict).toBe("failed");
      expect(result.outcomes[0]!.reason).toContain("staging");
    });
  });

  it("undoes our own scale-down when the run is interrupted, whatever the rollback strategy", async () => {
    const file = await write(
      "scale.yaml",
      `title: scale to zero
description: our undo restores the replicas
method:
  - type: action
    name: scale-to-zero
    provider:
      type: python
      module: chaosk8s.deployment.actions
      func: scale_deployment
      arguments: {name: web, replicas: 0, ns: default}
    pauses: {after: 30}
`,
    );
    await withSim(3, {}, async (sim) => {
      const interrupt = new AbortController();
      const run = runExperiments(
        request([file], {
          journalPath: "scale.json",
          rollbackStrategy: "never",
          signal: interrupt.signal,
          undoFile: join(dir, "scale-undo.json"),
          cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
        }),
      );
      const replicas = () =>
        (sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas;
      for (let i = 0; i < 200 && replicas() !== 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(replicas()).toBe(0);
      interrupt.abort("SIGINT");
      const result = await run;
      expect(replicas()).toBe(3);
      const journal = result.outcomes[0]!.journal!;
      expect(journal.status).toBe("interrupted");
      expect(journal.undo).toMatchObject([{ status: "succeeded" }]);
    });
  });
});

describe("var files", () => {
  it("put the variables of a .env file into the environment of process activities", async () => {
    await writeFile(join(dir, "vars.env"), "GREETING=hello-from-dotenv\n");
    const file = await write(
      "dotenv.yaml",
      `title: env
description: a process sees .env variables
method:
  - {type: probe, name: show, provider: {type: process, path: sh, arguments: ["-c", "echo $GREETING"]}}
`,
    );
    const result = await runExperiments(
      request([file], { journalPath: "dotenv.json", varFiles: ["vars.env"] }),
    );
    expect(result.outcomes[0]!.journal!.run[0]!.output).toMatchObject({ stdout: "hello-from-dotenv\n" });
  });
});

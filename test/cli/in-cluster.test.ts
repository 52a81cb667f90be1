// Scheduled runs in the cluster, as deploy/cronjob.yaml sets them up: its manifests are applied to the
// simulated cluster, a token is issued for its ServiceAccount, and the CLI runs as a real process in
// in-cluster mode (the token, CA and namespace files in a temp directory named by
// CHAOS_ACTION_SERVICE_ACCOUNT_DIR, KUBERNETES_SERVICE_HOST/PORT pointing at the sim) with the
// CronJob's own arguments, on the experiments of its ConfigMap laid out as a ConfigMap volume is.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import packageJson from "../../package.json" with { type: "json" };
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "src", "cli", "bin.ts");

type Manifest = {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
};

let dir: string;
let sim: SimCluster;
let manifests: Manifest[];
let cronJobArgs: string[];
let cronJobImage: string;
let cronJobWorkingDir: string;
const webhookCalls: Array<{ path: string; contentType: string | undefined; body: string }> = [];
let webhook: Server;
let webhookUrl: string;

/** The experiments of the ConfigMap as the kubelet mounts them: files in `..data`, linked from the top. */
async function mountConfigMap(data: Record<string, string>, at: string): Promise<void> {
  const content = join(at, "..2026_12_07_00_00_00.000000001");
  await mkdir(content, { recursive: true });
  await symlink(content, join(at, "..data"));
  for (const [name, text] of Object.entries(data)) {
    await writeFile(join(content, name), text);
    await symlink(join("..data", name), join(at, name));
  }
}

const DEVIATES = `title: Every web pod is killed at once
description: no replica is left to serve; the hypothesis after the method cannot hold
steady-state-hypothesis:
  title: All web pods are Running
  probes:
    - type: probe
      name: all-web-pods-running
      tolerance: true
      provider: {type: python, module: chaosk8s.pod.probes, func: pods_in_phase, arguments: {label_selector: app=web, phase: Running, ns: default}}
method:
  - type: action
    name: terminate-every-web-pod
    provider: {type: python, module: chaosk8s.pod.actions, func: terminate_pods, arguments: {label_selector: app=web, all: true, ns: default}}
`;

const NEEDS_MORE = `title: Scale web to one replica
description: needs deployments patch, which the CronJob's Role does not grant
method:
  - type: action
    name: scale-web
    provider: {type: python, module: chaosk8s.deployment.actions, func: scale_deployment, arguments: {name: web, replicas: 1, ns: default}}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "in-cluster-test-"));
  // A replaced pod takes 2 s to run: well within the shipped experiment's 8 s pause, and long after the
  // hypothesis that follows the deviating experiment's method at once.
  sim = await startSimCluster({
    timing: { scheduleMs: 10, startMs: 2000, readyMs: 10, jitter: 0, deleteGraceMs: 50 },
  });
  await sim.settled(10_000);
  const text = await readFile(join(root, "deploy", "cronjob.yaml"), "utf8");
  manifests = parseAllDocuments(text).map((doc) => doc.toJS() as Manifest);
  await sim.apply(text);
  const cronJob = manifests.find((m) => m.kind === "CronJob")!;
  const container = (
    cronJob.spec as {
      jobTemplate: {
        spec: {
          template: { spec: { containers: Array<{ args: string[]; image: string; workingDir: string }> } };
        };
      };
    }
  ).jobTemplate.spec.template.spec.containers[0]!;
  cronJobArgs = container.args;
  cronJobWorkingDir = container.workingDir;
  cronJobImage = container.image;

  // The pod's service account: a token for the CronJob's ServiceAccount, the cluster's CA, the namespace.
  const account = manifests.find((m) => m.kind === "ServiceAccount")!;
  const { token } = sim.serviceAccountToken(account.metadata.namespace!, account.metadata.name, 3600);
  await mkdir(join(dir, "serviceaccount"));
  await writeFile(join(dir, "serviceaccount", "token"), token);
  await writeFile(join(dir, "serviceaccount", "ca.crt"), sim.credentials.caPem!);
  await writeFile(join(dir, "serviceaccount", "namespace"), account.metadata.namespace!);

  await mountConfigMap(manifests.find((m) => m.kind === "ConfigMap")!.data!, join(dir, "experiments"));
  await mkdir(join(dir, "more"));
  await writeFile(join(dir, "more", "deviates.yaml"), DEVIATES);
  await writeFile(join(dir, "more", "needs-more.yaml"), NEEDS_MORE);

  webhook = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      webhookCalls.push({ path: req.url ?? "", contentType: req.headers["content-type"], body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/services/T000/B000/sekrit-hook-token`;
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** The CronJob's container: its args, with the mount paths moved into the temp directory. */
function runInCluster(args: string[], env: NodeJS.ProcessEnv = {}) {
  const port = new URL(sim.url).port;
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: inTemp(cronJobWorkingDir),
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      KUBERNETES_SERVICE_HOST: "127.0.0.1",
      KUBERNETES_SERVICE_PORT: port,
      CHAOS_ACTION_SERVICE_ACCOUNT_DIR: join(dir, "serviceaccount"),
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    lines: Record<string, unknown>[];
  }>((resolve) =>
    child.on("close", (code) =>
      resolve({
        code,
        stdout,
        stderr,
        lines: stdout
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    ),
  );
}

/** A path of the container's, in the temp directory: its mounts are `experiments` and `journals` there. */
const inTemp = (path: string) =>
  path === "/experiments"
    ? join(dir, "experiments")
    : path === "/tmp/journals"
      ? join(dir, "journals")
      : path;

const cronJobArgsIn = (experiments: string) =>
  cronJobArgs.map((arg) => (arg === "/experiments" ? experiments : inTemp(arg)));

/** Our Leases, and objects carrying our run annotation, anywhere in the cluster. */
function leftovers(): string[] {
  const ours = (kind: string) =>
    (sim.list(kind) as Manifest[])
      .filter(
        (o) =>
          (kind === "Lease" && o.metadata.name.startsWith("chaos-action")) ||
          Object.keys((o.metadata as { annotations?: Record<string, string> }).annotations ?? {}).some(
            (key) => key.startsWith("chaos-action/"),
          ),
      )
      .map((o) => `${kind} ${o.metadata.namespace}/${o.metadata.name}`);
  return ["Lease", "Deployment", "Pod", "Node"].flatMap(ours);
}

describe("chaos-action as a CronJob in the cluster", () => {
  it("ships an image named after the repository, run as the CronJob's args say", () => {
    const repository = /github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(packageJson.repository.url)![1];
    expect(cronJobImage).toMatch(new RegExp(`^ghcr\\.io/${repository}:\\d+$`));
    expect(cronJobArgs).toEqual(expect.arrayContaining(["--cluster", "in-cluster", "--output", "jsonl"]));
  });

  it("runs the ConfigMap's experiments with the service account: JSON lines, exit 0, nothing left", async () => {
    const run = await runInCluster(cronJobArgsIn(join(dir, "experiments")), {
      CHAOS_ACTION_WEBHOOK_URL: webhookUrl,
    });
    expect(run.stderr).toContain("the pod's service account (in-cluster)");
    expect(run.stderr).toContain('user "system:serviceaccount:chaos-action:chaos-action"');
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([
      expect.objectContaining({
        type: "experiment",
        file: "terminate-pod.yaml",
        title: "Terminating one web pod leaves every web pod running",
        verdict: "passed",
        reason: "held",
        duration: expect.any(Number),
      }),
      expect.objectContaining({
        type: "run",
        verdict: "passed",
        exitCode: 0,
        counts: { passed: 1 },
        cluster: expect.objectContaining({ server: sim.url }),
        version: packageJson.version,
      }),
    ]);
    expect(webhookCalls).toEqual([]);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("exits 1 on a deviation and tells the webhook, without ever printing its URL", async () => {
    const run = await runInCluster([
      ...cronJobArgsIn(join(dir, "more", "deviates.yaml")),
      "--webhook-url",
      webhookUrl,
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.lines.map((line) => [line.type, line.verdict])).toEqual([
      ["experiment", "deviated"],
      ["run", "deviated"],
    ]);
    expect(run.lines[1]).toMatchObject({ exitCode: 1, counts: { deviated: 1 } });
    expect(webhookCalls).toHaveLength(1);
    const call = webhookCalls[0]!;
    expect(call.path).toBe("/services/T000/B000/sekrit-hook-token");
    expect(call.contentType).toBe("application/json");
    const message = JSON.parse(call.body) as { text: string };
    expect(Object.keys(message)).toEqual(["text"]);
    expect(message.text).toMatch(/^chaos-action: deviated on .*: 1 of 1 experiment did not hold\n/);
    expect(message.text).toContain(
      `✗ Every web pod is killed at once (${join(dir, "more", "deviates.yaml")}): deviated: all-web-pods-running`,
    );
    expect(run.stdout + run.stderr).not.toContain("sekrit-hook-token");
    await sim.settled(10_000);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("is refused what the Role does not grant, and a webhook that fails is a warning", async () => {
    webhookCalls.length = 0;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hook/sekrit-dead-token`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await runInCluster(cronJobArgsIn(join(dir, "more", "needs-more.yaml")), {
      CHAOS_ACTION_WEBHOOK_URL: deadUrl,
    });
    expect(run.code).toBe(1);
    expect(run.lines.map((line) => [line.type, line.verdict])).toEqual([
      ["experiment", "failed"],
      ["run", "failed"],
    ]);
    expect(run.stderr).toMatch(/deployments.*patch|patch.*deployments/);
    expect(run.stderr).toContain("warning: the webhook notification could not be sent: ECONNREFUSED");
    expect(run.stdout + run.stderr).not.toContain("sekrit-dead-token");
    expect((sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas).toBe(3);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("grants exactly the Role the preflight prints for an account without any", async () => {
    await sim.apply(
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: nobody, namespace: chaos-action}\n",
    );
    const accountDir = join(dir, "nobody");
    await mkdir(accountDir);
    await writeFile(join(accountDir, "token"), sim.serviceAccountToken("chaos-action", "nobody").token);
    await writeFile(join(accountDir, "ca.crt"), sim.credentials.caPem!);
    const run = await runInCluster([...cronJobArgsIn(join(dir, "experiments")), "--dry-run"], {
      CHAOS_ACTION_SERVICE_ACCOUNT_DIR: accountDir,
    });
    expect(run.code).toBe(1);
    const printed = /These rules would grant them[^\n]*\n\n([\s\S]*?)\n\n/.exec(run.stderr)?.[1];
    expect(printed, run.stderr).toBeDefined();
    const rules = (role: Manifest | undefined) =>
      (
        (role as { rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> })?.rules ??
        []
      )
        .map((rule) => `${rule.apiGroups.join()}/${rule.resources.join()}: ${[...rule.verbs].sort().join()}`)
        .sort();
    const preflight = parseAllDocuments(printed!).map((doc) => doc.toJS() as Manifest);
    expect(preflight.map((m) => `${m.kind} ${m.metadata.namespace}`)).toEqual(["Role default"]);
    expect(rules(preflight[0])).toEqual(rules(manifests.find((m) => m.kind === "Role")));
  }, 60_000);

  it("says what is missing when the pod has no service account", async () => {
    const run = await runInCluster(cronJobArgsIn(join(dir, "experiments")), {
      CHAOS_ACTION_SERVICE_ACCOUNT_DIR: join(dir, "nowhere"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--cluster in-cluster asks for in-cluster credentials, but no service-account token at ${join(dir, "nowhere", "token")}`,
    );
    expect(run.lines).toEqual([
      expect.objectContaining({ type: "experiment", verdict: "invalid" }),
      expect.objectContaining({ type: "run", verdict: "invalid", exitCode: 2 }),
    ]);
  }, 60_000);
});

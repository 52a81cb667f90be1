// boot-only in the action's own steps, with the real @actions/core and a stand-in for the kind
// binary whose cluster is the simulated one: the boot step exports KUBECONFIG and KIND_CLUSTER_NAME
// and the cluster's outputs, a later `cluster: existing` step gates against it through KUBECONFIG,
// and the boot step's post step deletes the cluster. Also: the upgrade rehearsal's kind config, and a
// whole rehearsal through the action's step against a simulated cluster labelled as kind labels it.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { cleanup, run } from "../../src/action/main.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

// Records its arguments, keeps the config it was given, and answers with the simulated cluster.
const FAKE_KIND = `#!/usr/bin/env bash
set -euo pipefail
here="$(dirname "$0")"
echo "$*" >> "$here/calls"
touch "$here/clusters"
case "$1 $2" in
  "get clusters") cat "$here/clusters" ;;
  "create cluster")
    args=("$@")
    for i in "\${!args[@]}"; do
      if [ "\${args[$i]}" = "--config" ]; then cp "\${args[$((i+1))]}" "$here/config.yaml"; fi
    done
    echo "$4" >> "$here/clusters" ;;
  "get kubeconfig") sed -E "s/^( *-? *(name|cluster|current-context): )sim$/\\1kind-$4/" "$here/sim-kubeconfig" ;;
  "delete cluster") grep -vx "$4" "$here/clusters" > "$here/clusters.new" || true; mv "$here/clusters.new" "$here/clusters" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;

const V131 = `kindest/node:v1.31.9@sha256:${"a".repeat(64)}`;
const V132 = `kindest/node:v1.32.5@sha256:${"b".repeat(64)}`;

let sim: SimCluster;
let work: string;
let bin: string;
const savedEnv = { ...process.env };
const savedCwd = process.cwd();

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 2, manifests: [] });
  work = await mkdtemp(join(tmpdir(), "boot-only-"));
});

afterAll(async () => {
  await sim?.close();
  await rm(work, { recursive: true, force: true });
});

afterEach(() => {
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  process.chdir(savedCwd);
  vi.restoreAllMocks();
});

async function fakeKind(kubeconfig = sim.kubeconfig): Promise<string> {
  const dir = await mkdtemp(join(work, "bin-"));
  await writeFile(join(dir, "kind"), FAKE_KIND);
  await chmod(join(dir, "kind"), 0o755);
  // `get kubeconfig` names the context kind-<name>, as kind does.
  await writeFile(join(dir, "sim-kubeconfig"), kubeconfig);
  return dir;
}

/** `name<<delimiter` blocks, as GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE hold them. */
function fileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== match[2]; index++) value.push(lines[index] ?? "");
    values[match[1] ?? ""] = value.join("\n");
  }
  return values;
}

interface Step {
  log: string;
  failed: boolean;
  outputs: Record<string, string>;
  exported: Record<string, string>;
  state: Record<string, string>;
  path: string;
}

/** One step of the action as the runner runs it; `entry` is the main step or the post step. */
async function step(
  inputs: Record<string, string>,
  env: Record<string, string>,
  entry: typeof run = run,
): Promise<Step> {
  const dir = await mkdtemp(join(work, "step-"));
  const files = {
    output: join(dir, "output"),
    state: join(dir, "state"),
    env: join(dir, "env"),
    path: join(dir, "path"),
    summary: join(dir, "summary.md"),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
  await writeFile(join(dir, "event.json"), "{}");
  const workspace = join(work, "workspace");
  await mkdir(workspace, { recursive: true });
  process.env = {
    PATH: `${bin}:${savedEnv.PATH}`,
    HOME: dir,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "push",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_RUN_ID: "77",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_JOB: "e2e",
    RUNNER_NAME: "runner-1",
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    "INPUT_GITHUB-TOKEN": "",
    INPUT_COMMENT: "never",
    ...env,
  };
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const log: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    log.push(String(chunk));
    return true;
  });
  process.chdir(workspace);
  try {
    await entry(process.env, workspace);
  } finally {
    vi.restoreAllMocks();
  }
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  return {
    log: log.join(""),
    failed,
    outputs: fileCommands(await readFile(files.output, "utf8")),
    exported: fileCommands(await readFile(files.env, "utf8")),
    state: fileCommands(await readFile(files.state, "utf8")),
    path: await readFile(files.path, "utf8"),
  };
}

const calls = async () => (await readFile(join(bin, "calls"), "utf8")).trim().split("\n");

describe("boot-only", () => {
  it("boots and exports the cluster, a later step gates on it, and the post step deletes it", async () => {
    bin = await fakeKind();
    const boot = await step(
      { cluster: "kind", "boot-only": "true", "node-image": V132 },
      { GITHUB_ACTION: "boot" },
    );
    expect(boot.failed, boot.log).toBe(false);
    const name = boot.outputs["cluster-name"]!;
    expect(name).toMatch(/^chaos-77-1-[0-9a-f]{8}$/);
    expect(boot.outputs.context).toBe(`kind-${name}`);
    const kubeconfig = boot.outputs.kubeconfig!;
    expect(await readFile(kubeconfig, "utf8")).toContain(`current-context: kind-${name}`);
    expect(boot.exported).toEqual({ KUBECONFIG: kubeconfig, KIND_CLUSTER_NAME: name });
    expect(await calls()).toContain(`create cluster --name ${name} --wait 180s --image ${V132}`);
    expect(boot.log).toContain(`Kind cluster ${name} is up for the next steps`);
    // kind from PATH with a node image: the release the image belongs to should be named.
    expect(boot.log).toContain("::warning::node-image: kind from PATH");
    // No experiment ran: no journal, no verdict.
    expect(boot.outputs.verdict).toBeUndefined();

    // A later step: kubectl/helm/kind load would run here with the exported variables; then the gate.
    const experiment = join(work, "workspace", "nodes-ready.yaml");
    await writeFile(
      experiment,
      `title: nodes stay ready
description: a gate on the cluster booted by an earlier step
steady-state-hypothesis:
  title: every node is ready
  probes:
    - type: probe
      name: nodes-ready
      tolerance: true
      provider: {type: python, module: chaosk8s.node.probes, func: all_nodes_must_be_ready_to_schedule}
method:
  - type: action
    name: say
    provider: {type: process, path: echo, arguments: [deployed]}
`,
    );
    const gate = await step(
      { cluster: "existing", experiments: "nodes-ready.yaml" },
      {
        GITHUB_ACTION: "gate",
        ...boot.exported,
      },
    );
    expect(gate.failed, gate.log).toBe(false);
    expect(gate.outputs.verdict).toBe("passed");
    expect(gate.log).toContain("KUBECONFIG");
    // The gate's post step leaves the cluster alone: it did not create it.
    const gatePost = await step(
      { cluster: "existing" },
      { GITHUB_ACTION: "gate", ...stateEnv(gate.state) },
      cleanup,
    );
    expect(gatePost.failed).toBe(false);
    expect(await calls()).not.toContain(`delete cluster --name ${name}`);

    const post = await step(
      { cluster: "kind", "boot-only": "true" },
      { GITHUB_ACTION: "boot", ...stateEnv(boot.state) },
      cleanup,
    );
    expect(post.failed, post.log).toBe(false);
    expect(await calls()).toContain(`delete cluster --name ${name}`);
    expect(existsSync(kubeconfig)).toBe(false);
  });

  it("boots an upgrade rehearsal's cluster from a config with an image per node", async () => {
    bin = await fakeKind();
    const boot = await step(
      { cluster: "kind", "boot-only": "true", "node-image": V132, "upgrade-from-image": V131 },
      { GITHUB_ACTION: "boot" },
    );
    expect(boot.failed, boot.log).toBe(false);
    const create = (await calls()).find((line) => line.startsWith("create cluster"))!;
    expect(create).toContain("--config ");
    expect(create).not.toContain("--image");
    const config = parse(await readFile(join(bin, "config.yaml"), "utf8")) as {
      nodes: Array<{ role: string; image: string; labels?: Record<string, string> }>;
    };
    expect(
      config.nodes.map((node) => [node.role, node.image, node.labels?.["chaos-action/upgrade-pool"]]),
    ).toEqual([
      ["control-plane", V132, undefined],
      ["worker", V131, "previous"],
      ["worker", V132, "upgraded"],
    ]);
  });

  it("refuses a node image that is not pinned by digest before anything is created", async () => {
    bin = await fakeKind();
    const boot = await step(
      { cluster: "kind", "boot-only": "true", "node-image": "kindest/node:v1.32.5" },
      {},
    );
    expect(boot.failed).toBe(true);
    expect(boot.log).toContain('node-image: "kindest/node:v1.32.5" is not pinned by digest');
    expect(existsSync(join(bin, "calls"))).toBe(false);
  });
});

describe("boot-only with kind from the tool cache", () => {
  it("puts that kind on PATH for the later steps, so `kind load docker-image` uses the same release", async () => {
    const source = await fakeKind();
    const toolCache = await mkdtemp(join(work, "tool-cache-"));
    const cached = join(toolCache, "kind", "0.32.0", process.arch === "arm64" ? "arm64" : "amd64");
    await mkdir(cached, { recursive: true });
    await writeFile(join(cached, "kind"), FAKE_KIND);
    await chmod(join(cached, "kind"), 0o755);
    await writeFile(join(cached, "sim-kubeconfig"), await readFile(join(source, "sim-kubeconfig")));
    await writeFile(`${cached}.complete`, "");
    bin = cached;
    const boot = await step(
      { cluster: "kind", "boot-only": "true", "kind-version": "v0.32.0" },
      { GITHUB_ACTION: "boot", RUNNER_TOOL_CACHE: toolCache, PATH: savedEnv.PATH ?? "" },
    );
    expect(boot.failed, boot.log).toBe(false);
    expect(boot.log).toContain(`Using kind v0.32.0 from the tool cache: ${cached}`);
    expect(boot.path.trim()).toBe(cached);
    expect(boot.exported.KIND_CLUSTER_NAME).toBe(boot.outputs["cluster-name"]);
  });
});

describe("an upgrade rehearsal through the action", () => {
  it("runs phase 1, drains the previous worker, runs phase 2, and reports all three in one summary", async () => {
    const app = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;
    const cluster = await startSimCluster({
      nodes: 2,
      manifests: app,
      timing: { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 },
    });
    try {
      await cluster.settled(10_000);
      // As the rehearsal's kind config labels its workers.
      for (const [name, pool] of [
        ["sim-node-1", "previous"],
        ["sim-node-2", "upgraded"],
      ] as const) {
        await cluster.apply([
          {
            apiVersion: "v1",
            kind: "Node",
            metadata: { name, labels: { "kubernetes.io/hostname": name, "chaos-action/upgrade-pool": pool } },
          },
        ]);
      }
      bin = await fakeKind(cluster.kubeconfig);
      await mkdir(join(work, "workspace"), { recursive: true });
      await writeFile(
        join(work, "workspace", "kill-web.yaml"),
        `title: a web pod may die
description: the app keeps running when one of its pods is killed
steady-state-hypothesis:
  title: web pods run
  probes:
    - type: probe
      name: web-pods-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=web, phase: Running, ns: shop}
method:
  - type: action
    name: kill-one-web-pod
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=web, ns: shop, rand: true, qty: 1}
    pauses: {after: 1}
`,
      );
      const rehearsal = await step(
        {
          cluster: "kind",
          "node-image": V132,
          "upgrade-from-image": V131,
          "allow-node-drain": "true",
          experiments: "kill-web.yaml",
          namespaces: "shop",
          "wait-for": "shop/deployment/web",
          "wait-for-timeout": "60s",
          "recovery-timeout": "30s",
        },
        { GITHUB_ACTION: "rehearsal" },
      );
      expect(rehearsal.failed, rehearsal.log).toBe(false);
      expect(rehearsal.outputs.verdict).toBe("passed");
      expect(rehearsal.outputs.experiments).toBe("3");
      const report = rehearsal.outputs.report ?? "";
      expect(report).toContain("a web pod may die (phase 1: before the drain)");
      expect(report).toContain(
        "Upgrade rehearsal: cordon and drain the nodes chaos-action/upgrade-pool=previous",
      );
      expect(report).toContain("drained sim-node-1: evicted");
      expect(report).toContain(
        "a web pod may die (phase 2: nodes chaos-action/upgrade-pool=previous cordoned and drained)",
      );
      const pods = cluster.list("Pod", "shop") as Array<{ spec: { nodeName?: string } }>;
      expect(pods.filter((pod) => pod.spec.nodeName === "sim-node-1")).toEqual([]);
      const node = cluster.get("Node", undefined, "sim-node-1") as { spec: { unschedulable?: boolean } };
      expect(node.spec.unschedulable).toBe(false);
    } finally {
      await cluster.close();
    }
  });
});

/** The runner gives the post step its main step's saved state as STATE_* variables. */
function stateEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value]));
}

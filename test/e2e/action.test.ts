// End-to-end: the bundled action (dist/index.js, dist/post.js) run as the runner runs it — INPUT_*
// variables, a pull_request event file, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_STATE — against the
// simulated cluster started here, with GitHub's REST API played by a local recording server.
//
// These tests run the committed dist/ (what GitHub runs; CI checks it matches the sources).
// CHAOS_ACTION_DIST points them at another build, e.g. one made while developing.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { resolveConnection } from "../../src/kubernetes/connection.ts";
import { startSimCluster } from "../../src/sim/index.ts";
import { startFakeResultsService, unzip } from "../action/results-service.ts";
import { type FakeGitHub, startFakeGitHub } from "./github-api.ts";

const root = join(import.meta.dirname, "..", "..");
const dist = process.env.CHAOS_ACTION_DIST ?? join(root, "dist");
const haveDist = existsSync(join(dist, "index.js")) && existsSync(join(dist, "post.js"));
if (!haveDist) {
  console.warn(
    `\n[e2e] SKIPPED: ${join(dist, "index.js")} is absent; run \`npm run build\` to run the action's e2e tests.\n`,
  );
}

const SHA = "3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const PR = 7;

type Sim = Awaited<ReturnType<typeof startSimCluster>>;
let sim: Sim;
let kc: KubeConfig;
let github: FakeGitHub;
let work: string;

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** GITHUB_OUTPUT / GITHUB_STATE files: `name<<DELIMITER\nvalue\nDELIMITER\n`. */
function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== delimiter; index++) value.push(lines[index] ?? "");
    values[name ?? ""] = value.join("\n");
  }
  return values;
}

async function readOptional(path: string): Promise<string> {
  return existsSync(path) ? readFile(path, "utf8") : "";
}

interface RunOptions {
  inputs: Record<string, string>;
  entry?: "index.js" | "post.js";
  state?: Record<string, string>;
  /** More environment, or replacements (PATH, say). */
  env?: NodeJS.ProcessEnv;
  /** Called once the process runs; may signal it. */
  during?: (child: ChildProcess) => Promise<void>;
}

async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(work, "step-"));
  const files = { output: join(dir, "output"), state: join(dir, "state"), summary: join(dir, "summary.md") };
  await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(work, "event.json"),
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKFLOW: "deploy",
    GITHUB_JOB: "chaos-gate",
    GITHUB_SERVER_URL: "https://github.test",
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    INPUT_KUBECONFIG: sim.kubeconfig,
    "INPUT_GITHUB-TOKEN": "ghs_e2e-token",
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [join(dist, options.entry ?? "index.js")], { cwd: root, env });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const killer = setTimeout(() => child.kill("SIGKILL"), 50_000);
  try {
    await options.during?.(child);
    const code = await exited;
    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommands(await readOptional(files.output)),
      state: parseFileCommands(await readOptional(files.state)),
      summary: await readOptional(files.summary),
    };
  } finally {
    clearTimeout(killer);
  }
}

const app = {
  manifests: "test/e2e/app/",
  "wait-for": "chaos-e2e/deployment/web\nchaos-e2e/deployment/web-single",
};

async function podsOf(selector: string) {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: "chaos-e2e", labelSelector: selector });
  return pods.items;
}

/** spec.replicas of the web Deployment; undefined until the action has applied it. */
async function replicas(): Promise<number | undefined> {
  const apps = kc.makeApiClient(AppsV1Api);
  return apps
    .readNamespacedDeployment({ name: "web", namespace: "chaos-e2e" })
    .then((deployment) => deployment.spec?.replicas)
    .catch(() => undefined);
}

/** Until the method of scale-then-wait.yaml has scaled web to one replica (at most 15 s). */
async function untilScaledToOne(): Promise<void> {
  for (let attempt = 0; attempt < 300 && (await replicas()) !== 1; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Until every pod of the selector runs and none is terminating: the next run starts from a steady state. */
async function settled(selector: string, replicas: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const pods = await podsOf(selector);
    const running = pods.filter((pod) => pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp);
    if (pods.length === replicas && running.length === replicas) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pods ${selector} did not settle at ${replicas}`);
}

describe.skipIf(!haveDist)("the bundled action against the simulated cluster", () => {
  beforeAll(async () => {
    sim = await startSimCluster({ nodes: 2 });
    ({ kc } = await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} }));
    work = await mkdtemp(join(tmpdir(), "chaos-action-e2e-"));
    const event = {
      action: "synchronize",
      number: PR,
      pull_request: { number: PR, head: { sha: SHA } },
      repository: { full_name: "acme/shop", html_url: "https://github.test/acme/shop", private: false },
    };
    await writeFile(join(work, "event.json"), JSON.stringify(event));
  });

  afterAll(async () => {
    await sim?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    github = await startFakeGitHub();
  });

  afterEach(async () => {
    await github.close();
  });

  it("passes the gate when the seed experiment holds: comment created, outputs set, exit 0", async () => {
    const junit = join(work, "junit-pass.xml");
    const run = await runAction({
      inputs: {
        ...app,
        experiments: "experiments/terminate-pod.yaml",
        vars: "namespace=chaos-e2e",
        "junit-path": junit,
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: "passed", experiments: "1", deviated: "0", failed: "0" });
    expect(run.outputs["comment-url"]).toMatch(/\/pull\/7#issuecomment-\d+$/);
    expect(run.outputs.report).toContain("Chaos gate: the system held");
    expect(run.summary).toBe(run.outputs.report);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toMatch(
      /^<!-- chaos-action:deploy\/chaos-gate -->\n## ✅ Chaos gate: the system held/,
    );
    // The comment names pods by name and the cluster by context, never the API server's address.
    expect(github.comments[0]?.body).toMatch(/Pod chaos-e2e\/web-/);
    expect(github.comments[0]?.body).not.toContain(
      new URL(kc.getCurrentCluster()?.server ?? "http://x").host,
    );
    expect(github.requests.every((request) => request.authorization === "token ghs_e2e-token")).toBe(true);
    expect(await readFile(junit, "utf8")).toContain('tests="1" failures="0" errors="0"');
    // Every output action.yml declares is set.
    expect(Object.keys(run.outputs).sort()).toEqual([
      "artifact-id",
      "artifact-url",
      "comment-url",
      "deviated",
      "experiments",
      "failed",
      "journal-path",
      "junit-path",
      "report",
      "verdict",
    ]);
    expect(run.outputs["junit-path"]).toBe(junit);
    expect(run.outputs["journal-path"]).toMatch(/experiments__terminate-pod\.yaml\.journal\.json$/);
    expect(JSON.parse(await readFile(run.outputs["journal-path"] ?? "", "utf8")).status).toBe("completed");
    // Which cluster it targets, and where that came from: server, context, version, node count, source.
    expect(run.stdout).toContain("Connecting with the kubeconfig input");
    expect(run.stdout).toMatch(
      /Kubernetes: context "sim" on https:\/\/127\.0\.0\.1:\d+ as user "sim-user" \(bearer token\), from .*chaos-action-kubeconfig-.* \(server v1\.\d+\.\d+\S*, 2 nodes\)/,
    );
    // The kubeconfig input is masked, and so is the token.
    expect(run.stdout).toContain("::add-mask::ghs_e2e-token");
    const logged = run.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::"));
    expect(logged.join("\n")).not.toContain("ghs_e2e-token");
    expect(logged.join("\n")).not.toMatch(/token: sim-/);
  }, 60_000);

  it("fails the gate on a deviation and updates the same comment on the second run", async () => {
    const inputs = { ...app, experiments: "test/e2e/experiments/terminate-only-pod.yaml" };
    const first = await runAction({ inputs });
    expect(first.code, first.stdout).toBe(1);
    expect(first.outputs).toMatchObject({ verdict: "deviated", deviated: "1" });
    expect(first.stdout).toMatch(
      /::error::Chaos gate deviated: .*terminate-only-pod.yaml deviated: all-web-single-pods-running/,
    );
    const [created] = github.comments;
    expect(created?.body).toContain("## ❌ Chaos gate: the system deviated from its steady state");

    await settled("app=web-single", 1);
    const second = await runAction({ inputs });
    expect(second.code, second.stdout).toBe(1);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.id).toBe(created?.id);
    expect(second.outputs["comment-url"]).toBe(first.outputs["comment-url"]);
    expect(github.requests.filter((request) => request.method === "PATCH")).toHaveLength(1);
    await settled("app=web-single", 1);
  }, 60_000);

  it("uploads the journals as an artifact that the summary and the comment link", async () => {
    const results = await startFakeResultsService();
    try {
      const run = await runAction({
        inputs: { ...app, experiments: "experiments/terminate-pod.yaml", vars: "namespace=chaos-e2e" },
        env: {
          ACTIONS_RESULTS_URL: results.url,
          ACTIONS_RUNTIME_TOKEN: results.runtimeToken,
          GITHUB_SERVER_URL: "https://github.com",
        },
      });
      expect(run.code, run.stdout).toBe(0);
      const [artifact] = results.artifacts;
      expect([...unzip(artifact?.zip ?? Buffer.alloc(0)).keys()]).toEqual([
        "experiments__terminate-pod.yaml.journal.json",
      ]);
      const link = `[journals](https://github.com/acme/shop/actions/runs/4242/artifacts/${artifact?.id})`;
      expect(run.summary).toContain(link);
      expect(github.comments[0]?.body).toContain(link);
      expect(run.outputs["artifact-id"]).toBe(String(artifact?.id));
    } finally {
      await results.close();
    }
    await settled("app=web", 3);
  }, 60_000);

  it("warns about a 403 on the comment and keeps the verdict", async () => {
    github.options.forbidWrites = true;
    const run = await runAction({
      inputs: { ...app, experiments: "test/e2e/experiments/terminate-only-pod.yaml" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("deviated");
    expect(run.outputs["comment-url"]).toBe("");
    expect(run.stdout).toMatch(/::warning::GitHub refused POST .*pull-requests: write/);
    expect(run.summary).toContain("Chaos gate: the system deviated");
    await settled("app=web-single", 1);
  }, 60_000);

  it("refuses an invalid experiment with an annotation on its line, touching nothing", async () => {
    const before = (await podsOf("app=web")).map((pod) => pod.metadata?.uid).sort();
    const run = await runAction({
      inputs: { ...app, experiments: "test/e2e/experiments/invalid-missing-url.yaml", "fail-on": "never" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(run.stdout).toMatch(
      /::error title=Invalid chaos experiment,file=test\/e2e\/experiments\/invalid-missing-url.yaml,line=\d+(,col=\d+)?::.*url/,
    );
    const after = (await podsOf("app=web")).map((pod) => pod.metadata?.uid).sort();
    expect(after).toEqual(before);
    // Refused before the cluster was even prepared: no manifest applied, no connection made.
    expect(run.stdout).not.toContain("Applying manifests");
  }, 60_000);

  it("replaces an earlier pass in the comment when a later run breaks before any verdict", async () => {
    const inputs = { ...app, experiments: "experiments/terminate-pod.yaml", vars: "namespace=chaos-e2e" };
    const passed = await runAction({ inputs });
    expect(passed.code, passed.stdout).toBe(0);
    expect(github.comments[0]?.body).toContain("Chaos gate: the system held");

    const broken = await runAction({ inputs: { ...inputs, manifests: "test/e2e/app/missing-*.yaml" } });
    expect(broken.code).toBe(1);
    expect(broken.outputs.verdict).toBe("failed");
    expect(broken.stdout).toContain("::error::manifests: test/e2e/app/missing-*.yaml matches no file");
    expect(broken.summary).toContain("manifests: test/e2e/app/missing-*.yaml matches no file");
    expect(broken.outputs.report).toBe(broken.summary);
    // Same comment, edited in place; the public repository's comment points at the summary for the reason.
    expect(github.comments).toHaveLength(1);
    expect(broken.outputs["comment-url"]).toBe(passed.outputs["comment-url"]);
    expect(github.comments[0]?.body).toContain("## 🔥 Chaos gate: the run failed and proved nothing");
    expect(github.comments[0]?.body).toContain(
      "[job summary](https://github.test/acme/shop/actions/runs/4242)",
    );
    expect(github.comments[0]?.body).not.toContain("held");
    await settled("app=web", 3);
  }, 60_000);

  it("fails fast on bad inputs, naming each input and its allowed values, before touching anything", async () => {
    const run = await runAction({
      inputs: { ...app, cluster: "minikube", comment: "loud", experiments: "experiments/terminate-pod.yaml" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(run.stdout).toContain('cluster: "minikube" is not one of existing, kind, sim');
    expect(run.stdout).toContain('comment: "loud" is not one of always, on-failure, never');
    expect(run.stdout).not.toContain("Applying manifests");
    expect(github.requests).toHaveLength(0);
  }, 60_000);

  it("refuses max-affected 0 as a bad input before the simulated cluster starts", async () => {
    const run = await runAction({
      inputs: { cluster: "sim", "max-affected": "0", experiments: "experiments/terminate-pod.yaml" },
      env: { INPUT_KUBECONFIG: "" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(run.stdout).toContain(
      'max-affected: "0" is not a count of at least 1 object (with 0 no action could inject a fault)',
    );
    expect(run.stdout).not.toContain("Started the simulated cluster");
  }, 60_000);

  it("on SIGTERM stops the method, runs the rollbacks and restores the cluster", async () => {
    const journal = join(work, "cancelled.journal.json");
    const run = await runAction({
      inputs: { ...app, experiments: "test/e2e/experiments/scale-then-wait.yaml", "journal-path": journal },
      during: async (child) => {
        await untilScaledToOne();
        expect(await replicas()).toBe(1);
        child.kill("SIGTERM");
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("failed");
    expect(await replicas()).toBe(3);
    const written = JSON.parse(await readFile(journal, "utf8"));
    expect(written.status).toBe("interrupted");
    expect(
      written.rollbacks.map((entry: { activity: { name: string }; status: string }) => [
        entry.activity.name,
        entry.status,
      ]),
    ).toEqual([["scale-web-back-to-three", "succeeded"]]);

    // The post step finds nothing left to undo and exits cleanly.
    const post = await runAction({ inputs: {}, entry: "post.js", state: run.state });
    expect(post.code, post.stdout).toBe(0);
    await settled("app=web", 3);
  }, 60_000);

  it("a second signal while the rollbacks run leaves them running and the exit status a verdict's", async () => {
    // The runner cancels with SIGINT and then SIGTERM; a person may press Ctrl-C twice.
    const run = await runAction({
      inputs: { ...app, experiments: "test/e2e/experiments/scale-then-wait.yaml" },
      during: async (child) => {
        await untilScaledToOne();
        child.kill("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill("SIGINT");
      },
    });
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe("failed");
    expect(await replicas()).toBe(3);
    await settled("app=web", 3);
  }, 60_000);

  it("when the main step is killed, the post step replays the pending undo and deletes the kind cluster", async () => {
    const killed = await runAction({
      inputs: { ...app, experiments: "test/e2e/experiments/scale-then-wait.yaml" },
      during: async (child) => {
        await untilScaledToOne();
        child.kill("SIGKILL");
      },
    });
    expect(killed.code).toBe(null);
    expect(await replicas()).toBe(1);

    // A kind stand-in records what the post step asks of it.
    const bin = await mkdtemp(join(work, "kind-"));
    const kind = join(bin, "kind");
    await writeFile(kind, `#!/usr/bin/env bash\necho "$*" >> "${bin}/calls"\n`, { mode: 0o755 });
    const state = { ...killed.state, "kind-cluster": JSON.stringify({ kind, name: "chaos-e2e" }) };
    const post = await runAction({ inputs: {}, entry: "post.js", state });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain("Undo scale Deployment chaos-e2e/web back to 3 replicas: succeeded");
    expect(post.stdout).toMatch(/::warning::Replayed 1 pending undo step/);
    expect(await replicas()).toBe(3);
    expect(await readFile(join(bin, "calls"), "utf8")).toBe("delete cluster --name chaos-e2e\n");
    expect(existsSync(killed.state["kubeconfig-file"] ?? "")).toBe(false);
    await settled("app=web", 3);
  }, 60_000);

  it("with fail-on: failure reports a deviation without failing, and masks a secret everywhere", async () => {
    const token = "e2e-app-t0ken-4f9c2a";
    const junit = join(work, "junit-secret.xml");
    const run = await runAction({
      inputs: {
        experiments: "test/e2e/experiments/echo-secret-deviates.yaml",
        "fail-on": "failure",
        "junit-path": junit,
        // The marker stays, so the probe never holds again: not recovering is the same deviation.
        "recovery-timeout": "3",
      },
      env: { E2E_APP_TOKEN: token, E2E_MARKER: join(work, "secret-marker") },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: "deviated", deviated: "1", failed: "0" });
    // The probe printed the token: the report shows its output, masked.
    expect(run.outputs.report).toContain("token=***");
    const junitText = await readFile(junit, "utf8");
    expect(junitText).toContain("token=***");
    const journal = await readFile(run.outputs["journal-path"] ?? "", "utf8");
    expect(run.stdout).toContain(`::add-mask::${token}`);
    const logged = run.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::"));
    for (const [where, text] of Object.entries({
      log: logged.join("\n"),
      stderr: run.stderr,
      summary: run.summary,
      comment: github.comments.map((comment) => comment.body).join("\n"),
      junit: junitText,
      journal,
      outputs: JSON.stringify(run.outputs),
    })) {
      expect(text, where).not.toContain(token);
    }
    expect(github.comments).toHaveLength(1);
  }, 60_000);

  it("with cluster: kind, boots the cluster with kind from PATH, applies the app, and the post step deletes it", async () => {
    // A kind stand-in on PATH: it records its calls and hands out the simulated cluster's kubeconfig
    // under kind's context name, so the rest of the run meets a real API server.
    const bin = await mkdtemp(join(work, "kind-path-"));
    const config = parse(sim.kubeconfig) as {
      contexts: { name: string }[];
      "current-context": string;
    };
    for (const context of config.contexts) context.name = "kind-chaos-e2e";
    config["current-context"] = "kind-chaos-e2e";
    await writeFile(join(bin, "kubeconfig"), stringify(config));
    const script = [
      "#!/usr/bin/env bash",
      `dir="${bin}"`,
      'echo "$*" >> "$dir/calls"',
      'case "$1 $2" in',
      '  "get clusters") cat "$dir/clusters" 2>/dev/null || true ;;',
      '  "create cluster") echo "Creating cluster \\"$4\\" ..." >&2; echo "$4" >> "$dir/clusters" ;;',
      '  "get kubeconfig") cat "$dir/kubeconfig" ;;',
      '  "delete cluster") : > "$dir/clusters" ;;',
      "esac",
      "",
    ].join("\n");
    await writeFile(join(bin, "kind"), script, { mode: 0o755 });
    const kindConfig = join(work, "kind-config.yaml");
    await writeFile(kindConfig, "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");

    const run = await runAction({
      inputs: {
        ...app,
        cluster: "kind",
        "cluster-name": "chaos-e2e",
        "kind-config": kindConfig,
        kubeconfig: "",
        experiments: "experiments/terminate-pod.yaml",
        vars: "namespace=chaos-e2e",
        comment: "never",
      },
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe("passed");
    expect(run.stdout).toContain(`Using kind from PATH: ${join(bin, "kind")}`);
    expect(run.stdout).toContain('Creating cluster "chaos-e2e" ...');
    expect(run.stdout).toContain("every node is ready (2/2 nodes Ready)");
    expect(run.stdout).toContain("Applied Deployment chaos-e2e/web");
    expect(run.stdout).toContain("deployment chaos-e2e/web-single is ready");
    expect(run.stdout).toMatch(/Kubernetes: context "kind-chaos-e2e" .*\(server v\S+, 2 nodes\)/);
    expect(JSON.parse(run.state["kind-cluster"] ?? "{}")).toEqual({
      kind: join(bin, "kind"),
      name: "chaos-e2e",
    });
    expect((await readFile(join(bin, "calls"), "utf8")).trim().split("\n")).toEqual([
      "get clusters",
      `create cluster --name chaos-e2e --wait 180s --config ${kindConfig}`,
      "get kubeconfig --name chaos-e2e",
    ]);

    const post = await runAction({ inputs: {}, entry: "post.js", state: run.state });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain("Deleted kind cluster chaos-e2e");
    expect(await readFile(join(bin, "calls"), "utf8")).toMatch(/\ndelete cluster --name chaos-e2e\n$/);
    expect(existsSync(run.state["kubeconfig-file"] ?? "")).toBe(false);
    await settled("app=web", 3);
  }, 60_000);

  it("with cluster: kind, refuses a kind-config that does not exist before looking for kind", async () => {
    const run = await runAction({
      inputs: {
        cluster: "kind",
        "kind-config": "test/e2e/no-such-kind.yaml",
        kubeconfig: "",
        experiments: "experiments/terminate-pod.yaml",
        comment: "never",
      },
      env: { PATH: "/nonexistent" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(run.stdout).toMatch(
      /::error::Invalid input: kind-config: .*test\/e2e\/no-such-kind\.yaml does not exist/,
    );
    expect(run.stdout).not.toMatch(/Using kind|Downloading kind|Creating kind/);
    expect(run.state["kind-cluster"]).toBeUndefined();
  }, 60_000);

  it("on SIGTERM while waiting for workloads, stops waiting at once instead of at the timeout", async () => {
    let waiting = false;
    const started = Date.now();
    const run = await runAction({
      inputs: {
        ...app,
        "wait-for": "chaos-e2e/deployment/never-created",
        "wait-for-timeout": "5m",
        experiments: "experiments/terminate-pod.yaml",
        vars: "namespace=chaos-e2e",
      },
      during: async (child) => {
        const stdout = child.stdout;
        if (!stdout) throw new Error("no stdout");
        await new Promise<void>((resolve) => {
          stdout.on("data", (chunk: Buffer | string) => {
            if (!waiting && String(chunk).includes("::group::Waiting for workloads")) {
              waiting = true;
              resolve();
            }
          });
        });
        child.kill("SIGTERM");
      },
    });
    expect(waiting).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("failed");
    expect(run.stdout).toMatch(/::error::interrupted by SIGTERM/);
    expect(run.summary).toContain("interrupted by SIGTERM");
    expect(github.comments.map((comment) => comment.body.split("\n")[1])).toEqual([
      "## 🔥 Chaos gate: the run failed and proved nothing",
    ]);
  }, 60_000);
});

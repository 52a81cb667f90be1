// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// The action's main step in this process, with the real @actions/core: INPUT_* variables, an event
// file, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and the log on stdout, as the runner gives them.
//   - Secrets planted in every place stay out of the log, summary, outputs, JUnit, annotations and
//     journals, and each is masked (`::add-mask::`) before any other line is logged.
//   - On pull_request_target and workflow_run the experiments come from the workflow's own commit
//     (a local git repository here), unless trust-checked-out-experiments is true.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { experimentSource } from "../../src/action/trusted-checkout.ts";
import { startSimCluster } from "../../src/sim/index.ts";
import { runStep, type StepResult } from "./action-step.ts";

type Sim = Awaited<ReturnType<typeof startSimCluster>>;
let sim: Sim;
let work: string;
const savedEnv = { ...process.env };
const savedCwd = process.cwd();

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 1, manifests: [] });
  work = await mkdtemp(join(tmpdir(), "action-main-"));
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

/** Runs the main step as the runner would, in `cwd`. */
const step = (
  cwd: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  event: { name: string; payload: object },
): Promise<StepResult> => runStep(work, cwd, inputs, env, event);

describe("secrets in the action", () => {
  const planted = {
    experimentSecret: "act-exp-secret-P1q9",
    conversionEnv: "act-not-a-number-W2e8",
    urlPassword: "act-url-pass-R4t6",
    varSecret: "act-var-secret-Y7u3",
    kubernetesPassword: "act-k8s-password-I0o5",
    githubToken: "ghs_act-token-A8s2",
  };

  it("masks every secret first and keeps each out of the log, summary, outputs, JUnit, annotations and journals", async () => {
    const kubeconfig = parse(sim.kubeconfig) as {
      clusters: Array<{ cluster: { server: string } }>;
      users: Array<{ user: { token: string } }>;
    };
    const token = kubeconfig.users[0]!.user.token;
    const { server } = kubeconfig.clusters[0]!.cluster;
    const repo = await mkdtemp(join(work, "repo-"));
    await writeFile(
      join(repo, "echo.yaml"),
      `title: Echo the secrets
description: A process prints them; its output reaches the journal and the report.
configuration:
  api_token: placeholder
secrets:
  app:
    password:
      type: env
      key: APP_PASSWORD
steady-state-hypothesis:
  title: the marker is absent
  probes:
    - type: probe
      name: echo-until-marker
      tolerance: 0
      provider:
        type: process
        path: sh
        arguments: ["-c", "echo \${password} \${api_token} $KUBERNETES_PASSWORD; test ! -e marker"]
method:
  - type: action
    name: mark
    provider:
      type: process
      path: touch
      arguments: [marker]
`,
    );
    await writeFile(
      join(repo, "cluster.yaml"),
      `title: Needs the cluster
description: The connection fails on the credentials in the server URL and says so.
steady-state-hypothesis:
  title: pods can be counted
  probes:
    - type: probe
      name: count-pods
      tolerance: 0
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: count_pods
        arguments:
          label_selector: app=nothing-here
method: []
`,
    );
    const junit = join(repo, "junit.xml");
    const result = await step(
      repo,
      {
        experiments: "echo.yaml\ncluster.yaml",
        kubeconfig: sim.kubeconfig.replace(
          server,
          server.replace("https://", `https://kube-admin:${planted.urlPassword}@`),
        ),
        vars: `api_token=${planted.varSecret}`,
        "junit-path": junit,
        "journal-path": "journals/",
        "github-token": planted.githubToken,
        // The marker stays: without this, echo.yaml would not recover and cluster.yaml be skipped.
        "recovery-timeout": "0",
      },
      { APP_PASSWORD: planted.experimentSecret, KUBERNETES_PASSWORD: planted.kubernetesPassword },
      { name: "push", payload: {} },
    );
    expect(result.failed).toBe(true);
    expect(result.outputs.verdict).toBe("failed");
    // Every secret is masked before the first line that is not a mask.
    const lines = result.log.split("\n");
    const firstOther = lines.findIndex((line) => line !== "" && !line.startsWith("::add-mask::"));
    const masked = lines.slice(0, firstOther).join("\n");
    for (const secret of [planted.urlPassword, planted.varSecret, planted.kubernetesPassword, token]) {
      expect(masked, secret).toContain(`::add-mask::${secret}`);
    }
    expect(result.log).toContain(`::add-mask::${planted.experimentSecret}`);
    const journals = join(repo, "journals");
    const journalText = (
      await Promise.all((await readdir(journals)).map((file) => readFile(join(journals, file), "utf8")))
    ).join("\n");
    expect(journalText).toContain("https://***@127.0.0.1");
    const outputs = {
      log: lines.filter((line) => !line.startsWith("::add-mask::")).join("\n"),
      summary: result.summary,
      outputs: JSON.stringify(result.outputs),
      junit: await readFile(junit, "utf8"),
      journals: journalText,
    };
    expect(outputs.log).toMatch(/::error .*cluster\.yaml/);
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of [...Object.values(planted), token, "kube-admin:"]) {
        expect(text, `${where} quotes ${secret}`).not.toContain(secret);
      }
    }
  });

  it("a secret-named variable whose conversion fails is neither logged nor in the summary", async () => {
    const repo = await mkdtemp(join(work, "repo-"));
    await writeFile(
      join(repo, "conversion.yaml"),
      "title: t\ndescription: d\nconfiguration:\n  db_password:\n    type: env\n    key: DB_PASSWORD\n    env_var_type: int\nmethod: []\n",
    );
    const result = await step(
      repo,
      { experiments: "conversion.yaml", cluster: "sim" },
      { DB_PASSWORD: planted.conversionEnv },
      { name: "push", payload: {} },
    );
    expect(result.outputs.verdict).toBe("invalid");
    expect(result.log).toContain("its value is not shown, as the name marks it secret");
    for (const text of [result.log, result.summary, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain(planted.conversionEnv);
    }
  });
});

describe("untrusted code on pull_request_target and workflow_run", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      env: {
        ...savedEnv,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@t",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@t",
      },
    })
      .toString()
      .trim();

  const experiment = (title: string) =>
    `title: ${title}\ndescription: d\nmethod:\n  - type: action\n    name: run-script\n    provider:\n      type: process\n      path: sh\n      arguments: [scripts/act.sh]\n`;

  let repo: string;
  let base: string;
  let pwned: string;

  beforeAll(async () => {
    repo = await mkdtemp(join(work, "checkout-"));
    pwned = join(work, "pwned");
    git(repo, "init", "-q");
    await mkdir(join(repo, "experiments"));
    await mkdir(join(repo, "scripts"));
    await writeFile(join(repo, "experiments", "gate.yaml"), experiment("The base branch's experiment"));
    await writeFile(join(repo, "scripts", "act.sh"), "echo base script\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "base");
    base = git(repo, "rev-parse", "HEAD");
    // The pull request's files, checked out: its experiment and its script would run with the secrets.
    await writeFile(join(repo, "experiments", "gate.yaml"), experiment("The pull request's experiment"));
    await writeFile(join(repo, "scripts", "act.sh"), `touch ${pwned}\n`);
  });

  for (const event of [
    { name: "pull_request_target", payload: { pull_request: { number: 7, base: { sha: "0".repeat(40) } } } },
    { name: "workflow_run", payload: { workflow_run: { head_sha: "f".repeat(40) } } },
  ]) {
    it(`on ${event.name} runs the workflow commit's experiment and scripts, not the checkout's`, async () => {
      const result = await step(
        repo,
        { experiments: "experiments/", "journal-path": "out/" },
        { GITHUB_SHA: base },
        event,
      );
      expect(result.outputs.verdict, result.log).toBe("passed");
      expect(existsSync(pwned)).toBe(false);
      expect(result.log).toContain(`read from commit ${base}, the workflow's own`);
      const journal = JSON.parse(
        await readFile(join(repo, "out", "experiments__gate.yaml.journal.json"), "utf8"),
      );
      expect(journal.experiment.title).toBe("The base branch's experiment");
      expect(journal.run[0].output.stdout).toBe("base script\n");
      expect(process.cwd()).toBe(repo);
    });
  }

  it("with trust-checked-out-experiments: true runs what is checked out", async () => {
    const result = await step(
      repo,
      { experiments: "experiments/", "trust-checked-out-experiments": "true" },
      { GITHUB_SHA: base },
      { name: "pull_request_target", payload: {} },
    );
    expect(result.outputs.verdict).toBe("passed");
    expect(existsSync(pwned)).toBe(true);
    await rm(pwned, { force: true });
  });

  it("refuses to run when the workflow's commit is not in the checkout, naming the fix", async () => {
    const result = await step(
      repo,
      { experiments: "experiments/" },
      { GITHUB_SHA: "1234567890abcdef1234567890abcdef12345678" },
      { name: "workflow_run", payload: {} },
    );
    expect(result.failed).toBe(true);
    expect(result.outputs.verdict).toBe("failed");
    expect(result.log).toContain("trust-checked-out-experiments: true");
    expect(existsSync(pwned)).toBe(false);
  });

  it("decides purely from the event and the input", () => {
    const sha = "a".repeat(40);
    expect(experimentSource({ name: "pull_request", payload: {}, sha }, false)).toEqual({ kind: "checkout" });
    expect(experimentSource({ name: "push", payload: {}, sha }, false)).toEqual({ kind: "checkout" });
    expect(experimentSource({ name: "workflow_run", payload: {}, sha }, true)).toEqual({ kind: "checkout" });
    expect(experimentSource({ name: "workflow_run", payload: {}, sha }, false)).toEqual({
      kind: "commit",
      event: "workflow_run",
      sha,
    });
    expect(
      experimentSource(
        { name: "pull_request_target", payload: { pull_request: { base: { sha } } }, sha: "" },
        false,
      ),
    ).toMatchObject({ kind: "commit", sha });
    expect(() => experimentSource({ name: "pull_request_target", payload: {}, sha: "" }, false)).toThrow(
      /trust-checked-out-experiments/,
    );
  });
});

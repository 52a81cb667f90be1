// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// Secrets kept: distinct values planted in every place a secret can come from (experiment secrets, a
// secret-named environment variable whose conversion fails, user-info in the kubeconfig's server URL,
// the cluster token, a `--var` secret key, KUBERNETES_* credentials), then every output grepped for
// each: the CLI's stdout and stderr, the journals, and the report, JUnit and annotations rendered from
// the pipeline's result. The simulated cluster serves over real HTTPS.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/main.ts";
import { annotationsFor } from "../../src/report/annotations.ts";
import { renderJUnit } from "../../src/report/junit.ts";
import { renderReport } from "../../src/report/markdown.ts";
import { runExperiments } from "../../src/run/pipeline.ts";
import { overrideSecrets, SecretRegistry } from "../../src/run/secrets.ts";
import { startSimCluster } from "../../src/sim/index.ts";

const planted = {
  experimentSecret: "exp-secret-Q7w2",
  conversionEnv: "not-a-number-Zk41",
  urlPassword: "url-pass-M3x8",
  varSecret: "var-secret-H5c0",
  kubernetesPassword: "k8s-password-B9r6",
};

type Sim = Awaited<ReturnType<typeof startSimCluster>>;
let sim: Sim;
let dir: string;
let token: string;
let env: NodeJS.ProcessEnv;

const echoExperiment = `title: Secrets are echoed by a process
description: Its output reaches the journal and the report; every value must be masked there.
configuration:
  api_token: placeholder
secrets:
  app:
    password:
      type: env
      key: APP_PASSWORD
steady-state-hypothesis:
  title: pods can be counted, and the marker is absent
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
    - type: probe
      name: echo-until-marker
      tolerance: 0
      provider:
        type: process
        path: sh
        arguments: ["-c", "echo \${password} \${api_token} $KUBERNETES_API_KEY $KUBERNETES_PASSWORD; test ! -e $HOME/marker"]
method:
  - type: action
    name: echo-and-mark
    provider:
      type: process
      path: sh
      arguments: ["-c", "echo \${password} \${api_token} $KUBERNETES_API_KEY; touch $HOME/marker; exit 3"]
`;

const conversionExperiment = `title: A secret-named variable that is not a number
description: The conversion error must not quote it.
configuration:
  db_password:
    type: env
    key: DB_PASSWORD
    env_var_type: int
method: []
`;

const clusterExperiment = `title: Needs the cluster
description: Its connection fails on the credentials in the server URL.
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
`;

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 1, manifests: [] });
  dir = await mkdtemp(join(tmpdir(), "secrets-"));
  const kubeconfig = parse(sim.kubeconfig) as {
    clusters: Array<{ cluster: { server: string; "certificate-authority-data": string } }>;
    users: Array<{ user: { token: string } }>;
  };
  token = kubeconfig.users[0]!.user.token;
  const { server, "certificate-authority-data": ca } = kubeconfig.clusters[0]!.cluster;
  await writeFile(join(dir, "ca.crt"), Buffer.from(ca, "base64"));
  await writeFile(
    join(dir, "url-credentials.kubeconfig"),
    sim.kubeconfig.replace(server, server.replace("https://", `https://kube-admin:${planted.urlPassword}@`)),
  );
  await writeFile(join(dir, "echo.yaml"), echoExperiment);
  await writeFile(join(dir, "conversion.yaml"), conversionExperiment);
  await writeFile(join(dir, "cluster.yaml"), clusterExperiment);
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    APP_PASSWORD: planted.experimentSecret,
    DB_PASSWORD: planted.conversionEnv,
    KUBERNETES_HOST: server,
    KUBERNETES_API_KEY: token,
    KUBERNETES_CA_CERT_FILE: join(dir, "ca.crt"),
    KUBERNETES_PASSWORD: planted.kubernetesPassword,
  };
});

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    cwd: dir,
    env: { ...env, ...extraEnv },
    onSignal: () => () => {},
  });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

async function journalsIn(journalDir: string): Promise<string> {
  const files = await readdir(journalDir);
  return (await Promise.all(files.map((file) => readFile(join(journalDir, file), "utf8")))).join("\n");
}

function expectNoSecret(outputs: Record<string, string>, secrets: string[]): void {
  for (const [where, text] of Object.entries(outputs)) {
    for (const secret of secrets) expect(text, `${where} quotes ${secret}`).not.toContain(secret);
  }
}

const everySecret = () => [...Object.values(planted), token];

describe("secrets planted everywhere stay out of every output", () => {
  it("the CLI: echoed by processes, in --var, in KUBERNETES_* variables, in the journal", async () => {
    const journals = join(dir, "journals-echo/");
    const run = await cli([
      "run",
      "--var",
      `api_token=${planted.varSecret}`,
      "--journal-path",
      journals,
      // The method leaves the marker: the hypothesis cannot hold again, so no recovery wait.
      "--recovery-timeout",
      "0",
      "echo.yaml",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const journal = await journalsIn(journals);
    // The values were there to leak: the process printed them, masked.
    expect(journal).toContain("*** *** ***");
    expect(run.stderr).toContain("Kubernetes:");
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr, journal }, everySecret());
    await rm(join(dir, "marker"), { force: true });
  });

  it("the CLI: a password in the kubeconfig's server URL, in the error the failed connection gives", async () => {
    const journals = join(dir, "journals-url/");
    const run = await cli([
      "run",
      "--kubeconfig",
      join(dir, "url-credentials.kubeconfig"),
      "--journal-path",
      journals,
      "cluster.yaml",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("https://***@127.0.0.1");
    const journal = await journalsIn(journals);
    expect(journal).toContain("https://***@127.0.0.1");
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr, journal }, [...everySecret(), "kube-admin:"]);
  });

  it("the CLI: a secret-named variable whose conversion fails is not quoted (validate and run)", async () => {
    for (const command of ["validate", "run"]) {
      const run = await cli([command, "conversion.yaml"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        "cannot convert environment variable DB_PASSWORD to 'int': its value is not shown, as the name marks it secret",
      );
      expectNoSecret({ stdout: run.stdout, stderr: run.stderr }, everySecret());
    }
  });

  it("the CLI: a secret-named --var whose conversion fails is not quoted", async () => {
    const run = await cli(["run", "--var", `pin_secret:int=${planted.varSecret}`, "echo.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--var 'pin_secret:int=***': the value is not a valid int");
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr }, everySecret());
  });

  it("the pipeline and the renderers: report, JUnit and annotations of both runs", async () => {
    const secrets = new SecretRegistry();
    const messages: string[] = [];
    const reporter = {
      info: (m: string) => messages.push(m),
      warn: (m: string) => messages.push(m),
      error: (m: string) => messages.push(m),
    };
    const options = {
      targets: ["echo.yaml", "cluster.yaml"],
      vars: [`api_token=${planted.varSecret}`],
      varFiles: [],
      failFast: false,
      dryRun: false,
      allowNoTarget: false,
      journalPath: join(dir, "journals-pipeline/"),
    };
    const result = await runExperiments({
      options,
      cwd: dir,
      env: { ...env },
      cluster: { mode: "auto", kubeconfig: join(dir, "url-credentials.kubeconfig") },
      reporter,
      secrets,
    });
    await rm(join(dir, "marker"), { force: true });
    expect(result.outcomes.map((o) => o.verdict)).toEqual(["failed", "failed"]);
    const list = secrets.list();
    const outputs = {
      log: messages.join("\n"),
      report: renderReport(result, { secrets: list, showServer: true }),
      junit: renderJUnit(result, { secrets: list }),
      annotations: annotationsFor(result)
        .map((a) => secrets.redact(`${a.title} ${a.message}`))
        .join("\n"),
      reasons: result.outcomes.map((o) => o.reason).join("\n"),
      journals: await journalsIn(options.journalPath),
    };
    // The mask, as the report's Markdown escaping writes it.
    expect(outputs.report).toContain("\\*\\*\\*");
    expectNoSecret(outputs, [...everySecret(), "kube-admin:"]);
  });

  it("var files: secret scopes, secret-named keys and .env variables are secrets", () => {
    expect(
      overrideSecrets({
        configuration: { api_token: "t-1", retries: 3, endpoint: "https://u:p-2@host" },
        secrets: { db: { user: "u-3" } },
        env: { SERVICE_PASSWORD: "p-4", HOME: "/home/x", KUBERNETES_API_KEY: "k-5" },
      }).sort(),
    ).toEqual(["k-5", "k-5", "p-2", "p-4", "t-1", "u-3", "u:p-2"].sort());
  });
});

describe("masking a journal or a plan", () => {
  it("masks secrets in values only: a short secret leaves keys and structure whole", () => {
    const secrets = new SecretRegistry();
    secrets.add(["t", "4242"]);
    const masked = secrets.redactValue({
      hypothesis: ["a token"],
      count: 4242,
      port: 42,
      nested: { text: "t" },
    });
    expect(masked).toEqual({ hypothesis: ["a ***oken"], count: "***", port: 42, nested: { text: "***" } });
  });
});

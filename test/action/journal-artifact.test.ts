// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${password}" is Chaos Toolkit's placeholder syntax.
// The journals as a workflow artifact: the action's main step uploads them with the real
// @actions/artifact to a local stand-in of the Actions results service and its blob storage, and the
// report links the artifact. Failures to upload are warnings; the gate's verdict never changes.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  artifactFiles,
  artifactNameProblem,
  artifactUrl,
  defaultArtifactName,
  uploadUnavailable,
} from "../../src/action/journal-artifact.ts";
import { SecretRegistry } from "../../src/run/secrets.ts";
import { runStep } from "./action-step.ts";
import { type FakeResultsService, startFakeResultsService, unzip } from "./results-service.ts";

const savedEnv = { ...process.env };
const savedCwd = process.cwd();
const SECRET = "art-secret-Q7w3x9";
let work: string;
let repo: string;
let results: FakeResultsService | undefined;

const experiment = (title: string) => `title: ${title}
description: A probe echoes a secret; its output reaches the journal.
secrets:
  app:
    password:
      type: env
      key: APP_PASSWORD
steady-state-hypothesis:
  title: the probe answers
  probes:
    - type: probe
      name: echo
      tolerance: 0
      provider:
        type: process
        path: sh
        arguments: ["-c", "echo \${password}"]
method:
  - type: action
    name: nothing
    provider:
      type: process
      path: "true"
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "action-artifact-"));
  repo = await mkdtemp(join(work, "repo-"));
  await mkdir(join(repo, "experiments"));
  await writeFile(join(repo, "experiments", "one.yaml"), experiment("One holds"));
  await writeFile(join(repo, "experiments", "two.yaml"), experiment("Two holds"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  process.chdir(savedCwd);
  vi.restoreAllMocks();
  await results?.close();
  results = undefined;
});

/** The main step on a push, with the results service's variables as the runner sets them. */
async function gate(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runStep(
    work,
    repo,
    { experiments: "experiments/", "recovery-timeout": "0", ...inputs },
    {
      APP_PASSWORD: SECRET,
      GITHUB_JOB: "gate",
      GITHUB_ACTION: "chaos",
      GITHUB_RUN_ATTEMPT: "1",
      ...(results
        ? { ACTIONS_RESULTS_URL: `${results.url}/`, ACTIONS_RUNTIME_TOKEN: results.runtimeToken }
        : {}),
      ...env,
    },
    { name: "push", payload: {} },
  );
}

describe("the journals artifact", () => {
  it("holds the run's journals and JUnit file, and the report's header links it", async () => {
    results = await startFakeResultsService();
    const journals = join(repo, "out");
    await mkdir(journals, { recursive: true });
    // Not the run's: a journal-path directory may hold anything, and only the run's files go up.
    await writeFile(join(journals, "deploy.env"), `TOKEN=${SECRET}\n`);
    const result = await gate({ "journal-path": "out/", "junit-path": "reports/chaos.xml" });

    expect(result.outputs.verdict, result.log).toBe("passed");
    expect(results.calls).toEqual(["CreateArtifact", "FinalizeArtifact"]);
    const [artifact] = results.artifacts;
    expect(artifact?.name).toMatch(/^chaos-journals-gate-chaos-attempt-1-[0-9a-f]{6}$/);
    const files = unzip(artifact?.zip ?? Buffer.alloc(0));
    expect([...files.keys()].sort()).toEqual([
      "chaos.xml",
      "experiments__one.yaml.journal.json",
      "experiments__two.yaml.journal.json",
    ]);
    const journal = JSON.parse(files.get("experiments__one.yaml.journal.json")?.toString("utf8") ?? "{}");
    expect(journal.experiment.title).toBe("One holds");
    expect(journal.steady_states.before.probes[0].output.stdout).toBe("***\n");
    expect(files.get("chaos.xml")?.toString("utf8")).toContain("<testsuite");
    for (const [name, content] of files) expect(content.toString("utf8"), name).not.toContain(SECRET);

    const url = `https://github.com/acme/shop/actions/runs/77/artifacts/${artifact?.id}`;
    expect(result.summary).toContain(`[journals](${url})`);
    expect(result.outputs["artifact-id"]).toBe(String(artifact?.id));
    expect(result.outputs["artifact-url"]).toBe(url);
    expect(result.outputs.report).toContain(`[journals](${url})`);
    expect(result.log).not.toContain("::warning");
  });

  it("takes the artifact-name input, and links to the server GITHUB_SERVER_URL names", async () => {
    results = await startFakeResultsService();
    const result = await gate(
      { "artifact-name": "chaos-eu-1" },
      { GITHUB_SERVER_URL: "https://octo.ghe.com" },
    );
    expect(results.artifacts.map((artifact) => artifact.name)).toEqual(["chaos-eu-1"]);
    expect(result.summary).toContain(
      `[journals](https://octo.ghe.com/acme/shop/actions/runs/77/artifacts/${results.artifacts[0]?.id})`,
    );
  });

  it("gets a name of its own per gating step and per matrix leg, so none collides in the run", async () => {
    results = await startFakeResultsService();
    await gate({}, { GITHUB_ACTION: "canary" });
    await gate({}, { GITHUB_ACTION: "full" });
    // Two matrix legs without a comment-key: the same job, step and attempt.
    await gate({}, { GITHUB_ACTION: "full" });
    await gate({ "comment-key": "eu/1" }, { GITHUB_ACTION: "full" });
    const names = results.artifacts.map((artifact) => artifact.name);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toMatch(/^chaos-journals-gate-canary-attempt-1-/);
    expect(names[3]).toMatch(/^chaos-journals-gate-full-eu_1-attempt-1-/);
  });

  it("is not uploaded with upload-journals: false", async () => {
    results = await startFakeResultsService();
    const result = await gate({ "upload-journals": "false" });
    expect(results.calls).toEqual([]);
    expect(result.summary).not.toContain("[journals]");
    expect(result.outputs["artifact-id"]).toBe("");
  });
});

describe("an upload that fails", () => {
  const warned = (log: string) => log.split("\n").filter((line) => line.startsWith("::warning::"));

  it("refused by the service (403) is a warning; the gate holds and the report has no link", async () => {
    results = await startFakeResultsService({ forbid: true });
    const result = await gate({});
    expect(result.failed).toBe(false);
    expect(result.outputs.verdict).toBe("passed");
    expect(warned(result.log).join("\n")).toMatch(
      /::warning::Could not upload the journals as artifact chaos-journals-gate-chaos-attempt-1-[0-9a-f]{6}: .*403.*Set upload-journals: false/,
    );
    expect(result.summary).toContain("Chaos gate: the system held");
    expect(result.summary).not.toContain("[journals]");
    expect(result.outputs["artifact-url"]).toBe("");
  });

  it("under a name the run already used (409) is a warning naming the conflict", async () => {
    results = await startFakeResultsService();
    await gate({ "artifact-name": "chaos-journals" });
    const second = await gate({ "artifact-name": "chaos-journals" });
    expect(second.failed).toBe(false);
    expect(warned(second.log).join("\n")).toMatch(
      /Could not upload the journals as artifact chaos-journals: .*409.*an artifact with this name already exists/,
    );
    expect(results.artifacts).toHaveLength(1);
    expect(second.summary).not.toContain("[journals]");
  });

  it("outside GitHub Actions (no ACTIONS_RUNTIME_TOKEN) is a warning that says so", async () => {
    const result = await gate({});
    expect(result.failed).toBe(false);
    expect(warned(result.log)).toEqual([
      expect.stringMatching(
        /ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set.*the journals are at /,
      ),
    ]);
    expect(result.summary).not.toContain("[journals]");
  });

  it("when the service cannot be reached is a warning, and a failing gate still fails for its own reason", async () => {
    results = await startFakeResultsService();
    const unreachable = results.url;
    await results.close();
    results = undefined;
    await writeFile(
      join(repo, "deviates.yaml"),
      'title: Deviates\ndescription: d\nsteady-state-hypothesis:\n  title: never\n  probes:\n    - type: probe\n      name: fails\n      tolerance: 0\n      provider:\n        type: process\n        path: "false"\nmethod: []\n',
    );
    const result = await runStep(
      work,
      repo,
      { experiments: "deviates.yaml" },
      {
        ACTIONS_RESULTS_URL: unreachable,
        ACTIONS_RUNTIME_TOKEN: "x.eyJzY3AiOiJBY3Rpb25zLlJlc3VsdHM6YTpiIn0.s",
      },
      { name: "push", payload: {} },
    );
    expect(result.outputs.verdict).toBe("failed");
    expect(result.failed).toBe(true);
    expect(warned(result.log).join("\n")).toMatch(/Could not upload the journals .*ECONNREFUSED/);
    expect(result.log).toMatch(/::error::Chaos gate failed/);
    expect(result.summary).not.toContain("[journals]");
  });

  it("on GitHub Enterprise Server is not tried", async () => {
    results = await startFakeResultsService();
    const result = await gate({}, { GITHUB_SERVER_URL: "https://git.acme.example" });
    expect(results.calls).toEqual([]);
    expect(warned(result.log).join("\n")).toContain("git.acme.example looks like GitHub Enterprise Server");
  });
});

describe("artifact names, links and files", () => {
  it("refuses names the results service would refuse, naming the characters", () => {
    expect(artifactNameProblem("chaos-eu-1")).toBeUndefined();
    expect(artifactNameProblem("eu/1:a")).toBe(
      'artifact-name: "eu/1:a" holds "/" ":"; an artifact name may not contain " : < > | * ? \\ / or line breaks',
    );
  });

  it("default to job, step, comment-key, attempt and a suffix, with forbidden characters replaced", () => {
    expect(
      defaultArtifactName(
        { GITHUB_JOB: "gate", GITHUB_ACTION: "__acme_chaos", GITHUB_RUN_ATTEMPT: "2" },
        "node: 20",
        "a1b2c3",
      ),
    ).toBe("chaos-journals-gate-__acme_chaos-node_ 20-attempt-2-a1b2c3");
    expect(defaultArtifactName({}, undefined, "a1b2c3")).toBe("chaos-journals-a1b2c3");
  });

  it("link to the run's artifact on the server the runner names", () => {
    const env = { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "9" };
    expect(artifactUrl(env, 5)).toBe("https://github.com/acme/shop/actions/runs/9/artifacts/5");
    expect(artifactUrl({ ...env, GITHUB_SERVER_URL: "https://acme.ghe.com/" }, 5)).toBe(
      "https://acme.ghe.com/acme/shop/actions/runs/9/artifacts/5",
    );
    expect(artifactUrl({}, 5)).toBeUndefined();
  });

  it("say why no upload can be tried", () => {
    const runner = { ACTIONS_RUNTIME_TOKEN: "t", ACTIONS_RESULTS_URL: "https://results.example/" };
    expect(uploadUnavailable(runner)).toBeUndefined();
    expect(uploadUnavailable({ ...runner, GITHUB_SERVER_URL: "https://acme.ghe.com" })).toBeUndefined();
    expect(uploadUnavailable({ ACTIONS_RESULTS_URL: "https://results.example/" })).toMatch(
      /ACTIONS_RUNTIME_TOKEN/,
    );
    expect(uploadUnavailable({ ...runner, GITHUB_SERVER_URL: "https://github.acme.internal" })).toMatch(
      /Enterprise Server/,
    );
  });

  it("mask secrets in a journal's values, keep its keys, and number a name taken twice", () => {
    const secrets = new SecretRegistry();
    secrets.add(["ab"]);
    const files = artifactFiles(
      [
        { path: "/a/journal.json", journal: { cab: "xaby", n: 1 } },
        { path: "/b/journal.json", journal: {} },
      ],
      { path: "/r/journal.json", content: "<testsuites/>" },
      secrets,
    );
    expect(files.map((file) => file.name)).toEqual(["journal.json", "journal-2.json", "journal-3.json"]);
    expect(JSON.parse(files[0]?.content ?? "")).toEqual({ cab: "x***y", n: 1 });
  });
});

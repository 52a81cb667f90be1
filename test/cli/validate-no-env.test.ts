// `chaos-action validate --no-env`: a lint-only job checks structure, refs and providers without the
// environment its experiments read.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-no-env-"));
  await writeFile(
    join(dir, "needs-env.yaml"),
    `title: needs the environment
description: d
configuration:
  namespace: {type: env, key: CHAOS_NAMESPACE}
  replicas: {type: env, key: CHAOS_REPLICAS, default: "3", env_var_type: int}
secrets:
  cluster:
    token: {type: env, key: CHAOS_TOKEN}
method:
  - type: action
    name: kill
    provider: {type: python, module: chaosk8s.pod.actions, func: terminate_pods, arguments: {ns: "\${namespace}"}}
  - type: action
    name: tool-only-on-the-deploy-runner
    provider: {type: process, path: some-deploy-tool-not-on-path}
`,
  );
  await writeFile(
    join(dir, "broken.yaml"),
    "title: t\ndescription: d\nconfiguration:\n  ns: {type: env, key: NS}\nmethod:\n  - {ref: nowhere}\n  - {type: action, name: a, provider: {type: python, module: chaosk8s.pod.actions, func: terminate_pod}}\n",
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function io() {
  const err: string[] = [];
  const value: CliIo = {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  };
  return { value, err };
}

describe("validate --no-env", () => {
  it("without it, every unset variable and missing executable is an error", async () => {
    const { value, err } = io();
    expect(await main(["validate", "needs-env.yaml"], value)).toBe(2);
    const text = err.join("\n");
    expect(text).toContain("environment key that does not exist: CHAOS_NAMESPACE");
    expect(text).toContain("some-deploy-tool-not-on-path");
  });

  it("passes a valid file with no variable set, saying what it did not check", async () => {
    const { value, err } = io();
    expect(await main(["validate", "--no-env", "needs-env.yaml"], value)).toBe(0);
    const text = err.join("\n");
    expect(text).toContain(
      "configuration.namespace: warning: not checked: environment variable CHAOS_NAMESPACE (--no-env)",
    );
    expect(text).toContain(
      "secrets.cluster.token: warning: not checked: environment variable CHAOS_TOKEN (--no-env)",
    );
    expect(text).toContain(
      "notice: --no-env: environment variables and executables on PATH were not checked",
    );
    expect(text).toMatch(/passed\s+needs-env\.yaml\s+valid/);
  });

  it("still refuses bad structure, refs and providers", async () => {
    const { value, err } = io();
    expect(await main(["validate", "--no-env", "broken.yaml"], value)).toBe(2);
    const text = err.join("\n");
    expect(text).toContain("referenced activity 'nowhere' could not be found");
    expect(text).toContain("does not expose a function called 'terminate_pod'");
    expect(text).not.toContain("does not exist: NS");
  });
});

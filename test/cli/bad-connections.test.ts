// Bad connections through the whole CLI: wrong input (a kubeconfig that cannot be read, an unknown
// context, a file it names missing, a malformed server) exits 2 before the cluster is asked, naming
// the source and the fix; a cluster that cannot be reached exits 1.
import { mkdtempSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";

// Created at once: the cases below name files in it when they are collected.
const dir = mkdtempSync(join(tmpdir(), "bad-connections-"));

// Paths on the command line resolve against the process's working directory: these are absolute.
const kubeconfig = (server: string, extra: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "lab", cluster: { server, ...extra } }],
    users: [{ name: "me", user: { token: "t" } }],
    contexts: [{ name: "lab", context: { cluster: "lab", user: "me" } }],
    "current-context": "lab",
  });

beforeAll(async () => {
  await writeFile(
    join(dir, "pods.yaml"),
    "title: pods\ndescription: d\nmethod:\n  - {type: probe, name: count, provider: {type: python, module: chaosk8s.pod.probes, func: count_pods, arguments: {label_selector: app=web}}}\n",
  );
  await writeFile(join(dir, "no-scheme.yaml"), kubeconfig("127.0.0.1:6443"));
  await writeFile(
    join(dir, "missing-ca.yaml"),
    kubeconfig("https://127.0.0.1:6443", { "certificate-authority": "ca.crt" }),
  );
  await writeFile(join(dir, "broken.yaml"), "clusters: [");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, ...env },
    onSignal: () => () => {},
  };
  const code = await main(["run", "pods.yaml", "--journal-path", join(dir, "journals"), ...args], io);
  return { code, text: err.join("\n") };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("wrong connection settings exit 2", () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    [
      "a kubeconfig that does not exist",
      ["--kubeconfig", "nope.yaml"],
      {},
      /--kubeconfig names .*nope\.yaml, which cannot be read: the file does not exist/,
    ],
    [
      "a kubeconfig that does not parse",
      ["--kubeconfig", join(dir, "broken.yaml")],
      {},
      /broken\.yaml is not a valid kubeconfig/,
    ],
    [
      "an unknown context",
      ["--kubeconfig", join(dir, "no-scheme.yaml"), "--context", "prod"],
      {},
      /Context "prod" \(from --context\) is not in the kubeconfig .*; available contexts: lab/,
    ],
    [
      "a server without a scheme",
      ["--kubeconfig", join(dir, "no-scheme.yaml")],
      {},
      /The server of cluster "lab" in the kubeconfig .* has no scheme \("127\.0\.0\.1:6443"\); write https:\/\/127\.0\.0\.1:6443/,
    ],
    [
      "a CA file the kubeconfig names but is missing",
      ["--kubeconfig", join(dir, "missing-ca.yaml")],
      {},
      /certificate-authority of cluster "lab" in the kubeconfig .* names .*ca\.crt, which cannot be read/,
    ],
    [
      "KUBERNETES_HOST with a space",
      [],
      { KUBERNETES_HOST: "https://10.0.0.1 :6443", KUBERNETES_API_KEY: "bad-connections-token" },
      /KUBERNETES_HOST contains a space/,
    ],
    [
      "a port fetch refuses",
      [],
      { KUBERNETES_HOST: "https://127.0.0.1:6000", KUBERNETES_API_KEY: "bad-connections-token" },
      /KUBERNETES_HOST uses port 6000, which HTTP clients refuse/,
    ],
    [
      "a missing KUBERNETES_CA_CERT_FILE",
      [],
      { KUBERNETES_HOST: "https://127.0.0.1:6443", KUBERNETES_CA_CERT_FILE: "/nonexistent/ca.pem" },
      /KUBERNETES_CA_CERT_FILE names \/nonexistent\/ca\.pem, which cannot be read/,
    ],
  ];
  for (const [what, args, env, message] of cases) {
    it(what, async () => {
      const { code, text } = await run(args, env);
      expect(text).toMatch(message);
      expect(text).toMatch(/invalid\s+pods\.yaml\s+invalid: /);
      expect(code).toBe(2);
    });
  }
});

describe("a cluster that misbehaves exits 1", () => {
  it("unreachable", async () => {
    const port = await closedPort();
    const { code, text } = await run([], {
      KUBERNETES_HOST: `https://127.0.0.1:${port}`,
      KUBERNETES_API_KEY: "bad-connections-token",
    });
    expect(text).toMatch(/Cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+/);
    expect(code).toBe(1);
  });
});

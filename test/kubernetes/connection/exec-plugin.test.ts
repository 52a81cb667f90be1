// Credentials from a kubeconfig exec plugin (how EKS, GKE and AKS are reached with OIDC): the plugin
// is a node script that asks the simulated cluster for a service-account token living 1.5 s; the sim
// answers 401 to a token once it has expired. A run that lasts longer must fetch a new token mid-run,
// before the old one is refused.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type CliIo, main } from "../../../src/cli/main.ts";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import { parseExecCredential, renewAt } from "../../../src/kubernetes/connection-exec.ts";
import { demoManifests } from "../../../src/sim/demo-manifests.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";

const plugin = join(import.meta.dirname, "..", "..", "fixtures", "exec-plugins", "token-request.mjs");

const rbac = `
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: chaos}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: runner}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: runner}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: runner}
subjects: [{kind: ServiceAccount, name: runner, namespace: chaos}]
`;

const EXPERIMENT = `title: one web pod terminated, a pause longer than the token lives
description: d
steady-state-hypothesis:
  title: all web pods running
  probes:
    - type: probe
      name: all-web-pods-running
      tolerance: true
      provider: {type: python, module: chaosk8s.pod.probes, func: pods_in_phase, arguments: {label_selector: app=web, phase: Running, ns: default}}
method:
  - type: action
    name: terminate-one-web-pod
    provider: {type: python, module: chaosk8s.pod.actions, func: terminate_pods, arguments: {label_selector: app=web, qty: 1, ns: default}}
    pauses: {after: 2.5}
`;

let dir: string;
let sim: SimCluster;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "exec-plugin-test-"));
  sim = await startSimCluster({
    manifests: demoManifests + rbac,
    timing: { scheduleMs: 10, startMs: 10, readyMs: 10, jitter: 0, deleteGraceMs: 50 },
  });
  await sim.settled(10_000);
  await writeFile(join(dir, "ca.crt"), sim.credentials.caPem!);
  await writeFile(join(dir, "experiment.yaml"), EXPERIMENT);
});

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

function kubeconfig(exec: Record<string, unknown>): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "sim", cluster: { server: sim.url, "certificate-authority": join(dir, "ca.crt") } }],
    users: [{ name: "oidc", user: { exec } }],
    contexts: [{ name: "sim", context: { cluster: "sim", user: "oidc" } }],
    "current-context": "sim",
  });
}

function io() {
  const err: string[] = [];
  const value: CliIo = {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir },
    onSignal: () => () => {},
  };
  return { value, err };
}

describe("an exec-plugin kubeconfig", () => {
  it("fetches a new token mid-run, before the sim refuses the old one", async () => {
    const log = join(dir, "plugin.log");
    await writeFile(log, "");
    await writeFile(
      join(dir, "kubeconfig"),
      kubeconfig({
        apiVersion: "client.authentication.k8s.io/v1",
        command: process.execPath,
        args: [plugin],
        interactiveMode: "Never",
        env: [
          { name: "SIM_URL", value: sim.url },
          { name: "SIM_CA_FILE", value: join(dir, "ca.crt") },
          { name: "SIM_ADMIN_TOKEN", value: sim.credentials.token! },
          { name: "SA_NAMESPACE", value: "chaos" },
          { name: "SA_NAME", value: "runner" },
          { name: "TOKEN_SECONDS", value: "1.5" },
          { name: "PLUGIN_LOG", value: log },
        ],
      }),
    );
    const before = sim.requests.length;
    const { value, err } = io();
    const code = await main(["run", "experiment.yaml", "--kubeconfig", join(dir, "kubeconfig")], value);
    expect(code, err.join("\n")).toBe(0);
    expect(err.join("\n")).toContain("(exec plugin");

    const handedOut = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { token: string; expirationTimestamp: string; execInfo: string });
    expect(handedOut.length).toBeGreaterThanOrEqual(2);
    expect(new Set(handedOut.map((t) => t.token)).size).toBe(handedOut.length);
    // The plugin is told what client-go tells it: the ExecCredential it is to print.
    expect(handedOut[0]!.execInfo).toBe("ExecCredential");
    // Every request of the run was accepted: each token was replaced before the sim refused it...
    expect(sim.requests.slice(before).filter((r) => r.status === 401)).toEqual([]);
    // ...and the sim does refuse the first token now.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "sim", server: sim.url, caFile: join(dir, "ca.crt") }],
      users: [{ name: "old", token: handedOut[0]!.token }],
      contexts: [{ name: "sim", cluster: "sim", user: "old" }],
      currentContext: "sim",
    });
    const refused = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: "default" })
      .catch((error: unknown) => error);
    expect((refused as ApiException<unknown>).code).toBe(401);
  }, 60_000);

  it("hands each token it receives to be masked before a request carries it", async () => {
    const log = join(dir, "masked.log");
    await writeFile(log, "");
    await writeFile(
      join(dir, "masked.kubeconfig"),
      kubeconfig({
        command: process.execPath,
        args: [plugin],
        env: [
          { name: "SIM_URL", value: sim.url },
          { name: "SIM_CA_FILE", value: join(dir, "ca.crt") },
          { name: "SIM_ADMIN_TOKEN", value: sim.credentials.token! },
          { name: "SA_NAMESPACE", value: "chaos" },
          { name: "SA_NAME", value: "runner" },
          { name: "TOKEN_SECONDS", value: "600" },
          { name: "PLUGIN_LOG", value: log },
        ],
      }),
    );
    const masked: string[] = [];
    const { kc, source } = await resolveConnection({
      kubeconfig: join(dir, "masked.kubeconfig"),
      env: { HOME: dir },
      onExecCredentials: (credentials) => masked.push(...credentials),
    });
    expect(source.auth).toBe(`exec plugin ${process.execPath}`);
    expect(masked).toEqual([]);
    const pods = await Promise.all(
      [1, 2, 3].map(() => kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "default" })),
    );
    expect(pods.every((list) => list.items.length === 3)).toBe(true);
    const handedOut = (await readFile(log, "utf8")).trim().split("\n");
    // Three requests at once share one run of the plugin.
    expect(handedOut).toHaveLength(1);
    expect(masked).toEqual([(JSON.parse(handedOut[0]!) as { token: string }).token]);
  }, 30_000);

  it("names a plugin that is not installed", async () => {
    await writeFile(
      join(dir, "missing.kubeconfig"),
      kubeconfig({
        apiVersion: "client.authentication.k8s.io/v1",
        command: "gke-gcloud-auth-plugin-absent",
        installHint: "Install it with: gcloud components install gke-gcloud-auth-plugin",
      }),
    );
    const { value, err } = io();
    const code = await main(
      ["run", "experiment.yaml", "--kubeconfig", join(dir, "missing.kubeconfig")],
      value,
    );
    expect(code).not.toBe(0);
    expect(err.join("\n")).toContain(
      "The kubeconfig's exec plugin gke-gcloud-auth-plugin-absent cannot be started: it is not installed or not on PATH. Install it with: gcloud components install gke-gcloud-auth-plugin",
    );
  }, 30_000);
});

describe("exec credentials", () => {
  it("are renewed when a fifth of their lifetime is left, at most 30 s before they expire", () => {
    expect(renewAt(0, 1_500)).toBe(1_200);
    expect(renewAt(0, 15 * 60_000)).toBe(15 * 60_000 - 30_000);
    expect(renewAt(1_000, 500)).toBe(500);
  });

  it("are read from ExecCredential JSON, and a plugin that prints something else is named", () => {
    expect(
      parseExecCredential(
        '{"kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"}}',
        "aws",
      ),
    ).toEqual({ token: "t", expiresAt: Date.parse("2030-01-01T00:00:00Z") });
    expect(parseExecCredential('{"status":{"token":"t"}}', "aws")).toEqual({ token: "t" });
    expect(() => parseExecCredential("Please log in", "kubelogin")).toThrow(
      "The exec plugin kubelogin printed something else than an ExecCredential (JSON expected on stdout).",
    );
    expect(() => parseExecCredential('{"status":{}}', "kubelogin")).toThrow(/without status\.token/);
    expect(() => parseExecCredential('{"status":{"token":"t","expirationTimestamp":"soon"}}', "aws")).toThrow(
      'printed status.expirationTimestamp "soon", which is not an RFC 3339 time.',
    );
  });
});

// In-cluster as a first-class source: `--cluster in-cluster` (inClusterOnly) takes the pod's service
// account whatever else is configured, and CHAOS_ACTION_SERVICE_ACCOUNT_DIR moves its files (tests,
// unusual mounts). Resolution only: the run against the simulated cluster is test/cli/in-cluster.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import { startSimCluster } from "../../../src/sim/index.ts";

let dir: string;
let caPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "in-cluster-source-"));
  const sim = await startSimCluster({ manifests: [] });
  caPem = sim.credentials.caPem!;
  await sim.close();
  const claims = Buffer.from(JSON.stringify({ sub: "system:serviceaccount:ops:chaos" })).toString(
    "base64url",
  );
  await mkdir(join(dir, "sa"));
  await writeFile(join(dir, "sa", "token"), `eyJhbGciOiJSUzI1NiJ9.${claims}.sig`);
  await writeFile(join(dir, "sa", "ca.crt"), caPem);
  await writeFile(join(dir, "sa", "namespace"), "ops");
  await writeFile(
    join(dir, "kubeconfig"),
    "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: k, cluster: {server: 'https://kube.example.test'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n",
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const podEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  HOME: join(dir, "home"),
  KUBERNETES_SERVICE_HOST: "10.96.0.1",
  KUBERNETES_SERVICE_PORT: "443",
  CHAOS_ACTION_SERVICE_ACCOUNT_DIR: join(dir, "sa"),
  ...extra,
});

describe("in-cluster", () => {
  it("reads the service account from CHAOS_ACTION_SERVICE_ACCOUNT_DIR", async () => {
    const { source, credentials } = await resolveConnection({ env: podEnv() });
    expect(source).toMatchObject({
      kind: "in-cluster",
      server: "https://10.96.0.1:443",
      user: "system:serviceaccount:ops:chaos",
      auth: "service account token",
      tlsVerify: true,
    });
    expect(credentials).toContain(
      `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: "system:serviceaccount:ops:chaos" })).toString("base64url")}.sig`,
    );
  });

  it("is chosen by --cluster in-cluster even when a kubeconfig is configured", async () => {
    const env = podEnv({ KUBECONFIG: join(dir, "kubeconfig") });
    expect((await resolveConnection({ env })).source.kind).toBe("kubeconfig-env");
    expect((await resolveConnection({ env, inClusterOnly: true })).source.kind).toBe("in-cluster");
  });

  it("says what is missing for --cluster in-cluster", async () => {
    await expect(
      resolveConnection({
        env: { HOME: dir, CHAOS_ACTION_SERVICE_ACCOUNT_DIR: join(dir, "none") },
        inClusterOnly: true,
      }),
    ).rejects.toThrow(
      `--cluster in-cluster asks for in-cluster credentials, but no service-account token at ${join(dir, "none", "token")} and KUBERNETES_SERVICE_HOST is not set.`,
    );
  });
});

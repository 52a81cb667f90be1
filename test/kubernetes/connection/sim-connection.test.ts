// Connecting to the simulated cluster over real HTTPS with each kind of credential, and the
// explanations users get when it goes wrong (401, 403, TLS without a CA).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterError, explainClusterError } from "../../../src/kubernetes/cluster-errors.ts";
import {
  type ConnectionInfo,
  createKubernetesService,
  formatConnectionInfo,
  resolveConnection,
} from "../../../src/kubernetes/connection.ts";
import { startSimCluster } from "../../../src/sim/index.ts";

type Sim = Awaited<ReturnType<typeof startSimCluster>>;

let dir: string;
const sims: Sim[] = [];

async function sim(options: Parameters<typeof startSimCluster>[0]): Promise<Sim> {
  const started = await startSimCluster(options);
  sims.push(started);
  return started;
}

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chaos-sim-connection-"));
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("client certificates over TLS", () => {
  let cluster: Sim;
  beforeAll(async () => {
    cluster = await sim({ tls: true, auth: "client-cert" });
  });

  it("connects with KUBERNETES_HOST + KUBERNETES_CERT_FILE/KEY_FILE + KUBERNETES_CA_CERT_FILE", async () => {
    const env = {
      KUBERNETES_HOST: cluster.url,
      KUBERNETES_CERT_FILE: await file("client.crt", cluster.credentials.clientCertPem!),
      KUBERNETES_KEY_FILE: await file("client.key", cluster.credentials.clientKeyPem!),
      KUBERNETES_CA_CERT_FILE: await file("ca.crt", cluster.credentials.caPem!),
    };
    const seen: ConnectionInfo[] = [];
    const service = createKubernetesService({ env, onConnect: (info) => seen.push(info) });
    const kc = await service.connect();
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "default" });
    expect(Array.isArray(pods.items)).toBe(true);
    const info = service.info();
    expect(info?.source).toMatchObject({
      kind: "env",
      auth: "client certificate",
      tlsVerify: true,
      server: cluster.url,
    });
    expect(info?.serverVersion).toMatch(/^v\d+\.\d+/);
    expect(info?.nodeCount).toBeGreaterThan(0);
    expect(seen).toEqual([info]);
    expect(formatConnectionInfo(info!)).toMatch(/\(server v\d+\.\d+\S*, \d+ nodes?\)$/);
  });

  it("connects with the sim's kubeconfig given as a file", async () => {
    const path = await file("sim-kubeconfig.yaml", cluster.kubeconfig);
    const service = createKubernetesService({ kubeconfig: path, env: {} });
    await service.connect();
    expect(service.info()?.source).toMatchObject({ kind: "kubeconfig-flag", path, tlsVerify: true });
  });

  it("without a CA, explains the TLS failure and names the fixes", async () => {
    const service = createKubernetesService({
      env: {
        KUBERNETES_HOST: cluster.url,
        KUBERNETES_CERT_FILE: await file("client2.crt", cluster.credentials.clientCertPem!),
        KUBERNETES_KEY_FILE: await file("client2.key", cluster.credentials.clientKeyPem!),
      },
    });
    const attempt = service.connect();
    await expect(attempt).rejects.toThrow(ClusterError);
    await expect(attempt).rejects.toMatchObject({ kind: "tls" });
    await expect(attempt).rejects.toThrow(
      /Could not verify the TLS certificate of the Kubernetes API server/,
    );
    await expect(attempt).rejects.toThrow(/KUBERNETES_CA_CERT_FILE.*KUBERNETES_VERIFY_SSL=false/s);
  });

  it("without a client certificate, says no credentials were sent", async () => {
    const service = createKubernetesService({
      env: {
        KUBERNETES_HOST: cluster.url,
        KUBERNETES_CA_CERT_FILE: await file("ca-only.crt", cluster.credentials.caPem!),
      },
    });
    const attempt = service.connect();
    await expect(attempt).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    await expect(attempt).rejects.toThrow(
      'user "anonymous" (no credentials): 401 Unauthorized. No credentials were sent',
    );
  });

  it("with KUBERNETES_VERIFY_SSL=false, connects without a CA and warns", async () => {
    const seen: ConnectionInfo[] = [];
    const service = createKubernetesService({
      env: {
        KUBERNETES_HOST: cluster.url,
        KUBERNETES_CERT_FILE: await file("client3.crt", cluster.credentials.clientCertPem!),
        KUBERNETES_KEY_FILE: await file("client3.key", cluster.credentials.clientKeyPem!),
        KUBERNETES_VERIFY_SSL: "false",
      },
      onConnect: (info) => seen.push(info),
    });
    await service.connect();
    expect(seen[0]?.source.tlsVerify).toBe(false);
    expect(seen[0]?.warnings).toEqual([expect.stringContaining("TLS verification is OFF")]);
  });
});

describe("tokens and basic auth", () => {
  it("connects with KUBERNETES_API_KEY, and explains a wrong token as rejected credentials", async () => {
    const cluster = await sim({ tls: true, auth: "token" });
    const ca = await file("token-ca.crt", cluster.credentials.caPem!);
    const good = createKubernetesService({
      env: {
        KUBERNETES_HOST: cluster.url,
        KUBERNETES_API_KEY: cluster.credentials.token!,
        KUBERNETES_CA_CERT_FILE: ca,
      },
    });
    await good.connect();
    expect(good.info()?.source.auth).toBe("bearer token");

    const bad = createKubernetesService({
      env: { KUBERNETES_HOST: cluster.url, KUBERNETES_API_KEY: "wrong-token", KUBERNETES_CA_CERT_FILE: ca },
    });
    const attempt = bad.connect();
    await expect(attempt).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    await expect(attempt).rejects.toThrow(
      `The Kubernetes API server ${cluster.url} (from the KUBERNETES_HOST environment variable) rejected the credentials of user "api-key" (bearer token): 401 Unauthorized.`,
    );
  });

  it("connects with basic auth", async () => {
    const cluster = await sim({ tls: true, auth: "basic" });
    const env = {
      KUBERNETES_HOST: cluster.url,
      KUBERNETES_USERNAME: cluster.credentials.username!,
      KUBERNETES_PASSWORD: cluster.credentials.password!,
      KUBERNETES_CA_CERT_FILE: await file("basic-ca.crt", cluster.credentials.caPem!),
    };
    const service = createKubernetesService({ env });
    await service.connect();
    expect(service.info()?.source).toMatchObject({ auth: "basic auth", user: cluster.credentials.username! });
    const wrong = createKubernetesService({ env: { ...env, KUBERNETES_PASSWORD: "nope" } });
    await expect(wrong.connect()).rejects.toMatchObject({ kind: "unauthorized" });
  });

  it("caches one connection per distinct KUBERNETES_* secrets", async () => {
    const cluster = await sim({ tls: true, auth: "token" });
    const ca = await file("cache-ca.crt", cluster.credentials.caPem!);
    const connected: string[] = [];
    const service = createKubernetesService({
      env: {
        KUBERNETES_HOST: cluster.url,
        KUBERNETES_API_KEY: cluster.credentials.token!,
        KUBERNETES_CA_CERT_FILE: ca,
      },
      onConnect: (info) => connected.push(info.source.settingsFrom ?? ""),
    });
    const first = await service.connect();
    expect(await service.connect({ unrelated: "x" })).toBe(first);
    expect(await service.connect(undefined)).toBe(first);
    const viaSecrets = await service.connect({
      KUBERNETES_API_KEY: cluster.credentials.token!,
      KUBERNETES_HOST: cluster.url,
    });
    expect(viaSecrets).not.toBe(first);
    expect(
      await service.connect({ KUBERNETES_HOST: cluster.url, KUBERNETES_API_KEY: cluster.credentials.token! }),
    ).toBe(viaSecrets);
    expect(connected).toEqual(["environment", "secrets"]);
    expect(service.info()?.source.settingsFrom).toBe("environment");
  });
});

describe("RBAC refusals", () => {
  it("explains a 403 with the verb and resource RBAC must allow, and still connects without node access", async () => {
    const cluster = await sim({
      tls: true,
      auth: "token",
      deny: [
        { verb: "delete", resource: "pods", namespace: "default" },
        { verb: "list", resource: "nodes" },
      ],
    });
    const env = {
      KUBERNETES_HOST: cluster.url,
      KUBERNETES_API_KEY: cluster.credentials.token!,
      KUBERNETES_CA_CERT_FILE: await file("rbac-ca.crt", cluster.credentials.caPem!),
    };
    const { kc, source } = await resolveConnection({ env });
    const service = createKubernetesService({ env });
    await service.connect();
    expect(service.info()?.nodeCount).toBeUndefined();

    const core = kc.makeApiClient(CoreV1Api);
    const err = await core
      .deleteNamespacedPod({ name: "whatever", namespace: "default" })
      .catch((e: unknown) => e);
    const explained = explainClusterError(err, {
      verb: "delete",
      resource: "pods",
      namespace: "default",
      source,
    });
    expect(explained).toMatchObject({ kind: "forbidden", status: 403 });
    expect(explained.message).toContain(
      'RBAC must allow verb "delete" on resource "pods" (apiGroups: [""]) in namespace "default" for user "api-key" (bearer token).',
    );
    expect(explained.message).toContain("The server said:");
  });
});

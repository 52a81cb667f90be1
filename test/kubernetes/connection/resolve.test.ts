// Resolution of every connection source, without contacting a cluster: what was chosen, and what
// client-node will send (checked through its own applyToHTTPSOptions).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectionError,
  describeConnection,
  parseVerifySsl,
  resolveConnection,
} from "../../../src/kubernetes/connection.ts";

let dir: string;
let home: string;
let certPem: string;
let keyPem: string;

function kubeconfigYaml(options: {
  current?: string;
  clusters: Array<{ name: string; server: string; extra?: string }>;
  users: Array<{ name: string; body: string }>;
  contexts: Array<{ name: string; cluster: string; user: string; namespace?: string }>;
}): string {
  const lines = ["apiVersion: v1", "kind: Config"];
  if (options.current) lines.push(`current-context: ${options.current}`);
  lines.push("clusters:");
  for (const c of options.clusters) {
    lines.push(`- name: ${c.name}`, "  cluster:", `    server: ${c.server}`);
    if (c.extra) lines.push(`    ${c.extra}`);
  }
  lines.push("users:");
  for (const u of options.users) lines.push(`- name: ${u.name}`, "  user:", `    ${u.body}`);
  lines.push("contexts:");
  for (const c of options.contexts) {
    lines.push(`- name: ${c.name}`, "  context:", `    cluster: ${c.cluster}`, `    user: ${c.user}`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  return `${lines.join("\n")}\n`;
}

const twoContexts = kubeconfigYaml({
  current: "staging",
  clusters: [
    { name: "staging-cluster", server: "https://staging.example.test:6443" },
    { name: "prod-cluster", server: "https://prod.example.test:6443" },
  ],
  users: [
    { name: "stager", body: "token: staging-token" },
    { name: "prodder", body: "token: prod-token" },
  ],
  contexts: [
    { name: "staging", cluster: "staging-cluster", user: "stager" },
    { name: "prod", cluster: "prod-cluster", user: "prodder", namespace: "shop" },
  ],
});

async function headersOf(kc: KubeConfig): Promise<RequestOptions> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chaos-connection-"));
  home = join(dir, "home");
  await mkdir(join(home, ".kube"), { recursive: true });
  const pems = await generate([{ name: "commonName", value: "alice" }], { keyType: "ec" });
  certPem = pems.cert;
  keyPem = pems.private;
  await writeFile(join(dir, "two-contexts.yaml"), twoContexts);
  await writeFile(join(dir, "alice.crt"), certPem);
  await writeFile(join(dir, "alice.key"), keyPem);
  await writeFile(join(dir, "ca.crt"), certPem);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a kubeconfig file", () => {
  it("uses its current-context", async () => {
    const { kc, source } = await resolveConnection({ kubeconfig: join(dir, "two-contexts.yaml"), env: {} });
    expect(kc.getCurrentContext()).toBe("staging");
    expect(source).toEqual({
      kind: "kubeconfig-flag",
      path: join(dir, "two-contexts.yaml"),
      context: "staging",
      cluster: "staging-cluster",
      server: "https://staging.example.test:6443",
      user: "stager",
      auth: "bearer token",
      tlsVerify: true,
    });
    expect((await headersOf(kc)).headers).toMatchObject({ Authorization: "Bearer staging-token" });
  });

  it("selects the context named by KUBERNETES_CONTEXT", async () => {
    const { kc, source } = await resolveConnection({
      kubeconfig: join(dir, "two-contexts.yaml"),
      env: { KUBERNETES_CONTEXT: "prod" },
    });
    expect(source.context).toBe("prod");
    expect(source.server).toBe("https://prod.example.test:6443");
    expect(kc.getContextObject("prod")?.namespace).toBe("shop");
    expect((await headersOf(kc)).headers).toMatchObject({ Authorization: "Bearer prod-token" });
  });

  it("lets --context beat KUBERNETES_CONTEXT, and secrets beat the environment", async () => {
    const path = join(dir, "two-contexts.yaml");
    const flag = await resolveConnection({
      kubeconfig: path,
      context: "staging",
      env: { KUBERNETES_CONTEXT: "prod" },
    });
    expect(flag.source.context).toBe("staging");
    const secret = await resolveConnection({
      kubeconfig: path,
      env: { KUBERNETES_CONTEXT: "staging" },
      secrets: { KUBERNETES_CONTEXT: "prod" },
    });
    expect(secret.source.context).toBe("prod");
  });

  it("refuses an unknown context, listing the available ones", async () => {
    const attempt = resolveConnection({
      kubeconfig: join(dir, "two-contexts.yaml"),
      env: { KUBERNETES_CONTEXT: "qa" },
    });
    await expect(attempt).rejects.toThrow(ConnectionError);
    await expect(attempt).rejects.toThrow(
      `Context "qa" (from KUBERNETES_CONTEXT) is not in the kubeconfig ${join(dir, "two-contexts.yaml")}; available contexts: staging, prod.`,
    );
  });

  it("says which file is missing or broken", async () => {
    await expect(resolveConnection({ kubeconfig: join(dir, "nope.yaml"), env: {} })).rejects.toThrow(
      `--kubeconfig names ${join(dir, "nope.yaml")}, which cannot be read: the file does not exist.`,
    );
    await writeFile(join(dir, "broken.yaml"), "clusters:\n- cluster:\n    server: https://x\n");
    await expect(resolveConnection({ kubeconfig: join(dir, "broken.yaml"), env: {} })).rejects.toThrow(
      `The kubeconfig ${join(dir, "broken.yaml")} is not a valid kubeconfig: clusters[0].name is missing`,
    );
  });

  it("asks for a context when the file sets none", async () => {
    await writeFile(
      join(dir, "no-current.yaml"),
      kubeconfigYaml({
        clusters: [{ name: "c", server: "https://c.example.test" }],
        users: [{ name: "u", body: "token: t" }],
        contexts: [{ name: "only", cluster: "c", user: "u" }],
      }),
    );
    await expect(resolveConnection({ kubeconfig: join(dir, "no-current.yaml"), env: {} })).rejects.toThrow(
      "sets no current-context; choose one with --context or KUBERNETES_CONTEXT (available: only)",
    );
  });

  it("names a kubeconfig file by the label it is given (the action's input, a kind cluster)", async () => {
    const file = join(dir, "two-contexts.yaml");
    const { source } = await resolveConnection({
      kubeconfig: file,
      kubeconfigLabel: "the kubeconfig input",
      env: {},
    });
    expect(describeConnection(source)).toBe(
      `Kubernetes: context "staging" on cluster "staging-cluster" at https://staging.example.test:6443 as user "stager" (bearer token), from the kubeconfig input (${file})`,
    );
  });

  it("accepts kubeconfig content (the action's input)", async () => {
    const { source } = await resolveConnection({ kubeconfigContent: twoContexts, context: "prod", env: {} });
    expect(source).toMatchObject({ kind: "kubeconfig-content", context: "prod", user: "prodder" });
    expect(source.path).toBeUndefined();
    const labelled = await resolveConnection({
      kubeconfigContent: twoContexts,
      kubeconfigContentLabel: "the simulated cluster",
      env: {},
    });
    expect(describeConnection(labelled.source)).toBe(
      'Kubernetes: context "staging" on cluster "staging-cluster" at https://staging.example.test:6443 as user "stager" (bearer token), from the simulated cluster',
    );
    await expect(
      resolveConnection({
        kubeconfigContent: twoContexts,
        kubeconfigContentLabel: "the simulated cluster",
        context: "x",
        env: {},
      }),
    ).rejects.toThrow(
      'Context "x" (from --context) is not in the kubeconfig of the simulated cluster; available contexts: staging, prod.',
    );
  });

  it("warns loudly about insecure-skip-tls-verify", async () => {
    const insecure = kubeconfigYaml({
      current: "x",
      clusters: [{ name: "c", server: "https://c.example.test", extra: "insecure-skip-tls-verify: true" }],
      users: [{ name: "u", body: "token: t" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
    });
    const { source, warnings } = await resolveConnection({ kubeconfigContent: insecure, env: {} });
    expect(source.tlsVerify).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(/^WARNING: TLS verification is OFF for https:\/\/c.example.test/),
    ]);
  });
});

describe("KUBECONFIG with several paths", () => {
  it("merges them as kubectl does: first definition and first current-context win, missing files skipped", async () => {
    const first = join(dir, "merge-a.yaml");
    const second = join(dir, "sub", "merge-b.yaml");
    await mkdir(join(dir, "sub"), { recursive: true });
    await writeFile(
      first,
      kubeconfigYaml({
        current: "a",
        clusters: [{ name: "shared", server: "https://first.example.test" }],
        users: [{ name: "ua", body: "token: ta" }],
        contexts: [{ name: "a", cluster: "shared", user: "ua" }],
      }),
    );
    await writeFile(
      second,
      kubeconfigYaml({
        current: "b",
        clusters: [
          { name: "shared", server: "https://second.example.test" },
          { name: "own", server: "https://own.example.test" },
        ],
        users: [
          { name: "ua", body: "token: overridden" },
          { name: "ub", body: "client-certificate: ../alice.crt\n    client-key: ../alice.key" },
        ],
        contexts: [
          { name: "a", cluster: "own", user: "ub" },
          { name: "b", cluster: "own", user: "ub" },
        ],
      }),
    );
    const KUBECONFIG = [first, join(dir, "missing.yaml"), second].join(delimiter);
    const merged = await resolveConnection({ env: { KUBECONFIG } });
    expect(merged.source).toMatchObject({
      kind: "kubeconfig-env",
      path: [first, second].join(delimiter),
      context: "a",
      server: "https://first.example.test",
      user: "ua",
    });
    expect((await headersOf(merged.kc)).headers).toMatchObject({ Authorization: "Bearer ta" });
    expect(merged.kc.getContexts().map((c) => c.name)).toEqual(["a", "b"]);

    // the second file's relative certificate paths resolve against its own directory
    const other = await resolveConnection({ env: { KUBECONFIG, KUBERNETES_CONTEXT: "b" } });
    expect(other.source).toMatchObject({ server: "https://own.example.test", auth: "client certificate" });
    expect(other.kc.getCurrentUser()?.certFile).toBe(join(dir, "alice.crt"));
    expect((await headersOf(other.kc)).cert?.toString()).toBe(certPem);
  });

  it("fails clearly when none of the files exists", async () => {
    const KUBECONFIG = [join(dir, "x.yaml"), join(dir, "y.yaml")].join(delimiter);
    await expect(resolveConnection({ env: { KUBECONFIG } })).rejects.toThrow(
      `KUBECONFIG names ${join(dir, "x.yaml")}, ${join(dir, "y.yaml")}, but none of these files exists.`,
    );
  });
});

describe("KUBERNETES_HOST and friends", () => {
  it("uses an API key as a bearer token", async () => {
    const { kc, source, warnings } = await resolveConnection({
      env: { KUBERNETES_HOST: "https://10.0.0.1:6443", KUBERNETES_API_KEY: "s3cret" },
    });
    expect(source).toEqual({
      kind: "env",
      settingsFrom: "environment",
      cluster: "kubernetes-host",
      server: "https://10.0.0.1:6443",
      user: "api-key",
      auth: "bearer token",
      tlsVerify: true,
    });
    expect(JSON.stringify(source)).not.toContain("s3cret");
    expect(warnings).toEqual([]);
    expect((await headersOf(kc)).headers).toMatchObject({ Authorization: "Bearer s3cret" });
  });

  it("honours KUBERNETES_API_KEY_PREFIX", async () => {
    const { kc } = await resolveConnection({
      env: {
        KUBERNETES_HOST: "https://10.0.0.1",
        KUBERNETES_API_KEY: "k",
        KUBERNETES_API_KEY_PREFIX: "Token",
      },
    });
    expect((await headersOf(kc)).headers).toMatchObject({ Authorization: "Token k" });
  });

  it("uses a client certificate and key, named by the certificate's CN", async () => {
    const { kc, source } = await resolveConnection({
      env: {
        KUBERNETES_HOST: "192.168.64.20:8443",
        KUBERNETES_CERT_FILE: join(dir, "alice.crt"),
        KUBERNETES_KEY_FILE: join(dir, "alice.key"),
      },
    });
    expect(source).toMatchObject({
      server: "https://192.168.64.20:8443",
      user: "alice",
      auth: "client certificate",
    });
    const opts = await headersOf(kc);
    expect(opts.cert?.toString()).toBe(certPem);
    expect(opts.key?.toString()).toBe(keyPem);
  });

  it("expands ~ in file settings", async () => {
    await writeFile(join(home, "client.crt"), certPem);
    await writeFile(join(home, "client.key"), keyPem);
    const { source } = await resolveConnection({
      env: {
        HOME: home,
        KUBERNETES_HOST: "https://h",
        KUBERNETES_CERT_FILE: "~/client.crt",
        KUBERNETES_KEY_FILE: "~/client.key",
      },
    });
    expect(source.user).toBe("alice");
  });

  it("names the setting whose file is missing, and a certificate without its key", async () => {
    await expect(
      resolveConnection({
        env: {
          KUBERNETES_HOST: "https://h",
          KUBERNETES_CERT_FILE: join(dir, "gone.crt"),
          KUBERNETES_KEY_FILE: join(dir, "alice.key"),
        },
      }),
    ).rejects.toThrow(
      `KUBERNETES_CERT_FILE names ${join(dir, "gone.crt")}, which cannot be read: the file does not exist.`,
    );
    await expect(
      resolveConnection({
        env: { KUBERNETES_HOST: "https://h", KUBERNETES_CERT_FILE: join(dir, "alice.crt") },
      }),
    ).rejects.toThrow("KUBERNETES_CERT_FILE is set but KUBERNETES_KEY_FILE is not");
  });

  it("uses basic auth", async () => {
    const { kc, source } = await resolveConnection({
      env: { KUBERNETES_HOST: "https://h", KUBERNETES_USERNAME: "bob", KUBERNETES_PASSWORD: "pw" },
    });
    expect(source).toMatchObject({ user: "bob", auth: "basic auth" });
    expect(JSON.stringify(source)).not.toContain("pw");
    expect((await headersOf(kc)).auth).toBe("bob:pw");
  });

  it("prefers the API key over a certificate over basic auth, as Chaos Toolkit does", async () => {
    const { source } = await resolveConnection({
      env: {
        KUBERNETES_HOST: "https://h",
        KUBERNETES_API_KEY: "k",
        KUBERNETES_CERT_FILE: join(dir, "alice.crt"),
        KUBERNETES_USERNAME: "bob",
      },
    });
    expect(source.auth).toBe("bearer token");
  });

  it("warns when no credentials are given", async () => {
    const { source, warnings } = await resolveConnection({ env: { KUBERNETES_HOST: "https://h" } });
    expect(source.auth).toBe("no credentials");
    expect(warnings).toEqual([expect.stringContaining("requests to https://h are anonymous")]);
  });

  it("trusts the CA in KUBERNETES_CA_CERT_FILE", async () => {
    const { kc, source } = await resolveConnection({
      env: {
        KUBERNETES_HOST: "https://h",
        KUBERNETES_API_KEY: "k",
        KUBERNETES_CA_CERT_FILE: join(dir, "ca.crt"),
      },
    });
    expect(source.tlsVerify).toBe(true);
    const opts = await headersOf(kc);
    expect(opts.ca?.toString()).toBe(certPem);
    expect(opts.rejectUnauthorized).toBeUndefined();
  });

  it.each(["false", "0", "no", "NO", " False "])(
    "KUBERNETES_VERIFY_SSL=%j turns verification off, loudly",
    async (value) => {
      const { kc, source, warnings } = await resolveConnection({
        env: { KUBERNETES_HOST: "https://h", KUBERNETES_API_KEY: "k", KUBERNETES_VERIFY_SSL: value },
      });
      expect(source.tlsVerify).toBe(false);
      expect(warnings).toEqual([
        expect.stringMatching(/^WARNING: TLS verification is OFF for https:\/\/h \(KUBERNETES_VERIFY_SSL=/),
      ]);
      expect((await headersOf(kc)).rejectUnauthorized).toBe(false);
      expect(describeConnection(source)).toContain("TLS verification OFF");
    },
  );

  it.each(["true", "1", "yes", "anything"])(
    "KUBERNETES_VERIFY_SSL=%j keeps verification on",
    async (value) => {
      const { kc, source, warnings } = await resolveConnection({
        env: { KUBERNETES_HOST: "https://h", KUBERNETES_API_KEY: "k", KUBERNETES_VERIFY_SSL: value },
      });
      expect(source.tlsVerify).toBe(true);
      expect(warnings).toEqual([]);
      expect((await headersOf(kc)).rejectUnauthorized).toBeUndefined();
    },
  );

  it("parses KUBERNETES_VERIFY_SSL", () => {
    expect(parseVerifySsl(undefined)).toBe(true);
    expect(parseVerifySsl("no")).toBe(false);
    expect(parseVerifySsl("")).toBe(true);
  });

  it("lets the experiment's secrets override the environment", async () => {
    const { kc, source } = await resolveConnection({
      env: { KUBERNETES_HOST: "https://from-env", KUBERNETES_API_KEY: "env-key" },
      secrets: {
        KUBERNETES_HOST: "https://from-secrets",
        KUBERNETES_API_KEY: "secret-key",
        unrelated: { x: 1 },
      },
    });
    expect(source).toMatchObject({ server: "https://from-secrets", settingsFrom: "secrets" });
    expect((await headersOf(kc)).headers).toMatchObject({ Authorization: "Bearer secret-key" });
    expect(describeConnection(source)).toBe(
      'Kubernetes: https://from-secrets as user "api-key" (bearer token), from KUBERNETES_HOST in the experiment\'s secrets',
    );
  });

  it("ignores a context with a warning, and accepts plain HTTP on loopback", async () => {
    const { source, warnings } = await resolveConnection({
      env: { KUBERNETES_HOST: "http://127.0.0.1:8001", KUBERNETES_CONTEXT: "prod" },
    });
    expect(source.tlsVerify).toBe(false);
    expect(warnings).toEqual([
      expect.stringContaining("anonymous"),
      'KUBERNETES_CONTEXT "prod" is ignored: the connection comes from KUBERNETES_HOST, which has no kubeconfig contexts.',
    ]);
    expect(describeConnection(source)).toContain("; plain HTTP");
  });
});

describe("in-cluster", () => {
  async function serviceAccount(name: string, withToken = true) {
    const saDir = join(dir, name);
    await mkdir(saDir, { recursive: true });
    const claims = Buffer.from(JSON.stringify({ sub: "system:serviceaccount:chaos:runner" })).toString(
      "base64url",
    );
    if (withToken) await writeFile(join(saDir, "token"), `eyJhbGciOiJSUzI1NiJ9.${claims}.signature`);
    await writeFile(join(saDir, "ca.crt"), certPem);
    await writeFile(join(saDir, "namespace"), "chaos\n");
    return {
      tokenPath: join(saDir, "token"),
      caPath: join(saDir, "ca.crt"),
      namespacePath: join(saDir, "namespace"),
    };
  }

  it("uses the service account's token and CA when they exist", async () => {
    const paths = await serviceAccount("sa");
    const { kc, source } = await resolveConnection({
      env: { HOME: home, KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
      inCluster: paths,
    });
    expect(source).toEqual({
      kind: "in-cluster",
      cluster: "in-cluster",
      server: "https://10.96.0.1:443",
      user: "system:serviceaccount:chaos:runner",
      auth: "service account token",
      tlsVerify: true,
    });
    expect(kc.getContextObject("in-cluster")?.namespace).toBe("chaos");
    const opts = await headersOf(kc);
    expect(String((opts.headers as Record<string, unknown>).Authorization)).toMatch(
      /^Bearer eyJhbGciOiJSUzI1NiJ9\./,
    );
    expect(opts.ca?.toString()).toBe(certPem);
  });

  it("is what CHAOSTOOLKIT_IN_POD=true asks for, and says what is missing", async () => {
    const paths = await serviceAccount("sa-no-token", false);
    await expect(
      resolveConnection({ env: { HOME: home, CHAOSTOOLKIT_IN_POD: "true" }, inCluster: paths }),
    ).rejects.toThrow(
      `CHAOSTOOLKIT_IN_POD=true asks for in-cluster credentials, but no service-account token at ${paths.tokenPath} and KUBERNETES_SERVICE_HOST is not set.`,
    );
  });
});

describe("precedence: explicit beats implicit", () => {
  it("--kubeconfig beats KUBERNETES_HOST, which beats KUBECONFIG, which beats ~/.kube/config", async () => {
    const homeConfig = join(home, ".kube", "config");
    await writeFile(homeConfig, twoContexts);
    const env = {
      HOME: home,
      KUBERNETES_HOST: "https://from-host",
      KUBERNETES_API_KEY: "k",
      KUBECONFIG: join(dir, "merge-a.yaml"),
    };
    const flag = await resolveConnection({ kubeconfig: join(dir, "two-contexts.yaml"), env });
    expect(flag.source.kind).toBe("kubeconfig-flag");
    const host = await resolveConnection({ env });
    expect(host.source.kind).toBe("env");
    const { KUBERNETES_HOST: _h, ...withoutHost } = env;
    const kubeconfigEnv = await resolveConnection({ env: withoutHost });
    expect(kubeconfigEnv.source).toMatchObject({
      kind: "kubeconfig-env",
      server: "https://first.example.test",
    });
    const { KUBECONFIG: _k, ...onlyHome } = withoutHost;
    const fromHome = await resolveConnection({ env: onlyHome });
    expect(fromHome.source).toMatchObject({ kind: "kubeconfig-home", path: homeConfig, context: "staging" });
    expect(describeConnection(fromHome.source)).toBe(
      `Kubernetes: context "staging" on cluster "staging-cluster" at https://staging.example.test:6443 as user "stager" (bearer token), from the kubeconfig ${homeConfig}`,
    );
    await rm(homeConfig);
  });

  it("explains that nothing is configured", async () => {
    const emptyHome = join(dir, "empty-home");
    await mkdir(emptyHome, { recursive: true });
    await expect(
      resolveConnection({ env: { HOME: emptyHome }, inCluster: { tokenPath: join(dir, "no-token") } }),
    ).rejects.toThrow(
      `No Kubernetes cluster configured: no kubeconfig at ${join(emptyHome, ".kube", "config")}, no service-account token at ${join(dir, "no-token")}; and neither --kubeconfig, KUBERNETES_HOST nor KUBECONFIG is set.`,
    );
  });
});

// Finding the cluster: explicit beats implicit (DESIGN.md → Contracts → Connecting to a cluster).
//   1. --kubeconfig file / kubeconfig content
//   2. KUBERNETES_HOST (+ API key, client certificate or basic auth), Chaos Toolkit's variables
//   3. KUBECONFIG (several paths merged as kubectl merges them)
//   4. ~/.kube/config
//   5. in-cluster (service-account token, or CHAOSTOOLKIT_IN_POD=true)
// Experiment secrets override the environment for KUBERNETES_* keys. @kubernetes/client-node is loaded
// only when a connection is resolved, so importing this module stays cheap.
import { X509Certificate } from "node:crypto";
import { readFile as fsReadFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import type { Cluster, Context, KubeConfig, User } from "@kubernetes/client-node";
import { errorMessage } from "../common/error-message.ts";
import { isSecretName, urlCredentials, withoutUserInfo } from "../experiment/redact.ts";
import { type ClientNode, clientNode, clusterKubeConfig } from "./cluster-client.ts";
import { explainClusterError } from "./cluster-errors.ts";
import { proxyFromEnvironment, proxyLabel } from "./cluster-proxy.ts";
import { ConnectionError } from "./connection-error.ts";
import { execAuthenticator, withExecAuth } from "./connection-exec.ts";
import { type ConnectionSource, type ConnectionSourceKind, sourceLabel } from "./connection-source.ts";
import { serverAddressProblem } from "./server-address.ts";

export type { ConnectionSource, ConnectionSourceKind };
export { ConnectionError };

export interface InClusterPaths {
  tokenPath: string;
  caPath: string;
  namespacePath: string;
}

/** Where a pod's service-account files are mounted. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Overrides SERVICE_ACCOUNT_DIR: a directory holding `token`, `ca.crt` and `namespace` (tests, unusual mounts). */
export const SERVICE_ACCOUNT_DIR_VARIABLE = "CHAOS_ACTION_SERVICE_ACCOUNT_DIR";

export function inClusterPathsIn(dir: string): InClusterPaths {
  return {
    tokenPath: join(dir, "token"),
    caPath: join(dir, "ca.crt"),
    namespacePath: join(dir, "namespace"),
  };
}

export const DEFAULT_IN_CLUSTER_PATHS: InClusterPaths = inClusterPathsIn(SERVICE_ACCOUNT_DIR);

export interface ConnectionOptions {
  /** --kubeconfig: path of a kubeconfig file. */
  kubeconfig?: string;
  /** The action's `kubeconfig` input (or the simulated cluster's kubeconfig): the file's content. */
  kubeconfigContent?: string;
  /** How logs name that content, e.g. "the simulated cluster"; default "the kubeconfig given as content". */
  kubeconfigContentLabel?: string;
  /** How logs name the `kubeconfig` file, e.g. "the action's kubeconfig input"; default "--kubeconfig". */
  kubeconfigLabel?: string;
  /** --context; beats KUBERNETES_CONTEXT. */
  context?: string;
  env: NodeJS.ProcessEnv;
  /** The activity's secrets, merged flat; their KUBERNETES_* keys override the environment. */
  secrets?: Record<string, unknown>;
  readFile?: (path: string) => Promise<string>;
  /** Service-account files (tests point them at a temp directory); else $CHAOS_ACTION_SERVICE_ACCOUNT_DIR, else the pod's. */
  inCluster?: Partial<InClusterPaths>;
  /** `--cluster in-cluster`: the pod's service account and nothing else, whatever else is configured. */
  inClusterOnly?: boolean;
  /** Home directory for ~/.kube/config and `~` in paths; default env.HOME, else the OS's. */
  homeDir?: string;
  /** Called with each token or key an exec plugin hands out, before a request carries it. */
  onExecCredentials?: (credentials: string[]) => void;
}

export interface ResolvedConnection {
  kc: KubeConfig;
  source: ConnectionSource;
  warnings: string[];
  /**
   * Every credential of the connection (token, password, client key and certificate, user-info in the
   * server URL), for masking before anything about the connection is printed.
   */
  credentials: string[];
}

/** Keys an experiment's secrets may set (Chaos Toolkit's `lookup`); KUBECONFIG and CHAOSTOOLKIT_IN_POD are environment-only. */
export const KUBERNETES_SETTING_KEYS = [
  "KUBERNETES_HOST",
  "KUBERNETES_API_KEY",
  "KUBERNETES_API_KEY_PREFIX",
  "KUBERNETES_CERT_FILE",
  "KUBERNETES_KEY_FILE",
  "KUBERNETES_USERNAME",
  "KUBERNETES_PASSWORD",
  "KUBERNETES_CA_CERT_FILE",
  "KUBERNETES_VERIFY_SSL",
  "KUBERNETES_CONTEXT",
] as const;

type SettingKey = (typeof KUBERNETES_SETTING_KEYS)[number];

interface Setting {
  value: string;
  from: "secrets" | "environment";
}

function secretString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function makeLookup(env: NodeJS.ProcessEnv, secrets: Record<string, unknown> | undefined) {
  return (key: SettingKey): Setting | undefined => {
    const secret = secrets ? secretString(secrets[key]) : undefined;
    if (secret !== undefined && secret !== "") return { value: secret, from: "secrets" };
    const fromEnv = env[key];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: "environment" };
    return undefined;
  };
}

/** `false`, `0` and `no` turn verification off; anything else (or nothing) keeps it on. */
export function parseVerifySsl(value: string | undefined): boolean {
  if (value === undefined) return true;
  return !["false", "0", "no"].includes(value.trim().toLowerCase());
}

function settingLabel(key: SettingKey, setting: Setting): string {
  return setting.from === "secrets" ? `${key} (from the experiment's secrets)` : key;
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

interface Io {
  readFile: (path: string) => Promise<string>;
  home: string;
}

function expandHome(path: string, io: Io): string {
  if (path === "~") return io.home;
  if (path.startsWith("~/")) return join(io.home, path.slice(2));
  return path;
}

async function readOptional(path: string, io: Io): Promise<string | undefined> {
  try {
    return await io.readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new ConnectionError(`Cannot read ${path}: ${errorMessage(err)}`);
  }
}

async function readRequired(path: string, what: string, io: Io): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (err) {
    const why = isNotFound(err) ? "the file does not exist" : errorMessage(err);
    throw new ConnectionError(`${what} names ${path}, which cannot be read: ${why}.`);
  }
}

interface ParsedKubeconfig {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string | undefined;
}

/** Parses one kubeconfig with client-node's own loader; relative file references resolve against `dir`. */
function parseKubeconfig(
  client: ClientNode,
  text: string,
  where: string,
  dir: string | undefined,
): ParsedKubeconfig {
  if (text.trim() === "") return { clusters: [], users: [], contexts: [], currentContext: undefined };
  const kc = new client.KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new ConnectionError(`${where} is not a valid kubeconfig: ${errorMessage(err)}`);
  }
  if (dir) kc.makePathsAbsolute(dir);
  return {
    clusters: kc.getClusters() ?? [],
    users: kc.getUsers() ?? [],
    contexts: kc.getContexts() ?? [],
    currentContext: kc.getCurrentContext() || undefined,
  };
}

/** kubectl's merge: the first file to define a name wins, and the first current-context set wins. */
function mergeKubeconfigs(files: readonly ParsedKubeconfig[]): ParsedKubeconfig {
  const merged: ParsedKubeconfig = { clusters: [], users: [], contexts: [], currentContext: undefined };
  const addNew = <T extends { name: string }>(into: T[], items: readonly T[]) => {
    for (const item of items) if (!into.some((i) => i.name === item.name)) into.push(item);
  };
  for (const file of files) {
    addNew(merged.clusters, file.clusters);
    addNew(merged.users, file.users);
    addNew(merged.contexts, file.contexts);
    merged.currentContext ??= file.currentContext;
  }
  return merged;
}

interface KubeconfigChoice {
  config: ParsedKubeconfig;
  kind: ConnectionSourceKind;
  path?: string;
  where: string;
}

async function loadKubeconfigFiles(
  client: ClientNode,
  paths: readonly string[],
  io: Io,
): Promise<{ parsed: ParsedKubeconfig[]; found: string[] }> {
  const parsed: ParsedKubeconfig[] = [];
  const found: string[] = [];
  for (const raw of paths) {
    const path = resolve(expandHome(raw, io));
    const text = await readOptional(path, io);
    if (text === undefined) continue;
    found.push(path);
    parsed.push(parseKubeconfig(client, text, `The kubeconfig ${path}`, dirname(path)));
  }
  return { parsed, found };
}

function selectContext(
  choice: KubeconfigChoice,
  requested: { name: string; label: string } | undefined,
): Context {
  const { config } = choice;
  const available = config.contexts.map((c) => c.name);
  const list = available.length > 0 ? available.join(", ") : "none";
  const name = requested?.name ?? config.currentContext;
  if (!name) {
    throw new ConnectionError(
      `${choice.where} sets no current-context; choose one with --context or KUBERNETES_CONTEXT (available: ${list}).`,
    );
  }
  const context = config.contexts.find((c) => c.name === name);
  if (!context) {
    const by = requested ? requested.label : "its current-context";
    throw new ConnectionError(
      `Context "${name}" (from ${by}) is not in ${choice.where}; available contexts: ${list}.`,
    );
  }
  if (!config.clusters.some((c) => c.name === context.cluster)) {
    throw new ConnectionError(
      `Context "${name}" in ${choice.where} refers to cluster "${context.cluster}", which is not defined there.`,
    );
  }
  if (context.user && !config.users.some((u) => u.name === context.user)) {
    throw new ConnectionError(
      `Context "${name}" in ${choice.where} refers to user "${context.user}", which is not defined there.`,
    );
  }
  return context;
}

function describeAuth(user: User | null | undefined): string {
  if (!user) return "no credentials";
  if (user.exec) return `exec plugin ${String((user.exec as { command?: unknown }).command ?? "")}`.trim();
  const provider = user.authProvider as { name?: string; config?: { tokenFile?: string } } | undefined | null;
  if (provider?.config?.tokenFile) return "service account token";
  if (provider?.name) return `auth provider ${provider.name}`;
  if (user.token) return "bearer token";
  if (user.certData || user.certFile) return "client certificate";
  if (user.username) return "basic auth";
  return "no credentials";
}

function isLoopback(server: string): boolean {
  try {
    const host = new URL(server).hostname;
    return host === "localhost" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

const isPlainHttp = (server: string): boolean => server.startsWith("http:");

function commonName(certPem: string): string | undefined {
  try {
    const subject = new X509Certificate(certPem).subject;
    return /^CN=(.*)$/m.exec(subject)?.[1];
  } catch {
    return undefined;
  }
}

/** The subject of a service-account JWT (not a secret: it names the account). */
function tokenSubject(token: string): string | undefined {
  const payload = token.trim().split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

const API_KEY_AUTH = "chaos-action-api-key";

/** Sends `Authorization: <prefix> <key>` for KUBERNETES_API_KEY_PREFIX values other than Bearer. */
const apiKeyAuthenticator: Parameters<KubeConfig["addAuthenticator"]>[0] = {
  isAuthProvider: (user) => (user.authProvider as { name?: string } | undefined)?.name === API_KEY_AUTH,
  applyAuthentication: async (user, opts) => {
    const config = (user.authProvider as { config: { prefix: string; key: string } }).config;
    // client-node creates the headers object before calling authenticators
    (opts.headers as Record<string, string>).Authorization = `${config.prefix} ${config.key}`;
  },
};

interface Built {
  config: ParsedKubeconfig;
  /** What the config does not hold itself: the service-account token behind a token file. */
  credentials?: string[];
  source: Omit<ConnectionSource, "tlsVerify" | "server" | "auth" | "cluster" | "context"> & { user?: string };
}

async function buildFromHost(
  host: Setting,
  lookup: ReturnType<typeof makeLookup>,
  io: Io,
  warnings: string[],
) {
  const server = (/^https?:\/\//.test(host.value) ? host.value : `https://${host.value}`).replace(/\/$/, "");
  const apiKey = lookup("KUBERNETES_API_KEY");
  const certFile = lookup("KUBERNETES_CERT_FILE");
  const username = lookup("KUBERNETES_USERNAME");
  let user: User;
  let userName: string | undefined;
  if (apiKey) {
    const prefix = lookup("KUBERNETES_API_KEY_PREFIX")?.value ?? "Bearer";
    user =
      prefix.toLowerCase() === "bearer"
        ? { name: "api-key", token: apiKey.value }
        : { name: "api-key", authProvider: { name: API_KEY_AUTH, config: { prefix, key: apiKey.value } } };
  } else if (certFile) {
    const keyFile = lookup("KUBERNETES_KEY_FILE");
    if (!keyFile) {
      throw new ConnectionError(
        `${settingLabel("KUBERNETES_CERT_FILE", certFile)} is set but KUBERNETES_KEY_FILE is not: a client certificate needs its private key.`,
      );
    }
    const certPem = await readRequired(
      expandHome(certFile.value, io),
      settingLabel("KUBERNETES_CERT_FILE", certFile),
      io,
    );
    const keyPem = await readRequired(
      expandHome(keyFile.value, io),
      settingLabel("KUBERNETES_KEY_FILE", keyFile),
      io,
    );
    userName = commonName(certPem);
    user = { name: userName ?? "client-certificate", certData: base64(certPem), keyData: base64(keyPem) };
  } else if (username) {
    userName = username.value;
    user = {
      name: username.value,
      username: username.value,
      password: lookup("KUBERNETES_PASSWORD")?.value ?? "",
    };
  } else {
    user = { name: "anonymous" };
    warnings.push(
      `${settingLabel("KUBERNETES_HOST", host)} is set without KUBERNETES_API_KEY, KUBERNETES_CERT_FILE or KUBERNETES_USERNAME: requests to ${server} are anonymous.`,
    );
  }
  const cluster: Cluster = { name: "kubernetes-host", server, skipTLSVerify: false };
  const built: Built = {
    config: {
      clusters: [cluster],
      users: [user],
      contexts: [{ name: "kubernetes-host", cluster: cluster.name, user: user.name }],
      currentContext: "kubernetes-host",
    },
    source: { kind: "env", settingsFrom: host.from, ...(userName ? { user: userName } : {}) },
  };
  return built;
}

async function buildInCluster(
  env: NodeJS.ProcessEnv,
  paths: InClusterPaths,
  io: Io,
  required: string | undefined,
) {
  const token = await readOptional(paths.tokenPath, io);
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT || "443";
  if (token === undefined || !host) {
    if (!required) return undefined;
    const missing = [
      token === undefined ? `no service-account token at ${paths.tokenPath}` : undefined,
      host ? undefined : "KUBERNETES_SERVICE_HOST is not set",
    ].filter(Boolean);
    throw new ConnectionError(
      `${required} asks for in-cluster credentials, but ${missing.join(" and ")}. Is this running in a pod with a service account?`,
    );
  }
  await readRequired(paths.caPath, "The in-cluster service account", io);
  const namespace = (await readOptional(paths.namespacePath, io))?.trim();
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  const serverHost = host.includes(":") ? `[${host}]` : host;
  const cluster: Cluster = {
    name: "in-cluster",
    server: `${scheme}://${serverHost}:${port}`,
    caFile: paths.caPath,
    skipTLSVerify: scheme === "http",
  };
  const subject = tokenSubject(token);
  const user: User = {
    name: subject ?? "service-account",
    authProvider: { name: "tokenFile", config: { tokenFile: paths.tokenPath } },
  };
  const built: Built = {
    config: {
      clusters: [cluster],
      users: [user],
      contexts: [
        { name: "in-cluster", cluster: cluster.name, user: user.name, ...(namespace ? { namespace } : {}) },
      ],
      currentContext: "in-cluster",
    },
    source: { kind: "in-cluster" },
    credentials: [token.trim()],
  };
  return built;
}

/** Finds, loads and checks the connection settings; does not contact the cluster. */
export async function resolveConnection(options: ConnectionOptions): Promise<ResolvedConnection> {
  const { env } = options;
  const io: Io = {
    readFile: options.readFile ?? ((path) => fsReadFile(path, "utf8")),
    home: options.homeDir ?? env.HOME ?? homedir(),
  };
  const lookup = makeLookup(env, options.secrets);
  const warnings: string[] = [];
  const client = await clientNode();
  const contextSetting = lookup("KUBERNETES_CONTEXT");
  const requestedContext = options.context
    ? { name: options.context, label: "--context" }
    : contextSetting
      ? { name: contextSetting.value, label: settingLabel("KUBERNETES_CONTEXT", contextSetting) }
      : undefined;

  let choice: KubeconfigChoice | undefined;
  let built: Built | undefined;
  const host = lookup("KUBERNETES_HOST");
  const serviceAccountDir = env[SERVICE_ACCOUNT_DIR_VARIABLE];
  const inClusterPaths = {
    ...(serviceAccountDir ? inClusterPathsIn(serviceAccountDir) : DEFAULT_IN_CLUSTER_PATHS),
    ...options.inCluster,
  };
  const tried: string[] = [];

  if (options.inClusterOnly) {
    built = await buildInCluster(env, inClusterPaths, io, "--cluster in-cluster");
  } else if (options.kubeconfig) {
    const path = resolve(expandHome(options.kubeconfig, io));
    const text = await readRequired(path, "--kubeconfig", io);
    choice = {
      config: parseKubeconfig(client, text, `The kubeconfig ${path}`, dirname(path)),
      kind: "kubeconfig-flag",
      path,
      where: `the kubeconfig ${path}`,
    };
  } else if (options.kubeconfigContent !== undefined) {
    const label = options.kubeconfigContentLabel;
    choice = {
      config: parseKubeconfig(
        client,
        options.kubeconfigContent,
        `The kubeconfig of ${label ?? "the content"}`,
        undefined,
      ),
      kind: "kubeconfig-content",
      where: label ? `the kubeconfig of ${label}` : "the kubeconfig content",
    };
  } else if (host) {
    built = await buildFromHost(host, lookup, io, warnings);
  } else if (env.KUBECONFIG) {
    const paths = env.KUBECONFIG.split(delimiter).filter((p) => p !== "");
    const { parsed, found } = await loadKubeconfigFiles(client, paths, io);
    if (found.length === 0) {
      throw new ConnectionError(`KUBECONFIG names ${paths.join(", ")}, but none of these files exists.`);
    }
    choice = {
      config: mergeKubeconfigs(parsed),
      kind: "kubeconfig-env",
      path: found.join(delimiter),
      where:
        found.length === 1
          ? `the kubeconfig ${found[0]}`
          : `the kubeconfigs ${found.join(", ")} (KUBECONFIG)`,
    };
  } else {
    const homeConfig = join(io.home, ".kube", "config");
    const text = await readOptional(homeConfig, io);
    if (text !== undefined) {
      choice = {
        config: parseKubeconfig(client, text, `The kubeconfig ${homeConfig}`, dirname(homeConfig)),
        kind: "kubeconfig-home",
        path: homeConfig,
        where: `the kubeconfig ${homeConfig}`,
      };
    } else {
      tried.push(`no kubeconfig at ${homeConfig}`);
      built = await buildInCluster(
        env,
        inClusterPaths,
        io,
        env.CHAOSTOOLKIT_IN_POD === "true" ? "CHAOSTOOLKIT_IN_POD=true" : undefined,
      );
      if (!built) tried.push(`no service-account token at ${inClusterPaths.tokenPath}`);
    }
  }

  let config: ParsedKubeconfig;
  let context: Context;
  let sourceBase: Built["source"];
  if (choice) {
    context = selectContext(choice, requestedContext);
    config = choice.config;
    sourceBase = {
      kind: choice.kind,
      ...(choice.path ? { path: choice.path } : {}),
      ...(choice.kind === "kubeconfig-content" && options.kubeconfigContentLabel
        ? { label: options.kubeconfigContentLabel }
        : {}),
      ...(choice.kind === "kubeconfig-flag" && options.kubeconfigLabel
        ? { label: options.kubeconfigLabel }
        : {}),
    };
  } else if (built) {
    if (requestedContext) {
      warnings.push(
        `${requestedContext.label} "${requestedContext.name}" is ignored: the connection comes from ${built.source.kind === "env" ? "KUBERNETES_HOST" : "the in-cluster service account"}, which has no kubeconfig contexts.`,
      );
    }
    config = built.config;
    context = config.contexts[0]!;
    sourceBase = built.source;
  } else {
    throw new ConnectionError(
      `No Kubernetes cluster configured: ${tried.join(", ")}; and neither --kubeconfig, KUBERNETES_HOST nor KUBECONFIG is set. ` +
        "Point at a cluster with one of them, or run the simulated cluster with --cluster sim.",
    );
  }

  const clusterIndex = config.clusters.findIndex((c) => c.name === context.cluster);
  let cluster = config.clusters[clusterIndex]!;
  const serverLabel = choice
    ? `The server of cluster "${cluster.name}" in ${choice.where}`
    : host
      ? settingLabel("KUBERNETES_HOST", host)
      : "The in-cluster address (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT)";
  const problem = serverAddressProblem(cluster.server);
  if (problem) throw new ConnectionError(`${serverLabel} ${problem}.`);
  cluster = await applyTlsSettings(cluster, lookup, io, warnings);
  cluster = applyProxy(cluster, options.env, choice?.where);
  config.clusters[clusterIndex] = cluster;
  if (choice)
    await checkReferencedFiles(
      cluster,
      config.users.find((u) => u.name === context.user),
      choice.where,
      io,
    );

  const user = context.user ? (config.users.find((u) => u.name === context.user) ?? null) : null;
  const kc = await clusterKubeConfig();
  kc.addAuthenticator(apiKeyAuthenticator);
  kc.addAuthenticator(execAuthenticator(env, options.onExecCredentials));
  kc.loadFromOptions({
    clusters: config.clusters,
    users: config.users.map((u) => (u.name === user?.name ? withExecAuth(u) : u)),
    contexts: config.contexts,
    currentContext: context.name,
  });
  const source: ConnectionSource = {
    ...sourceBase,
    ...(choice ? { context: context.name } : {}),
    cluster: cluster.name,
    // Logs, journals and reports name the server; user-info in its URL is a credential.
    server: withoutUserInfo(cluster.server),
    ...(sourceBase.user === undefined && user ? { user: user.name } : {}),
    auth: describeAuth(user),
    tlsVerify: !isPlainHttp(cluster.server) && !cluster.skipTLSVerify,
    ...(cluster.proxyUrl ? { proxy: proxyLabel(cluster.proxyUrl) } : {}),
  };
  const credentials = [...connectionCredentials(user, cluster.server), ...(built?.credentials ?? [])];
  return { kc, source, warnings, credentials };
}

const decodeBase64 = (data: string): string => Buffer.from(data, "base64").toString("utf8");

/** The credentials a user entry and a server URL hold, as written and decoded. */
export function connectionCredentials(user: User | null | undefined, server: string): string[] {
  const found = urlCredentials(server);
  if (!user) return found;
  const add = (value: unknown) => {
    if (typeof value === "string" && value.trim() !== "") found.push(value, value.trim());
  };
  add(user.token);
  add(user.password);
  for (const data of [user.keyData, user.certData]) {
    if (data) {
      add(data);
      add(decodeBase64(data));
    }
  }
  // An auth provider's tokens and secrets (and our API key's `key`), an exec plugin's secret variables.
  const provider = user.authProvider as { config?: Record<string, unknown> } | undefined | null;
  for (const [name, value] of Object.entries(provider?.config ?? {})) {
    if (name === "key" || isSecretName(name)) add(value);
  }
  const exec = user.exec as { env?: Array<{ name?: unknown; value?: unknown }> | null } | undefined | null;
  for (const variable of exec?.env ?? []) {
    if (typeof variable.name === "string" && isSecretName(variable.name)) add(variable.value);
  }
  return [...new Set(found)];
}

/** The kubeconfig's `proxy-url`, else the environment's HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the server. */
function applyProxy(cluster: Cluster, env: NodeJS.ProcessEnv, where: string | undefined): Cluster {
  const fromKubeconfig = cluster.proxyUrl
    ? { url: cluster.proxyUrl, from: `proxy-url of cluster "${cluster.name}" in ${where}` }
    : undefined;
  const proxy = fromKubeconfig ?? proxyFromEnvironment(cluster.server, env);
  if (!proxy) return cluster;
  let scheme: string | undefined;
  try {
    scheme = new URL(proxy.url).protocol;
  } catch {
    scheme = undefined;
  }
  if (!scheme || !["http:", "https:", "socks:", "socks4:", "socks5:", "socks5h:"].includes(scheme)) {
    throw new ConnectionError(
      `${proxy.from} is not a proxy URL client requests can use; write it as http://HOST:PORT (or https://, socks5://).`,
    );
  }
  return { ...cluster, proxyUrl: proxy.url };
}

/** Files a kubeconfig names are read at the first request; a missing one is a wrong input, said now. */
async function checkReferencedFiles(cluster: Cluster, user: User | undefined, where: string, io: Io) {
  const files: Array<[string | undefined, string]> = [
    [cluster.caFile, `certificate-authority of cluster "${cluster.name}"`],
    [user?.certFile, `client-certificate of user "${user?.name}"`],
    [user?.keyFile, `client-key of user "${user?.name}"`],
  ];
  for (const [path, what] of files) {
    if (path && !(cluster.caData && path === cluster.caFile))
      await readRequired(path, `The ${what} in ${where}`, io);
  }
}

async function applyTlsSettings(
  cluster: Cluster,
  lookup: ReturnType<typeof makeLookup>,
  io: Io,
  warnings: string[],
): Promise<Cluster> {
  let result: Cluster = cluster;
  const caFile = lookup("KUBERNETES_CA_CERT_FILE");
  if (caFile) {
    const pem = await readRequired(
      expandHome(caFile.value, io),
      settingLabel("KUBERNETES_CA_CERT_FILE", caFile),
      io,
    );
    const { caFile: _ignored, ...rest } = result;
    result = { ...rest, caData: base64(pem) };
  }
  const verify = lookup("KUBERNETES_VERIFY_SSL");
  if (isPlainHttp(result.server)) {
    // client-node refuses http:// unless told TLS is skipped; there is no TLS to verify.
    result = { ...result, skipTLSVerify: true };
    if (!isLoopback(result.server)) {
      warnings.push(
        `WARNING: ${result.server} is plain HTTP: requests and credentials to the cluster are not encrypted.`,
      );
    }
  } else if (verify && !parseVerifySsl(verify.value)) {
    result = { ...result, skipTLSVerify: true };
    warnings.push(
      `WARNING: TLS verification is OFF for ${result.server} (${settingLabel("KUBERNETES_VERIFY_SSL", verify)}=${verify.value}): anyone on the network path can impersonate the cluster. Set KUBERNETES_CA_CERT_FILE instead.`,
    );
  } else if (result.skipTLSVerify) {
    warnings.push(
      `WARNING: TLS verification is OFF for ${result.server} (insecure-skip-tls-verify in the kubeconfig): anyone on the network path can impersonate the cluster.`,
    );
  }
  return result;
}

/** One line for logs: which cluster, context, user and source. */
export function describeConnection(source: ConnectionSource): string {
  // A kubeconfig's cluster name says which cluster when the context's name does not.
  const named = source.kind !== "env" && source.kind !== "in-cluster" && source.cluster !== source.context;
  const cluster = named && source.cluster ? `cluster "${source.cluster}" at ` : "";
  const context = source.context ? `context "${source.context}" on ` : "";
  const user = source.user ? `user "${source.user}"` : "an unnamed user";
  const tls = source.server.startsWith("http:")
    ? "; plain HTTP"
    : source.tlsVerify
      ? ""
      : "; TLS verification OFF";
  const proxy = source.proxy ? `; through the proxy ${source.proxy}` : "";
  return `Kubernetes: ${context}${cluster}${source.server} as ${user} (${source.auth}), from ${sourceLabel(source)}${tls}${proxy}`;
}

export interface ConnectionInfo {
  source: ConnectionSource;
  warnings: string[];
  /** gitVersion from /version, e.g. "v1.32.0". */
  serverVersion: string;
  platform?: string;
  /** Absent when RBAC does not let us list nodes. */
  nodeCount?: number;
}

/** The connection line plus what the server told us, e.g. "… (server v1.32.0, 3 nodes)". */
export function formatConnectionInfo(info: ConnectionInfo): string {
  const nodes =
    info.nodeCount === undefined ? "" : `, ${info.nodeCount} node${info.nodeCount === 1 ? "" : "s"}`;
  return `${describeConnection(info.source)} (server ${info.serverVersion}${nodes})`;
}

export interface KubernetesService {
  /** Reads and checks the connection settings, without contacting the cluster; throws ConnectionError. */
  check(secrets?: Record<string, unknown>): Promise<void>;
  /** The connection for an activity's secrets (cached per distinct KUBERNETES_* secret values). */
  connect(secrets?: Record<string, unknown>): Promise<KubeConfig>;
  /** The first connection made, once connect() has succeeded. */
  info(): ConnectionInfo | undefined;
}

export interface KubernetesServiceOptions extends Omit<ConnectionOptions, "secrets"> {
  /** Called with each connection's credentials as soon as it is resolved, before the first request. */
  onCredentials?: (credentials: string[]) => void;
  /** Bound on each request of the first contact; default 15 s. */
  timeoutMs?: number;
  /** Called once per distinct connection, after the server answered: print the source and warnings here. */
  onConnect?: (info: ConnectionInfo) => void;
}

function secretsKey(secrets: Record<string, unknown> = {}): string {
  const entries = KUBERNETES_SETTING_KEYS.flatMap((key) => {
    const value = secretString(secrets[key]);
    return value === undefined ? [] : [[key, value]];
  });
  return JSON.stringify(entries);
}

function timeoutOptions(client: ClientNode, timeoutMs: number) {
  const signal = AbortSignal.timeout(timeoutMs);
  return {
    middleware: [
      {
        pre: (ctx: import("@kubernetes/client-node").RequestContext) => {
          ctx.setSignal(signal);
          return new client.Observable(Promise.resolve(ctx));
        },
        post: (ctx: import("@kubernetes/client-node").ResponseContext) =>
          new client.Observable(Promise.resolve(ctx)),
      },
    ],
    middlewareMergeStrategy: "append" as const,
  };
}

/** Reaches /version (and counts nodes when allowed); errors are explained for the user. */
async function firstContact(
  client: ClientNode,
  resolved: ResolvedConnection,
  timeoutMs: number,
): Promise<ConnectionInfo> {
  const { kc, source } = resolved;
  let version: { gitVersion?: string; platform?: string };
  try {
    version = await kc.makeApiClient(client.VersionApi).getCode(timeoutOptions(client, timeoutMs));
  } catch (err) {
    throw explainClusterError(err, { verb: "get", resource: "/version", source });
  }
  let nodeCount: number | undefined;
  try {
    const nodes = await kc
      .makeApiClient(client.CoreV1Api)
      .listNode({ limit: 500 }, timeoutOptions(client, timeoutMs));
    nodeCount = nodes.items.length + (nodes.metadata?.remainingItemCount ?? 0);
  } catch (err) {
    const explained = explainClusterError(err, { verb: "list", resource: "nodes", source });
    // Counting nodes is informative only; rejected credentials are not.
    if (explained.kind === "unauthorized") throw explained;
  }
  return {
    source,
    warnings: resolved.warnings,
    serverVersion: version.gitVersion ?? "unknown",
    ...(version.platform ? { platform: version.platform } : {}),
    ...(nodeCount !== undefined ? { nodeCount } : {}),
  };
}

export function createKubernetesService(options: KubernetesServiceOptions): KubernetesService {
  const cache = new Map<string, Promise<KubeConfig>>();
  const resolving = new Map<string, Promise<ResolvedConnection>>();
  let first: ConnectionInfo | undefined;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resolve = (secrets: Record<string, unknown> | undefined) => {
    const key = secretsKey(secrets);
    const cached = resolving.get(key);
    if (cached) return cached;
    const resolved = resolveConnection({ ...options, ...(secrets ? { secrets } : {}) });
    resolving.set(key, resolved);
    resolved.catch(() => resolving.delete(key));
    return resolved;
  };
  return {
    async check(secrets) {
      await resolve(secrets);
    },
    connect(secrets) {
      const key = secretsKey(secrets);
      const cached = cache.get(key);
      if (cached) return cached;
      const connecting = (async () => {
        const resolved = await resolve(secrets);
        options.onCredentials?.(resolved.credentials);
        const info = await firstContact(await clientNode(), resolved, timeoutMs);
        first ??= info;
        options.onConnect?.(info);
        return resolved.kc;
      })();
      cache.set(key, connecting);
      connecting.catch(() => cache.delete(key));
      return connecting;
    },
    info: () => first,
  };
}

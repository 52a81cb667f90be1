// Credentials from a kubeconfig's exec plugin (`aws eks get-token`, `gke-gcloud-auth-plugin`,
// `kubelogin get-token`), fetched when the first request needs them and again before they expire.
//
// client-node's own exec support asks the plugin again only once `expirationTimestamp` has passed,
// so a request signed just before that instant reaches the server after it and is refused (401); and
// concurrent requests each start the plugin. Here the credential is renewed once most of its lifetime
// is spent (`renewAt`), one plugin run serves every request waiting for it, and a plugin that fails
// or prints something else than an ExecCredential is named in the error.
import { spawn } from "node:child_process";
import type { KubeConfig, User } from "@kubernetes/client-node";
import { isRecord } from "../common/record.ts";
import { ConnectionError } from "./connection-error.ts";

type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/** The authProvider name users with an exec plugin are rewritten to, so this module signs their requests. */
export const EXEC_AUTH = "chaos-action-exec";

export interface ExecPlugin {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
  /** Shown when the command is missing, e.g. how to install the plugin. */
  installHint?: string;
}

export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch milliseconds; absent: valid for the whole run. */
  expiresAt?: number;
}

/** The most of a credential's remaining time kept in reserve: it is renewed this long before it expires. */
const MAX_RESERVE_MS = 30_000;

/**
 * When a credential obtained at `obtainedAt` and expiring at `expiresAt` is renewed: a fifth of its
 * lifetime before expiry (at most 30 s before), so a request signed with it still arrives in time.
 */
export function renewAt(obtainedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  return expiresAt - Math.min(MAX_RESERVE_MS, lifetime / 5);
}

/** Reads the plugin's stdout as an ExecCredential (client.authentication.k8s.io v1 or v1beta1). */
export function parseExecCredential(stdout: string, plugin: string): ExecCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new ConnectionError(
      `The exec plugin ${plugin} printed something else than an ExecCredential (JSON expected on stdout).`,
    );
  }
  const status = isRecord(parsed) && isRecord(parsed.status) ? parsed.status : undefined;
  const text = (key: string) =>
    typeof status?.[key] === "string" && status[key] !== "" ? status[key] : undefined;
  const token = text("token");
  const cert = text("clientCertificateData");
  const key = text("clientKeyData");
  if (!status || (!token && !(cert && key))) {
    throw new ConnectionError(
      `The exec plugin ${plugin} printed an ExecCredential without status.token (or status.clientCertificateData and clientKeyData).`,
    );
  }
  const expiry = text("expirationTimestamp");
  const expiresAt = expiry === undefined ? undefined : Date.parse(expiry);
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) {
    throw new ConnectionError(
      `The exec plugin ${plugin} printed status.expirationTimestamp "${expiry}", which is not an RFC 3339 time.`,
    );
  }
  return {
    ...(token ? { token } : {}),
    ...(cert && key ? { clientCertificateData: cert, clientKeyData: key } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

function runPlugin(plugin: ExecPlugin, env: NodeJS.ProcessEnv): Promise<string> {
  const apiVersion = plugin.apiVersion ?? "client.authentication.k8s.io/v1";
  const execInfo = JSON.stringify({ kind: "ExecCredential", apiVersion, spec: { interactive: false } });
  const pluginEnv: NodeJS.ProcessEnv = { ...env, KUBERNETES_EXEC_INFO: execInfo };
  for (const variable of plugin.env ?? []) pluginEnv[variable.name] = variable.value;
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const child = spawn(plugin.command, plugin.args ?? [], {
      env: pluginEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? "it is not installed or not on PATH" : error.message;
      const hint = error.code === "ENOENT" && plugin.installHint ? ` ${plugin.installHint.trim()}` : "";
      reject(
        new ConnectionError(
          `The kubeconfig's exec plugin ${plugin.command} cannot be started: ${why}.${hint}`,
        ),
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else {
        const said = stderr.trim().split("\n").slice(-3).join(" ").trim();
        reject(
          new ConnectionError(
            `The kubeconfig's exec plugin ${plugin.command} exited with status ${code}${said ? `: ${said}` : ""}.`,
          ),
        );
      }
    });
  });
}

interface Cached {
  credential: ExecCredential;
  renewAt: number;
}

/**
 * Signs requests of users rewritten by `withExecAuth`. One cache per connection: credentials are
 * per user, renewed before they expire, and a renewal in flight is shared.
 */
export function execAuthenticator(
  env: NodeJS.ProcessEnv,
  onCredentials?: (credentials: string[]) => void,
  now: () => number = Date.now,
): Authenticator {
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<Cached>>();
  const credentialOf = async (user: User): Promise<ExecCredential> => {
    const cached = cache.get(user.name);
    if (cached && now() < cached.renewAt) return cached.credential;
    let running = pending.get(user.name);
    if (!running) {
      const plugin = (user.authProvider as { config: { plugin: ExecPlugin } }).config.plugin;
      running = (async () => {
        const obtainedAt = now();
        const credential = parseExecCredential(await runPlugin(plugin, env), plugin.command);
        onCredentials?.(
          [credential.token, credential.clientKeyData].filter(
            (value): value is string => value !== undefined,
          ),
        );
        const fresh = {
          credential,
          renewAt: credential.expiresAt === undefined ? Infinity : renewAt(obtainedAt, credential.expiresAt),
        };
        cache.set(user.name, fresh);
        return fresh;
      })();
      pending.set(user.name, running);
      running.then(
        () => pending.delete(user.name),
        () => pending.delete(user.name),
      );
    }
    return (await running).credential;
  };
  return {
    isAuthProvider: (user) => (user.authProvider as { name?: string } | undefined)?.name === EXEC_AUTH,
    applyAuthentication: async (user, opts) => {
      const credential = await credentialOf(user);
      if (credential.clientCertificateData && credential.clientKeyData) {
        opts.cert = credential.clientCertificateData;
        opts.key = credential.clientKeyData;
      }
      // client-node creates the headers object before calling authenticators
      if (credential.token)
        (opts.headers as Record<string, string>).Authorization = `Bearer ${credential.token}`;
    },
  };
}

/** A user with an exec plugin, signed by `execAuthenticator` instead of client-node's exec support. */
export function withExecAuth(user: User): User {
  const exec = user.exec as ExecPlugin | undefined | null;
  if (!exec) return user;
  if (typeof exec.command !== "string" || exec.command === "") {
    throw new ConnectionError(`The exec plugin of user "${user.name}" names no command.`);
  }
  const { exec: _replaced, ...rest } = user;
  return { ...rest, authProvider: { name: EXEC_AUTH, config: { plugin: exec } } };
}

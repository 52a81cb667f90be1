// Test support: clients for a simulated cluster through the real @kubernetes/client-node.
import { request } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, expect } from "vitest";
import { type SimCluster, type SimOptions, type SimTiming, startSimCluster } from "../../src/sim/index.ts";

/** Delays small enough for tests, large enough that states can be observed between steps. */
export const fastTiming: SimTiming = {
  scheduleMs: 5,
  startMs: 10,
  readyMs: 10,
  jitter: 0,
  deleteGraceMs: 60,
  establishMs: 10,
};

/**
 * For a test file: starts simulated clusters with test timings; after each test, every cluster it started
 * is closed and must have met no internal error.
 */
export function simsClosedAfterEachTest(): (options?: SimOptions) => Promise<SimCluster> {
  const sims: SimCluster[] = [];
  afterEach(async () => {
    const started = sims.splice(0);
    await Promise.all(started.map((sim) => sim.close()));
    for (const sim of started) expect(sim.internalErrors).toEqual([]);
  });
  return async (options = {}) => {
    const sim = await startSimCluster({ timing: fastTiming, ...options });
    sims.push(sim);
    return sim;
  };
}

export function kubeConfigFor(sim: SimCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return kc;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface RawResponse {
  status: number;
  body: string;
  json: () => Record<string, unknown>;
}

/** A plain HTTP request to a sim started with tls: false and auth: "none" (or with a bearer token). */
export async function raw(
  sim: SimCluster,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const auth: Record<string, string> = sim.credentials.token
    ? { Authorization: `Bearer ${sim.credentials.token}` }
    : {};
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...auth, ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export const podManifest = (
  name: string,
  labels: Record<string, string> = { app: "solo" },
  namespace = "default",
) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: "main", image: "busybox:1.36" }] },
});

/** A GET over TLS trusting the sim's CA, without credentials unless headers carry them. */
export function httpsGet(
  sim: SimCluster,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}${path}`, { ca: sim.credentials.caPem, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A CustomResourceDefinition manifest: custom objects exist only once their definition does. */
export function crdManifest(
  group: string,
  plural: string,
  kind: string,
  options: { scope?: "Namespaced" | "Cluster"; version?: string } = {},
) {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: options.scope ?? "Namespaced",
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{ name: options.version ?? "v1", served: true, storage: true }],
    },
  };
}

// The app under test, put on the cluster before the hypothesis: manifests applied by server-side apply
// through @kubernetes/client-node (never kubectl), then nodes and workloads waited for until Ready.
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import { glob } from "tinyglobby";
import { parseAllDocuments } from "yaml";
import { errorMessage } from "../common/error-message.ts";

/** A workload the action waits for before the gate (`wait-for: deployment/ns/name`). */
export interface WorkloadRef {
  namespace: string;
  kind: "deployment" | "statefulset" | "daemonset";
  name: string;
}

export const FIELD_MANAGER = "chaos-action";

export class ManifestError extends Error {
  override name = "ManifestError";
}

export class ApplyError extends Error {
  override name = "ApplyError";
}

export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
}

export interface Waiting {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

const realTime: Waiting = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((done, fail) => {
      // An abort that came while the previous check was in flight: no listener would ever hear it.
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      const timer = setTimeout(done, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          fail(signal.reason);
        },
        { once: true },
      );
    }),
};

export interface LoadedManifest {
  file: string;
  object: KubernetesObject;
}

/** Files, directories (their .yaml/.yml/.json files) and globs, in name order. */
export async function manifestFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    const path = resolve(cwd, pattern);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) files.push(path);
    else if (info?.isDirectory()) {
      files.push(...(await glob(["**/*.{yaml,yml,json}"], { cwd: path, absolute: true })).sort());
    } else {
      const matched = (await glob([pattern], { cwd, absolute: true })).sort();
      if (matched.length === 0) throw new ManifestError(`manifests: ${pattern} matches no file`);
      files.push(...matched);
    }
  }
  return [...new Set(files)];
}

/** Parses every document; an empty document is skipped, a document without kind is an error. */
export function parseManifests(file: string, text: string): LoadedManifest[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length > 0) {
      const first = document.errors[0]!;
      const line = first.linePos?.[0].line;
      throw new ManifestError(
        `${file}${line ? `:${line}` : ""}: not valid YAML: ${first.message.split("\n")[0]}`,
      );
    }
    const object = document.toJS() as KubernetesObject | null;
    if (object === null || object === undefined) return [];
    const items = object.kind?.endsWith("List") && Array.isArray((object as { items?: unknown }).items);
    const objects = items ? ((object as { items: KubernetesObject[] }).items ?? []) : [object];
    return objects.map((item) => {
      if (typeof item !== "object" || !item.kind || !item.apiVersion || !item.metadata?.name) {
        throw new ManifestError(
          `${file} (document ${index + 1}): every object needs apiVersion, kind and metadata.name`,
        );
      }
      return { file, object: item };
    });
  });
}

// Namespaces and definitions before what lives in them.
const APPLY_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "PersistentVolumeClaim",
  "Service",
];

export function applyOrder(manifests: readonly LoadedManifest[]): LoadedManifest[] {
  const rank = (kind: string | undefined) => {
    const index = APPLY_ORDER.indexOf(kind ?? "");
    return index === -1 ? APPLY_ORDER.length : index;
  };
  return manifests
    .map((manifest, index) => ({ manifest, index }))
    .sort((a, b) => rank(a.manifest.object.kind) - rank(b.manifest.object.kind) || a.index - b.index)
    .map(({ manifest }) => manifest);
}

function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    const parsed = typeof body === "string" ? safeJson(body) : body;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    return `HTTP ${error.code}${typeof message === "string" ? `: ${message}` : ""}`;
  }
  return errorMessage(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind} ${namespace}${object.metadata?.name}`;
}

export interface ApplyOptions {
  cwd: string;
  log: { info(message: string): void };
  time?: Waiting;
  /** How long a new CustomResourceDefinition may take to be Established (default 60 s). */
  establishTimeoutSeconds?: number;
}

const ESTABLISH_POLL_MS = 250;

function isEstablished(object: KubernetesObject): boolean {
  const conditions = (object as { status?: { conditions?: Array<{ type?: string; status?: string }> } })
    .status?.conditions;
  return (conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
}

/**
 * A new CustomResourceDefinition's resources are served (discovery, objects) only once the API
 * server has Established it, a moment after the create: objects of it applied earlier get a 404.
 */
async function awaitEstablished(
  client: KubernetesObjectApi,
  definition: KubernetesObject,
  options: ApplyOptions,
): Promise<void> {
  const time = options.time ?? realTime;
  const timeout = options.establishTimeoutSeconds ?? 60;
  const deadline = time.now() + timeout * 1000;
  let current = definition;
  for (;;) {
    if (isEstablished(current)) {
      options.log.info(`${describe(definition)} is established`);
      return;
    }
    if (time.now() >= deadline) {
      throw new ApplyError(
        `${describe(definition)} was not Established within ${timeout} s, so objects of it cannot be applied yet.`,
      );
    }
    await time.sleep(ESTABLISH_POLL_MS);
    try {
      current = await client.read({
        apiVersion: definition.apiVersion ?? "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: definition.metadata?.name ?? "" },
      });
    } catch (error) {
      throw new ApplyError(`Reading ${describe(definition)} failed: ${apiMessage(error)}.`, { cause: error });
    }
  }
}

/** Server-side applies every object of the manifests, namespaces first; returns what was applied. */
export async function applyManifests(
  kubeConfig: KubeConfig,
  patterns: readonly string[],
  options: ApplyOptions,
): Promise<string[]> {
  const loaded: LoadedManifest[] = [];
  for (const file of await manifestFiles(patterns, options.cwd)) {
    loaded.push(...parseManifests(file, await readFile(file, "utf8")));
  }
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const applied: string[] = [];
  for (const { file, object } of applyOrder(loaded)) {
    let result: KubernetesObject;
    try {
      result = await client.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      const hint =
        error instanceof ApiException && error.code === 403
          ? " The cluster identity lacks RBAC permission to create or patch it."
          : "";
      throw new ApplyError(`Applying ${describe(object)} from ${file} failed: ${apiMessage(error)}.${hint}`, {
        cause: error,
      });
    }
    applied.push(describe(result));
    options.log.info(`Applied ${describe(result)} (${file})`);
    if (result.kind === "CustomResourceDefinition") await awaitEstablished(client, result, options);
  }
  return applied;
}

interface WorkloadStatus {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: Record<string, number | undefined> & { observedGeneration?: number };
}

/** Pure: is this Deployment, StatefulSet or DaemonSet ready, and if not, why. */
export function workloadReadiness(
  kind: WorkloadRef["kind"],
  object: WorkloadStatus,
): { ready: boolean; detail: string } {
  const status = object.status ?? {};
  const observed = status.observedGeneration;
  if (
    observed !== undefined &&
    object.metadata?.generation !== undefined &&
    observed < object.metadata.generation
  ) {
    return { ready: false, detail: "the controller has not seen the latest spec yet" };
  }
  if (kind === "daemonset") {
    const desired = status.desiredNumberScheduled ?? 0;
    const ready = status.numberReady ?? 0;
    return {
      ready: ready >= desired && (status.updatedNumberScheduled ?? desired) >= desired,
      detail: `${ready}/${desired} ready`,
    };
  }
  const wanted = object.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? ready;
  const available = kind === "deployment" ? (status.availableReplicas ?? 0) : ready;
  return {
    ready: ready >= wanted && updated >= wanted && available >= wanted,
    detail: `${ready}/${wanted} ready, ${updated} up to date, ${available} available`,
  };
}

const API_KIND = { deployment: "Deployment", statefulset: "StatefulSet", daemonset: "DaemonSet" } as const;

export interface WaitOptions {
  timeoutSeconds: number;
  log: { info(message: string): void };
  time?: Waiting;
  pollMs?: number;
  signal?: AbortSignal;
}

async function waitUntil(
  what: string,
  check: () => Promise<{ ready: boolean; detail: string }>,
  deadline: number,
  options: WaitOptions,
): Promise<void> {
  const time = options.time ?? realTime;
  let last = "not checked yet";
  for (;;) {
    try {
      const state = await check();
      if (state.ready) {
        options.log.info(`${what} is ready (${state.detail})`);
        return;
      }
      last = state.detail;
    } catch (error) {
      if (error instanceof ApiException && error.code === 403) {
        throw new ApplyError(`Reading ${what} is forbidden by RBAC: ${apiMessage(error)}`);
      }
      last = apiMessage(error);
    }
    if (time.now() >= deadline) {
      throw new WaitTimeoutError(`${what} was not ready within ${options.timeoutSeconds} s: ${last}`);
    }
    await time.sleep(options.pollMs ?? 1000, options.signal);
  }
}

/** Waits until every workload is ready; the timeout covers them all. */
export async function waitForWorkloads(
  kubeConfig: KubeConfig,
  workloads: readonly WorkloadRef[],
  options: WaitOptions,
): Promise<void> {
  const time = options.time ?? realTime;
  const deadline = time.now() + options.timeoutSeconds * 1000;
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const workload of workloads) {
    const what = `${workload.kind} ${workload.namespace}/${workload.name}`;
    await waitUntil(
      what,
      async () => {
        const object = await client.read({
          apiVersion: "apps/v1",
          kind: API_KIND[workload.kind],
          metadata: { name: workload.name, namespace: workload.namespace },
        });
        return workloadReadiness(workload.kind, object as WorkloadStatus);
      },
      deadline,
      options,
    );
  }
}

interface NodeList {
  items: { metadata?: { name?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Waits until the cluster has nodes and every one of them is Ready. */
export async function waitForNodesReady(kubeConfig: KubeConfig, options: WaitOptions): Promise<void> {
  const time = options.time ?? realTime;
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  await waitUntil(
    "every node",
    async () => {
      const list = (await client.list("v1", "Node")) as unknown as NodeList;
      const notReady = list.items.filter(
        (node) =>
          !node.status?.conditions?.some(
            (condition) => condition.type === "Ready" && condition.status === "True",
          ),
      );
      return {
        ready: list.items.length > 0 && notReady.length === 0,
        detail:
          list.items.length === 0
            ? "no node registered"
            : `${list.items.length - notReady.length}/${list.items.length} nodes Ready${notReady.length > 0 ? ` (waiting for ${notReady.map((node) => node.metadata?.name).join(", ")})` : ""}`,
      };
    },
    time.now() + options.timeoutSeconds * 1000,
    options,
  );
}

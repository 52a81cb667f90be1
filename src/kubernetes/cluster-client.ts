// @kubernetes/client-node, imported on first use. It costs ~0.1 s to load (bundled), so the modules
// that validation and `--help` reach (the catalog and every activity family) import it only as types
// and ask here for API clients and runtime helpers when an activity actually talks to a cluster.
//
// The KubeConfig a connection resolves to is a `clusterKubeConfig()`: every API client made from it
// (ours, KubernetesObjectApi's, the preflight's) sends through the retrying transport. An activity
// works on `forActivity(kc, ...)`, the same configuration whose requests and retries also end with
// the activity's signal.

import { createHash } from "node:crypto";
import type * as ClientNodeModule from "@kubernetes/client-node";
import type {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
} from "@kubernetes/client-node";
import { rememberConnection } from "./node-transport.ts";
import type { RetryOptions } from "./retry-policy.ts";
import { retryingTransport, type TransportOptions } from "./retrying-transport.ts";
import { WriteLog } from "./write-log.ts";

/** The parts of @kubernetes/client-node we use (client-node-api.ts). */
export type ClientNode = typeof import("./client-node-api.ts");

let loading: Promise<ClientNode> | undefined;

export function clientNode(): Promise<ClientNode> {
  loading ??= import("./client-node-api.ts");
  return loading;
}

const ACTIVITY = Symbol("activity");
const WRITES = Symbol("writes");

/** What an activity adds to its requests: its signal (deadline, interruption), test overrides. */
export interface ActivityBinding {
  signal?: AbortSignal;
  retry?: Partial<RetryOptions>;
  random?: () => number;
  onRetry?: TransportOptions["onRetry"];
}

type Bound = KubeConfig & { [ACTIVITY]?: ActivityBinding; [WRITES]?: WriteLog };

let retryingClass: Promise<new () => KubeConfig> | undefined;

type DispatcherOptions = ReturnType<KubeConfig["createDispatcherOptions"]>;

/** The connection options as text: key material by its digest, so equal options give equal keys. */
function connectionKey(options: DispatcherOptions): string {
  return JSON.stringify(options, (_key, value: unknown) => {
    if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer") {
      const bytes = Buffer.from((value as { data: number[] }).data);
      return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    }
    return value;
  });
}

/** A configuration's connection pools, by connectionKey (its activities' views share them). */
const POOLS = Symbol("pools");

/** How many distinct connection setups one configuration keeps a pool for (a run has one or two). */
const MAX_POOLS = 8;

type Pooled = KubeConfig & { [POOLS]: Map<string, unknown> };

/**
 * client-node makes a new undici Agent for every request: a new TLS handshake and a new trust store
 * each time (200 pages of a 100,000-pod listing, 200 handshakes). The requests of one configuration
 * with the same connection options (server CA, client certificate, proxy) share one Agent here, so
 * they reuse its kept-alive connections; idle ones do not hold the process open (undici unrefs them).
 */
function sharePools(kubeConfigClass: typeof ClientNodeModule.KubeConfig): void {
  // `createDispatcher` is private in client-node's types; the public `createDispatcherOptions` is
  // what it builds the Agent from, so the key covers everything that makes two Agents differ.
  const prototype = kubeConfigClass.prototype as unknown as {
    createDispatcher(this: Pooled, cluster: unknown, agentOptions: unknown): unknown;
  };
  const create = prototype.createDispatcher;
  if (typeof create !== "function") return;
  prototype.createDispatcher = function (cluster, agentOptions) {
    const pools = this[POOLS];
    const options = this.createDispatcherOptions(cluster as never, agentOptions as never);
    const key = connectionKey(options);
    let dispatcher = pools.get(key);
    if (dispatcher === undefined) {
      dispatcher = create.call(this, cluster, agentOptions);
      if (dispatcher) rememberConnection(dispatcher, options, (cluster as { server: string }).server);
      if (pools.size >= MAX_POOLS) pools.delete(pools.keys().next().value!);
      pools.set(key, dispatcher);
    }
    return dispatcher;
  };
}

/** A KubeConfig whose API clients retry (retry-policy.ts), to be filled with `loadFromOptions`. */
export async function clusterKubeConfig(): Promise<KubeConfig> {
  retryingClass ??= clientNode().then((client) => {
    class RetryingKubeConfig extends client.KubeConfig {
      readonly [POOLS] = new Map<string, unknown>();

      override makeApiClient<T extends ClientNodeModule.ApiType>(
        apiClientType: ClientNodeModule.ApiConstructor<T>,
      ): T {
        const cluster = this.getCurrentCluster();
        if (!cluster) throw new Error("No active cluster!");
        const binding = (this as Bound)[ACTIVITY] ?? {};
        return new apiClientType(
          client.createConfiguration({
            baseServer: new client.ServerConfiguration(cluster.server, {}),
            authMethods: { default: this },
            middleware: [client.setHeaderMiddleware("User-Agent", "chaos-action")],
            httpApi: retryingTransport(client, { ...binding, writes: (this as Bound)[WRITES] }),
          }),
        );
      }
    }
    sharePools(RetryingKubeConfig);
    return RetryingKubeConfig;
  });
  const kc: Bound = new (await retryingClass)();
  kc[WRITES] = ourWrites;
  return kc;
}

/**
 * One log for every connection of the process: an action may reach the cluster with other
 * credentials (its own secrets) than the probe that must see its effect. Writes to another cluster
 * only cost a cache one extra list.
 */
const ourWrites = new WriteLog();

/**
 * The writes the API clients of our connections sent; undefined for a KubeConfig that
 * clusterKubeConfig() did not make (its writes are not counted).
 */
export function writeLogOf(kc: KubeConfig): WriteLog | undefined {
  return (kc as Bound)[WRITES];
}

/** The connection as one activity uses it: its requests and their retries end with its signal. */
export function forActivity(kc: KubeConfig, binding: ActivityBinding): KubeConfig {
  const bound = Object.create(kc) as Bound;
  bound[ACTIVITY] = binding;
  return bound;
}

/** How a patch body is read: merge patch, JSON Patch, or strategic merge patch. */
export type PatchKind = "merge" | "json" | "strategic";

/** The request option that sends a patch with its content type. */
export async function patchOptions(kind: PatchKind) {
  const { PatchStrategy, setHeaderOptions } = await clientNode();
  const strategy = {
    merge: PatchStrategy.MergePatch,
    json: PatchStrategy.JsonPatch,
    strategic: PatchStrategy.StrategicMergePatch,
  }[kind];
  return setHeaderOptions("Content-Type", strategy);
}

export async function coreApi(kc: KubeConfig): Promise<CoreV1Api> {
  return kc.makeApiClient((await clientNode()).CoreV1Api);
}

export async function appsApi(kc: KubeConfig): Promise<AppsV1Api> {
  return kc.makeApiClient((await clientNode()).AppsV1Api);
}

export async function customObjectsApi(kc: KubeConfig): Promise<CustomObjectsApi> {
  return kc.makeApiClient((await clientNode()).CustomObjectsApi);
}

export async function eventsApi(kc: KubeConfig): Promise<EventsV1Api> {
  return kc.makeApiClient((await clientNode()).EventsV1Api);
}

/**
 * A typed API answer (class instances with Date fields) as the plain JSON the API server sent: what
 * Chaos Toolkit returns, so outputs, tolerances, journals and undo data all see the same shape.
 */
export async function toWire(value: unknown, type: string): Promise<Record<string, unknown>> {
  const { ObjectSerializer } = await import("@kubernetes/client-node/dist/gen/models/ObjectSerializer.js");
  return JSON.parse(JSON.stringify(ObjectSerializer.serialize(value, type, ""))) as Record<string, unknown>;
}

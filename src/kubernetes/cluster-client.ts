// @kubernetes/client-node, imported on first use. It costs ~0.1 s to load (bundled), so the modules
// that validation and `--help` reach (the catalog and every activity family) import it only as types
// and ask here for API clients and runtime helpers when an activity actually talks to a cluster.
import type * as ClientNodeModule from "@kubernetes/client-node";
import type {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
} from "@kubernetes/client-node";

export type ClientNode = typeof ClientNodeModule;

let loading: Promise<ClientNode> | undefined;

export function clientNode(): Promise<ClientNode> {
  loading ??= import("@kubernetes/client-node");
  return loading;
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

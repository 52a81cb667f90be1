// Generic access to one object by group/version/plural, in plain API JSON: what undo data stores
// and replays. Named groups go through the custom-objects endpoints (same REST paths as any
// /apis/<group>/<version> resource); the core group kinds we touch go through CoreV1Api.
import type { KubeConfig, V1Namespace, V1Node, V1Secret, V1Service } from "@kubernetes/client-node";
import { coreApi, customObjectsApi, type PatchKind, patchOptions, toWire } from "../cluster-client.ts";
import { ActivityFailed, type ApiCall, callApi, explainApiError, isNotFound } from "./activity-failed.ts";
import { wirePodsApi } from "./selection.ts";

export interface ObjectRef {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type Json = Record<string, unknown>;

const PAGE_SIZE = 500;

export const apiVersionOf = (ref: Pick<ObjectRef, "group" | "version">): string =>
  ref.group ? `${ref.group}/${ref.version}` : ref.version;

function callOf(verb: string, ref: ObjectRef): ApiCall {
  return {
    verb,
    resource: ref.group ? `${ref.plural}.${ref.group}` : ref.plural,
    namespace: ref.namespace,
    name: ref.name || undefined,
  };
}

const CORE_TYPES: Record<string, string> = {
  services: "V1Service",
  secrets: "V1Secret",
  namespaces: "V1Namespace",
  nodes: "V1Node",
};

function coreType(ref: ObjectRef): string {
  const type = CORE_TYPES[ref.plural];
  if (!type) throw new ActivityFailed(`internal: no generic access to core resource "${ref.plural}"`);
  return type;
}

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

interface JsonPage {
  items?: Json[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** Every object of a kind (in a namespace, or cluster-wide), plain JSON, following `continue`. */
export async function listObjects(
  kc: KubeConfig,
  kind: KindInfo,
  namespace: string | undefined,
  selectors: Selectors = {},
): Promise<Json[]> {
  return (await listObjectsAt(kc, kind, namespace, selectors)).items;
}

/**
 * As listObjects, with the list's resourceVersion (that of its first page: `continue` pages keep it),
 * from which a watch resumes without missing a change.
 */
export async function listObjectsAt(
  kc: KubeConfig,
  kind: KindInfo,
  namespace: string | undefined,
  selectors: Selectors = {},
): Promise<{ items: Json[]; resourceVersion: string | undefined }> {
  const call: ApiCall = {
    verb: "list",
    resource: kind.group ? `${kind.plural}.${kind.group}` : kind.plural,
    namespace,
  };
  const query = {
    labelSelector: selectors.labelSelector || undefined,
    fieldSelector: selectors.fieldSelector || undefined,
    limit: PAGE_SIZE,
  };
  return callApi(call, async () => {
    const items: Json[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await listPage(kc, kind, namespace, { ...query, _continue: token });
      items.push(...(page.items ?? []));
      resourceVersion ??= page.metadata?.resourceVersion || undefined;
      token = page.metadata?.continue || undefined;
    } while (token);
    return { items, resourceVersion };
  });
}

async function listPage(
  kc: KubeConfig,
  kind: KindInfo,
  namespace: string | undefined,
  query: Selectors & { limit: number; _continue?: string },
): Promise<JsonPage> {
  if (kind.group) {
    const custom = await customObjectsApi(kc);
    const { group, version, plural } = kind;
    return namespace
      ? custom.listNamespacedCustomObject({ group, version, plural, namespace, ...query })
      : custom.listClusterCustomObject({ group, version, plural, ...query });
  }
  const ns = namespace ?? "default";
  // Pods as the API server sent them: building typed V1Pods is slow and changes nothing we read.
  if (kind.plural === "pods")
    return (await wirePodsApi(kc)).listNamespacedPod({ namespace: ns, ...query }) as unknown as JsonPage;
  const core = await coreApi(kc);
  if (kind.plural === "services")
    return toWire(await core.listNamespacedService({ namespace: ns, ...query }), "V1ServiceList");
  if (kind.plural === "secrets")
    return toWire(await core.listNamespacedSecret({ namespace: ns, ...query }), "V1SecretList");
  if (kind.plural === "namespaces") return toWire(await core.listNamespace(query), "V1NamespaceList");
  if (kind.plural === "nodes") return toWire(await core.listNode(query), "V1NodeList");
  throw new ActivityFailed(`internal: no generic listing of core resource "${kind.plural}"`);
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

export async function readObject(kc: KubeConfig, ref: ObjectRef): Promise<Json> {
  return callApi(callOf("get", ref), async () => {
    if (ref.group) {
      const custom = await customObjectsApi(kc);
      const { group, version, plural, name, namespace } = ref;
      return namespace
        ? custom.getNamespacedCustomObject({ group, version, plural, name, namespace })
        : custom.getClusterCustomObject({ group, version, plural, name });
    }
    const core = await coreApi(kc);
    const namespace = ref.namespace ?? "default";
    const type = coreType(ref);
    const value =
      ref.plural === "services"
        ? await core.readNamespacedService({ name: ref.name, namespace })
        : ref.plural === "secrets"
          ? await core.readNamespacedSecret({ name: ref.name, namespace })
          : ref.plural === "namespaces"
            ? await core.readNamespace({ name: ref.name })
            : await core.readNode({ name: ref.name });
    return toWire(value, type);
  });
}

export async function createObject(kc: KubeConfig, ref: ObjectRef, body: Json): Promise<Json> {
  return callApi(callOf("create", ref), async () => {
    if (ref.group) {
      const custom = await customObjectsApi(kc);
      const { group, version, plural, namespace } = ref;
      return namespace
        ? custom.createNamespacedCustomObject({ group, version, plural, namespace, body })
        : custom.createClusterCustomObject({ group, version, plural, body });
    }
    const core = await coreApi(kc);
    const namespace = ref.namespace ?? "default";
    const type = coreType(ref);
    const value =
      ref.plural === "services"
        ? await core.createNamespacedService({ namespace, body: body as V1Service })
        : ref.plural === "secrets"
          ? await core.createNamespacedSecret({ namespace, body: body as V1Secret })
          : ref.plural === "namespaces"
            ? await core.createNamespace({ body: body as V1Namespace })
            : await core.createNode({ body: body as V1Node });
    return toWire(value, type);
  });
}

export async function replaceObject(kc: KubeConfig, ref: ObjectRef, body: Json): Promise<Json> {
  return callApi(callOf("update", ref), async () => {
    if (!ref.group) throw new ActivityFailed(`internal: no generic replace of core resource "${ref.plural}"`);
    const custom = await customObjectsApi(kc);
    const { group, version, plural, name, namespace } = ref;
    return namespace
      ? custom.replaceNamespacedCustomObject({ group, version, plural, name, namespace, body })
      : custom.replaceClusterCustomObject({ group, version, plural, name, body });
  });
}

export async function patchObject(
  kc: KubeConfig,
  ref: ObjectRef,
  body: unknown,
  strategy: PatchKind = "merge",
): Promise<Json> {
  return callApi(callOf("patch", ref), async () => {
    if (!ref.group) throw new ActivityFailed(`internal: no generic patch of core resource "${ref.plural}"`);
    const custom = await customObjectsApi(kc);
    const { group, version, plural, name, namespace } = ref;
    const options = await patchOptions(strategy);
    return namespace
      ? custom.patchNamespacedCustomObject({ group, version, plural, name, namespace, body }, options)
      : custom.patchClusterCustomObject({ group, version, plural, name, body }, options);
  });
}

/** Deletes the object; `false` when it was already gone. */
export async function deleteObject(
  kc: KubeConfig,
  ref: ObjectRef,
  options: { gracePeriodSeconds?: number; body?: { preconditions: { uid: string } } } = {},
): Promise<boolean> {
  const remove = async (): Promise<unknown> => {
    if (ref.group) {
      const custom = await customObjectsApi(kc);
      const { group, version, plural, name, namespace } = ref;
      return namespace
        ? custom.deleteNamespacedCustomObject({ group, version, plural, name, namespace, ...options })
        : custom.deleteClusterCustomObject({ group, version, plural, name, ...options });
    }
    const core = await coreApi(kc);
    const namespace = ref.namespace ?? "default";
    coreType(ref);
    if (ref.plural === "services")
      return core.deleteNamespacedService({ name: ref.name, namespace, ...options });
    if (ref.plural === "secrets")
      return core.deleteNamespacedSecret({ name: ref.name, namespace, ...options });
    if (ref.plural === "namespaces") return core.deleteNamespace({ name: ref.name, ...options });
    return core.deleteNode({ name: ref.name, ...options });
  };
  try {
    await remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw explainApiError(error, callOf("delete", ref));
  }
}

/**
 * A manifest to create the object again: identity and server-set fields removed (uid,
 * resourceVersion, status, a Service's allocated cluster IPs).
 */
export function recreatable(object: Json): Json {
  const { status: _status, ...rest } = object;
  const metadata = (object.metadata ?? {}) as Json;
  const kept: Json = {};
  for (const key of ["name", "namespace", "labels", "annotations"]) {
    if (metadata[key] !== undefined) kept[key] = metadata[key];
  }
  const manifest: Json = { ...rest, metadata: kept };
  if (object.kind === "Service" && manifest.spec && typeof manifest.spec === "object") {
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = manifest.spec as Json;
    manifest.spec = spec;
  }
  return manifest;
}

export type KindInfo = Omit<ObjectRef, "name" | "namespace">;

export const Kinds = {
  Pod: { group: "", version: "v1", plural: "pods", kind: "Pod" },
  Deployment: { group: "apps", version: "v1", plural: "deployments", kind: "Deployment" },
  StatefulSet: { group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet" },
  DaemonSet: { group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet" },
  ReplicaSet: { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet" },
  Service: { group: "", version: "v1", plural: "services", kind: "Service" },
  Secret: { group: "", version: "v1", plural: "secrets", kind: "Secret" },
  Namespace: { group: "", version: "v1", plural: "namespaces", kind: "Namespace" },
  Node: { group: "", version: "v1", plural: "nodes", kind: "Node" },
  Ingress: { group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress" },
  NetworkPolicy: {
    group: "networking.k8s.io",
    version: "v1",
    plural: "networkpolicies",
    kind: "NetworkPolicy",
  },
  PodDisruptionBudget: {
    group: "policy",
    version: "v1",
    plural: "poddisruptionbudgets",
    kind: "PodDisruptionBudget",
  },
} satisfies Record<string, KindInfo>;

/** The API path of a kind's objects in a namespace, or across all namespaces (and for cluster-scoped kinds). */
export function collectionPath(kind: KindInfo, namespace?: string): string {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return namespace === undefined
    ? `${base}/${kind.plural}`
    : `${base}/namespaces/${namespace}/${kind.plural}`;
}

export function refTo(kind: KindInfo, name: string, namespace?: string): ObjectRef {
  return namespace === undefined ? { ...kind, name } : { ...kind, name, namespace };
}

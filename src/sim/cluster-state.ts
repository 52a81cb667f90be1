import { applyDefaults, validate } from "./admission.ts";
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  staleResourceVersion,
} from "./api-errors.ts";
import { type KubeObject, ObjectStore, rfc3339 } from "./object-store.ts";
import type { SimTiming } from "./options.ts";
import { jsonPatch, mergePatch, strategicMergePatch } from "./patch.ts";
import { SeededRandom } from "./random.ts";
import { apiVersionOf, ResourceRegistry, type ResourceType } from "./resource-types.ts";
import { TimerSet } from "./timers.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The object as it is now (terminating) or as it was when removed. */
  object: KubeObject;
  /** True when the object is no longer stored. */
  removed: boolean;
}

export interface WriteOptions {
  /** Admit and answer as usual but store nothing (`?dryRun=All`). */
  dryRun?: boolean;
}

export interface PatchOptions extends WriteOptions {
  fieldManager?: string;
  force?: boolean;
}

export const patchContentTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

type Obj = Record<string, unknown>;

/** Types whose objects can own other objects; deleting one of these looks for dependents. */
const ownerTypes = new Set([
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "apps/daemonsets",
  "batch/jobs",
]);

/** Types served with a status subresource: writes to the main resource keep the stored status. */
function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources.includes("status");
}

function stripForCompare(spec: Obj | undefined): string {
  const s: Obj = { ...(spec ?? {}) };
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.ephemeralContainers;
  delete s.terminationGracePeriodSeconds;
  for (const field of ["containers", "initContainers"]) {
    if (Array.isArray(s[field])) s[field] = (s[field] as Obj[]).map(({ image: _i, ...rest }) => rest);
  }
  return JSON.stringify(s);
}

/**
 * The API semantics shared by the HTTP handlers and the controllers: admission, optimistic concurrency,
 * patches, graceful deletion and garbage collection, over the object store.
 */
export class ClusterState {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;
  readonly random: SeededRandom;
  readonly timers: TimerSet;
  readonly timing: SimTiming;
  readonly errors: unknown[] = [];
  private nodeCount = 0;

  constructor(options: { seed: number; timing: SimTiming; watchHistory: number }) {
    this.random = new SeededRandom(options.seed);
    this.store = new ObjectStore(this.random, options.watchHistory);
    this.timing = options.timing;
    this.timers = new TimerSet((error) => this.errors.push(error));
  }

  /** A jittered delay of the configured timing. */
  delay(base: number): number {
    return this.random.jittered(base, this.timing.jitter);
  }

  now(): string {
    return rfc3339(new Date());
  }

  type(group: string, plural: string): ResourceType {
    const type = this.registry.all().find((t) => t.group === group && t.plural === plural);
    if (!type) throw new Error(`internal: unknown resource ${group}/${plural}`);
    return type;
  }

  get(group: string, plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(this.type(group, plural), namespace, name);
  }

  list(group: string, plural: string, namespace?: string): KubeObject[] {
    return this.store.list(this.type(group, plural), namespace);
  }

  /** Unsorted objects of a type, for controllers. */
  scan(group: string, plural: string, namespace?: string): KubeObject[] {
    return this.store.scan(this.type(group, plural), namespace);
  }

  /** Pods in a namespace whose controller is `owner`. */
  podsOf(owner: KubeObject): KubeObject[] {
    const uid = owner.metadata.uid;
    return this.scan("", "pods", owner.metadata.namespace).filter((p) =>
      (p.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid),
    );
  }

  /** Stores a new version written by a controller; no concurrency check. */
  write(group: string, plural: string, obj: KubeObject): KubeObject {
    return this.store.replace(this.type(group, plural), obj);
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    write: WriteOptions = {},
  ): KubeObject {
    const input = this.checkBody(type, body);
    const meta: Partial<KubeObject["metadata"]> & { name?: string } = { ...input.metadata };
    if (meta.resourceVersion) throw badRequest("resourceVersion should not be set on objects to be created");
    if (type.namespaced) {
      const ns = namespace ?? meta.namespace ?? "default";
      if (meta.namespace && meta.namespace !== ns) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = ns;
      const nsObject = this.get("", "namespaces", undefined, ns);
      if (!nsObject) throw notFound(this.type("", "namespaces"), ns);
      if (nsObject.metadata.deletionTimestamp && type.plural !== "events") {
        throw new ApiError(
          403,
          `${type.plural} "${meta.name ?? ""}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          "Forbidden",
          { name: meta.name, group: type.group, kind: type.plural },
        );
      }
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${this.random.nameSuffix(5)}`;
    delete meta.uid;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.creationTimestamp;
    delete meta.generation;
    const candidate = { ...input, metadata: meta } as KubeObject;
    const error = validate(type, candidate);
    if (error) throw error;
    const name = candidate.metadata.name;
    if (this.store.get(type, candidate.metadata.namespace, name)) throw alreadyExists(type, name);
    if (write.dryRun) {
      const admitted = applyDefaults(type, candidate, this.random, this.nodeCount + 1);
      return {
        ...admitted,
        metadata: { ...admitted.metadata, uid: this.random.uuid(), creationTimestamp: this.now() },
      };
    }
    const nodeIndex = type.plural === "nodes" ? ++this.nodeCount : 0;
    return this.store.insert(type, applyDefaults(type, candidate, this.random, nodeIndex));
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource?: string,
    write: WriteOptions = {},
  ): KubeObject {
    const existing = this.require(type, namespace, name);
    const input = this.checkBody(type, body);
    if (input.metadata.name && input.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (type.namespaced && input.metadata.namespace && input.metadata.namespace !== namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw staleResourceVersion(type, name);
    if (!rv && type.custom) {
      throw invalid(type, name, [
        { field: "metadata.resourceVersion", message: "Invalid value: 0x0: must be specified for an update" },
      ]);
    }
    return this.storeUpdate(
      type,
      existing,
      { ...input, metadata: { ...input.metadata, name } },
      subresource,
      write,
    );
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    options: PatchOptions,
    subresource?: string,
  ): { object: KubeObject; created: boolean } {
    const existing = this.store.get(type, namespace, name);
    const base = contentType.split(";")[0]!.trim();
    if (base === "application/apply-patch+yaml") {
      if (!options.fieldManager) {
        throw new ApiError(
          422,
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          "Invalid",
          {
            group: "meta.k8s.io",
            kind: "PatchOptions",
            causes: [
              {
                reason: "FieldValueRequired",
                message: "Required value: is required for apply patch",
                field: "fieldManager",
              },
            ],
          },
        );
      }
      const applied = this.checkBody(type, body);
      if (applied.metadata.name && applied.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      if (!existing) {
        const created = this.create(
          type,
          namespace,
          { ...applied, metadata: { ...applied.metadata, name } },
          options,
        );
        return { object: created, created: true };
      }
      const merged = (
        type.custom ? mergePatch(existing, applied) : strategicMergePatch(existing, applied)
      ) as KubeObject;
      return { object: this.storeUpdate(type, existing, merged, subresource, options), created: false };
    }
    if (!existing) throw notFound(type, name);
    let patched: KubeObject;
    if (base === "application/json-patch+json") patched = jsonPatch(existing, body) as KubeObject;
    else if (base === "application/merge-patch+json") patched = mergePatch(existing, body) as KubeObject;
    else if (base === "application/strategic-merge-patch+json") {
      if (type.custom) {
        throw new ApiError(
          415,
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
          "UnsupportedMediaType",
        );
      }
      patched = strategicMergePatch(existing, body) as KubeObject;
    } else {
      throw new ApiError(
        415,
        `the body of the request was in an unknown format - accepted media types include: ${patchContentTypes.join(", ")}`,
        "UnsupportedMediaType",
      );
    }
    if (!patched || typeof patched !== "object" || typeof patched.metadata !== "object") {
      throw badRequest("the patch removed the object's metadata");
    }
    if (patched.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw staleResourceVersion(type, name);
    }
    if (patched.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    return { object: this.storeUpdate(type, existing, patched, subresource, options), created: false };
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const existing = this.require(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    const key = `${type.group}/${type.plural}`;
    if (key === "/pods") return this.deletePod(type, existing, options);
    if (key === "/namespaces") {
      if (existing.metadata.deletionTimestamp) return { object: existing, removed: false };
      const object = this.store.replace(type, {
        ...existing,
        metadata: { ...existing.metadata, deletionTimestamp: this.now(), deletionGracePeriodSeconds: 0 },
        status: { ...existing.status, phase: "Terminating" },
      });
      return { object, removed: false };
    }
    const removed = this.store.remove(type, namespace, name)!;
    if (type.group === "apiextensions.k8s.io") this.registry.removeCrd(removed);
    if (ownerTypes.has(key) || type.custom)
      this.collectDependents(removed, options.propagationPolicy ?? "Background");
    return { object: removed, removed: true };
  }

  /** Removes a pod right away (kubelet finished, node gone, or grace period 0). */
  removePod(namespace: string, name: string): void {
    this.store.remove(this.type("", "pods"), namespace, name);
  }

  private deletePod(type: ResourceType, pod: KubeObject, options: DeleteOptions): DeleteResult {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    const spec = pod.spec ?? {};
    const phase = String(pod.status?.phase ?? "Pending");
    const requested = options.gracePeriodSeconds ?? Number(spec.terminationGracePeriodSeconds ?? 30);
    const grace = Math.max(0, requested);
    if (grace === 0 || !spec.nodeName || phase === "Succeeded" || phase === "Failed") {
      const removed = this.store.remove(type, ns, name)!;
      return { object: removed, removed: true };
    }
    const current = pod.metadata.deletionGracePeriodSeconds;
    if (current !== undefined && current <= grace) return { object: pod, removed: false };
    const object = this.store.replace(type, {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: rfc3339(new Date(Date.now() + grace * 1000)),
        deletionGracePeriodSeconds: grace,
      },
    });
    return { object, removed: false };
  }

  private collectDependents(owner: KubeObject, policy: string): void {
    const uid = owner.metadata.uid;
    this.timers.schedule(0, () => {
      for (const type of this.registry.all()) {
        if (!type.stored) continue;
        for (const obj of this.store.list(type)) {
          const refs = obj.metadata.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === uid)) continue;
          if (policy === "Orphan") {
            this.store.replace(type, {
              ...obj,
              metadata: { ...obj.metadata, ownerReferences: refs.filter((r) => r.uid !== uid) },
            });
          } else if (!obj.metadata.deletionTimestamp) {
            this.delete(type, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: "Background" });
          }
        }
      }
    });
  }

  private require(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const existing = this.store.get(type, namespace, name);
    if (!existing) throw notFound(type, name);
    return existing;
  }

  private checkBody(type: ResourceType, body: unknown): KubeObject {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw badRequest(`the body of the request must be a ${type.kind} object`);
    }
    const obj = body as Obj;
    const expectedVersion = apiVersionOf(type);
    const apiVersion = obj.apiVersion === undefined ? expectedVersion : String(obj.apiVersion);
    const kind = obj.kind === undefined ? type.kind : String(obj.kind);
    if (kind !== type.kind || (apiVersion !== expectedVersion && !apiVersion.startsWith(`${type.group}/`))) {
      throw badRequest(
        `the API version in the data (${apiVersion}) does not match the expected API version (${expectedVersion}) or the kind ${kind} is not ${type.kind}`,
      );
    }
    const metadata =
      obj.metadata && typeof obj.metadata === "object"
        ? (obj.metadata as KubeObject["metadata"])
        : ({} as KubeObject["metadata"]);
    return { ...obj, apiVersion: expectedVersion, kind: type.kind, metadata: { ...metadata } } as KubeObject;
  }

  private storeUpdate(
    type: ResourceType,
    existing: KubeObject,
    next: KubeObject,
    subresource?: string,
    write: WriteOptions = {},
  ): KubeObject {
    let candidate: KubeObject;
    const systemMeta = {
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      resourceVersion: existing.metadata.resourceVersion,
      namespace: existing.metadata.namespace,
      name: existing.metadata.name,
      ...(existing.metadata.deletionTimestamp
        ? {
            deletionTimestamp: existing.metadata.deletionTimestamp,
            deletionGracePeriodSeconds: existing.metadata.deletionGracePeriodSeconds,
          }
        : {}),
    };
    if (subresource === "status") {
      candidate = { ...existing, status: next.status };
    } else if (subresource === "ephemeralcontainers") {
      candidate = {
        ...existing,
        spec: { ...existing.spec, ephemeralContainers: next.spec?.ephemeralContainers ?? [] },
      };
    } else {
      const metadata = { ...next.metadata };
      delete metadata.deletionTimestamp;
      delete metadata.deletionGracePeriodSeconds;
      candidate = {
        ...next,
        apiVersion: existing.apiVersion,
        kind: existing.kind,
        metadata: { ...metadata, ...systemMeta },
      };
      if (hasStatusSubresource(type)) candidate.status = existing.status;
      if (candidate.status === undefined) delete candidate.status;
      this.checkImmutable(type, existing, candidate);
    }
    const error = validate(type, candidate);
    if (error) throw error;
    if (write.dryRun) return candidate;
    return this.store.replace(type, candidate);
  }

  private checkImmutable(type: ResourceType, existing: KubeObject, next: KubeObject): void {
    const key = `${type.group}/${type.plural}`;
    if (key === "/pods" && stripForCompare(existing.spec) !== stripForCompare(next.spec)) {
      throw invalid(type, existing.metadata.name, [
        {
          field: "spec",
          message:
            "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
          reason: "FieldValueForbidden",
        },
      ]);
    }
    if (
      key.startsWith("apps/") &&
      JSON.stringify(existing.spec?.selector) !== JSON.stringify(next.spec?.selector)
    ) {
      throw invalid(type, existing.metadata.name, [
        {
          field: "spec.selector",
          message: `Invalid value: ${JSON.stringify(next.spec?.selector)}: field is immutable`,
        },
      ]);
    }
  }
}

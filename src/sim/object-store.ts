import { gone } from "./api-errors.ts";
import type { SeededRandom } from "./random.ts";
import { type ResourceType, typeKey } from "./resource-types.ts";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** A stored object. Stored objects are never mutated: every write stores a new object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  resourceVersion: number;
  typeKey: string;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED write. */
  previous?: KubeObject;
}

export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

export class ObjectStore {
  private revision = 100;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  /** Each bucket's keys in list order; dropped when a key is added or removed, kept across updates. */
  private readonly orders = new Map<string, string[]>();
  private readonly history: StoreEvent[] = [];
  private readonly historyLimit: number;
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly random: SeededRandom;
  /** The oldest resourceVersion a watch can resume from. */
  private compactedThrough = 0;

  constructor(random: SeededRandom, historyLimit: number) {
    this.random = random;
    this.historyLimit = Math.max(1, historyLimit);
  }

  get resourceVersion(): number {
    return this.revision;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets
      .get(typeKey(type.group, type.plural))
      ?.get(objectKey(type.namespaced ? namespace : undefined, name));
  }

  /** Objects of a type, sorted by namespace then name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(typeKey(type.group, type.plural));
    if (!bucket) return [];
    const prefix = namespace && type.namespaced ? `${namespace}/` : undefined;
    const out: KubeObject[] = [];
    for (const key of this.order(typeKey(type.group, type.plural), bucket)) {
      if (prefix === undefined || key.startsWith(prefix)) out.push(bucket.get(key)!);
    }
    return out;
  }

  /** Objects of a type in no particular order (cheaper than list, for controllers). */
  scan(type: ResourceType, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(typeKey(type.group, type.plural));
    if (!bucket) return [];
    const out: KubeObject[] = [];
    const prefix = namespace && type.namespaced ? `${namespace}/` : undefined;
    for (const [key, obj] of bucket) {
      if (prefix === undefined || key.startsWith(prefix)) out.push(obj);
    }
    return out;
  }

  count(type: ResourceType): number {
    return this.buckets.get(typeKey(type.group, type.plural))?.size ?? 0;
  }

  insert(type: ResourceType, input: KubeObject): KubeObject {
    const meta = input.metadata;
    const obj: KubeObject = {
      ...input,
      metadata: {
        ...meta,
        uid: meta.uid || this.random.uuid(),
        resourceVersion: String(++this.revision),
        creationTimestamp: meta.creationTimestamp || rfc3339(new Date()),
      },
    };
    if (!type.namespaced) delete obj.metadata.namespace;
    if (obj.spec !== undefined && obj.metadata.generation === undefined) obj.metadata.generation = 1;
    this.orders.delete(typeKey(type.group, type.plural));
    this.bucket(type).set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
    this.record({
      type: "ADDED",
      resourceVersion: this.revision,
      typeKey: typeKey(type.group, type.plural),
      object: obj,
    });
    return obj;
  }

  /** Stores a new version of an existing object; returns the previous object unchanged when nothing changed. */
  replace(type: ResourceType, input: KubeObject): KubeObject {
    const key = objectKey(type.namespaced ? input.metadata.namespace : undefined, input.metadata.name);
    const bucket = this.bucket(type);
    const previous = bucket.get(key);
    if (!previous) throw new Error(`internal: replace of missing ${type.plural} ${key}`);
    const candidate: KubeObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: previous.metadata.uid,
        creationTimestamp: previous.metadata.creationTimestamp,
        resourceVersion: previous.metadata.resourceVersion,
      },
    };
    if (previous.metadata.generation !== undefined) {
      candidate.metadata.generation =
        specOf(previous) === specOf(candidate)
          ? previous.metadata.generation
          : previous.metadata.generation + 1;
    }
    if (JSON.stringify(candidate) === JSON.stringify(previous)) return previous;
    candidate.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, candidate);
    this.record({
      type: "MODIFIED",
      resourceVersion: this.revision,
      typeKey: typeKey(type.group, type.plural),
      object: candidate,
      previous,
    });
    return candidate;
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const bucket = this.bucket(type);
    const previous = bucket.get(key);
    if (!previous) return undefined;
    bucket.delete(key);
    this.orders.delete(typeKey(type.group, type.plural));
    const finalObject: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(++this.revision) },
    };
    this.record({
      type: "DELETED",
      resourceVersion: this.revision,
      typeKey: typeKey(type.group, type.plural),
      object: finalObject,
      previous,
    });
    return finalObject;
  }

  /** True when events after `resourceVersion` are no longer all kept. */
  isCompacted(resourceVersion: number): boolean {
    return resourceVersion < this.compactedThrough;
  }

  /** Events after `resourceVersion`, or 410 Gone when history no longer reaches back that far. */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (this.isCompacted(resourceVersion)) {
      throw gone(`too old resource version: ${resourceVersion} (${this.compactedThrough})`);
    }
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Sorting 100,000 pods for every page of a list made paging quadratic: sort once per key set. */
  private order(key: string, bucket: Map<string, KubeObject>): string[] {
    let order = this.orders.get(key);
    if (!order) {
      order = [...bucket.keys()].sort((a, b) => compareKeys(bucket.get(a)!, bucket.get(b)!));
      this.orders.set(key, order);
    }
    return order;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type.group, type.plural);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit * 1.25) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedThrough = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const listener of [...this.listeners]) listener(event);
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? "";
  const nb = b.metadata.namespace ?? "";
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

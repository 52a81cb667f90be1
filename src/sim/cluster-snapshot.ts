// What "the cluster is as it was" means for a chaos run: the objects chaos actions change, reduced
// to the fields that matter, and pods counted per owner. Fields that legitimately move (resource
// versions, uids of recreated objects, timestamps, generations, status, allocated cluster IPs) are
// left out. Pure: objects in, a snapshot out; two snapshots in, their differences in words out.
import type { KubeObject } from "./object-store.ts";

/** The resources a snapshot covers: what chaos actions change, and what they may create. */
export const snapshotResources = [
  { group: "", plural: "namespaces" },
  { group: "", plural: "nodes" },
  { group: "", plural: "services" },
  { group: "", plural: "configmaps" },
  { group: "", plural: "secrets" },
  { group: "", plural: "pods" },
  { group: "apps", plural: "deployments" },
  { group: "apps", plural: "statefulsets" },
  { group: "apps", plural: "daemonsets" },
  { group: "networking.k8s.io", plural: "networkpolicies" },
  { group: "networking.k8s.io", plural: "ingresses" },
  { group: "policy", plural: "poddisruptionbudgets" },
  { group: "coordination.k8s.io", plural: "leases" },
] as const;

/** Entries keyed "Kind namespace/name" (or "pods of Kind namespace/name"), each a plain JSON value. */
export interface ClusterSnapshot {
  entries: Record<string, unknown>;
}

/** Annotations controllers maintain themselves. */
const controllerAnnotations = new Set(["deployment.kubernetes.io/revision"]);

function objectName(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

function relevantMetadata(obj: KubeObject): Record<string, unknown> {
  const { labels, annotations, deletionTimestamp } = obj.metadata;
  const kept: Record<string, unknown> = {};
  if (labels && Object.keys(labels).length > 0) kept.labels = labels;
  const ours = Object.entries(annotations ?? {}).filter(([key]) => !controllerAnnotations.has(key));
  if (ours.length > 0) kept.annotations = Object.fromEntries(ours);
  if (deletionTimestamp) kept.terminating = true;
  return kept;
}

function relevantContent(obj: KubeObject): Record<string, unknown> {
  const {
    apiVersion: _v,
    kind: _k,
    metadata: _m,
    status: _s,
    ...content
  } = obj as KubeObject & {
    spec?: Record<string, unknown>;
  };
  if (obj.kind === "Service" && content.spec) {
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = content.spec as Record<string, unknown>;
    content.spec = spec;
  }
  if (obj.kind === "Node" && content.spec) {
    const { unschedulable, taints, ...spec } = content.spec;
    // The API server omits `unschedulable: false`: it means the same as no value.
    if (unschedulable === true) spec.unschedulable = true;
    if (Array.isArray(taints)) {
      spec.taints = (taints as Array<Record<string, unknown>>).map(({ timeAdded: _t, ...taint }) => taint);
    }
    content.spec = spec;
  }
  // Who holds a Lease and when it was renewed moves all the time; that one exists is what counts.
  if (obj.kind === "Lease") delete content.spec;
  return content;
}

function ownerOf(pod: KubeObject): string {
  const owner =
    pod.metadata.ownerReferences?.find((ref) => ref.controller) ?? pod.metadata.ownerReferences?.[0];
  const namespace = pod.metadata.namespace ?? "";
  return owner ? `pods of ${owner.kind} ${namespace}/${owner.name}` : `pods without owner in ${namespace}`;
}

/** Reduces the listed objects to a snapshot. Pods count per owner and phase; terminating pods not at all. */
export function snapshotOf(objects: Iterable<KubeObject>): ClusterSnapshot {
  const entries: Record<string, unknown> = {};
  for (const obj of objects) {
    if (obj.kind === "Lease" && obj.metadata.namespace === "kube-node-lease") continue;
    if (obj.kind === "Pod") {
      if (obj.metadata.deletionTimestamp) continue;
      const key = ownerOf(obj);
      const phases = (entries[key] ?? {}) as Record<string, number>;
      const phase = String(obj.status?.phase ?? "Pending");
      phases[phase] = (phases[phase] ?? 0) + 1;
      entries[key] = phases;
      continue;
    }
    entries[`${obj.kind} ${objectName(obj)}`] = { metadata: relevantMetadata(obj), ...relevantContent(obj) };
  }
  return { entries };
}

function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    // An empty object says nothing more than an absent one.
    for (const key of Object.keys(value))
      flatten((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, into);
    return;
  }
  into.set(path, JSON.stringify(value));
}

function describePods(value: unknown): string {
  const phases = Object.entries((value ?? {}) as Record<string, number>);
  if (phases.length === 0) return "none";
  return phases
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([phase, count]) => `${count} ${phase}`)
    .join(", ");
}

/** The differences from `before` to `after`, one sentence each, in a stable order; none when equal. */
export function diffSnapshots(before: ClusterSnapshot, after: ClusterSnapshot): string[] {
  const keys = [...new Set([...Object.keys(before.entries), ...Object.keys(after.entries)])].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const was = before.entries[key];
    const is = after.entries[key];
    if (key.startsWith("pods ")) {
      const from = describePods(was);
      const to = describePods(is);
      if (from !== to) differences.push(`${key}: ${from} before, ${to} after`);
      continue;
    }
    if (was === undefined) {
      differences.push(`${key}: created, and still there`);
      continue;
    }
    if (is === undefined) {
      differences.push(`${key}: deleted, and not there any more`);
      continue;
    }
    const fieldsBefore = new Map<string, string>();
    const fieldsAfter = new Map<string, string>();
    flatten(was, "", fieldsBefore);
    flatten(is, "", fieldsAfter);
    const paths = [...new Set([...fieldsBefore.keys(), ...fieldsAfter.keys()])].sort();
    const changes = paths
      .filter((path) => fieldsBefore.get(path) !== fieldsAfter.get(path))
      .map(
        (path) => `${path} ${fieldsBefore.get(path) ?? "(unset)"} → ${fieldsAfter.get(path) ?? "(unset)"}`,
      );
    if (changes.length > 0) differences.push(`${key}: ${changes.join("; ")}`);
  }
  return differences;
}

import type { KubeObject } from "../object-store.ts";
import { isPodActive, isPodReady, readySince } from "../pod-status.ts";

export interface PodCounts {
  active: KubeObject[];
  ready: number;
  available: number;
  /** Milliseconds until the next ready pod becomes available (minReadySeconds), if any. */
  nextAvailableInMs: number | undefined;
}

export function countPods(pods: KubeObject[], minReadySeconds: number, now = Date.now()): PodCounts {
  const active = pods.filter(isPodActive);
  let ready = 0;
  let available = 0;
  let nextAvailableInMs: number | undefined;
  for (const pod of active) {
    if (!isPodReady(pod)) continue;
    ready++;
    const since = readySince(pod) ?? now;
    // Condition times have second precision: count a pod available once the whole second has passed.
    const wait = since + minReadySeconds * 1000 - now;
    if (minReadySeconds <= 0 || wait <= 0) available++;
    else nextAvailableInMs = Math.min(nextAvailableInMs ?? wait, wait);
  }
  return { active, ready, available, nextAvailableInMs };
}

/** Status fields that a real API server omits when zero (omitempty). */
export function withoutZeros(status: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) {
    if (v === 0 && !keep.includes(k)) continue;
    if (v === undefined) continue;
    out[k] = v;
  }
  return out;
}

export function ownerKey(obj: KubeObject | undefined, kind: string): string[] {
  if (!obj) return [];
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true && r.kind === kind);
  return ref ? [`${obj.metadata.namespace}/${ref.name}`] : [];
}

/** Pods to remove first when scaling down: unscheduled, pending, not ready, then the newest. */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (p: KubeObject) =>
    !p.spec?.nodeName ? 0 : p.status?.phase === "Pending" ? 1 : !isPodReady(p) ? 2 : 3;
  const diff = rank(a) - rank(b);
  if (diff !== 0) return diff;
  return a.metadata.creationTimestamp > b.metadata.creationTimestamp
    ? -1
    : a.metadata.creationTimestamp < b.metadata.creationTimestamp
      ? 1
      : b.metadata.name.localeCompare(a.metadata.name);
}

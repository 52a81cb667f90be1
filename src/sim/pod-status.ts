import type { KubeObject } from "./object-store.ts";

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  lastUpdateTime?: string;
  [key: string]: unknown;
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const conditions = obj.status?.conditions;
  return Array.isArray(conditions) ? (conditions as Condition[]) : [];
}

export function conditionStatus(obj: KubeObject, type: string): string | undefined {
  return conditionsOf(obj).find((c) => c.type === type)?.status;
}

/** Replaces or adds a condition; keeps lastTransitionTime when the status did not change. */
export function withCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    lastTransitionTime: existing && existing.status === next.status ? existing.lastTransitionTime : now,
  };
  if (
    existing &&
    existing.status === next.status &&
    existing.reason === next.reason &&
    existing.message === next.message
  ) {
    return conditions;
  }
  return existing ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged];
}

export function isTerminating(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

export function podPhase(pod: KubeObject): string {
  return String(pod.status?.phase ?? "Pending");
}

export function isPodReady(pod: KubeObject): boolean {
  return conditionStatus(pod, "Ready") === "True";
}

/** Counted by controllers: not terminating and not finished. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return !isTerminating(pod) && phase !== "Succeeded" && phase !== "Failed";
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (r) => r.controller === true && r.uid === owner.metadata.uid,
  );
}

export function controllerOf(obj: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function podContainers(pod: KubeObject): Array<Record<string, unknown>> {
  const containers = pod.spec?.containers;
  return Array.isArray(containers) ? (containers as Array<Record<string, unknown>>) : [];
}

/** The moment the pod last became Ready, for minReadySeconds. */
export function readySince(pod: KubeObject): number | undefined {
  const ready = conditionsOf(pod).find((c) => c.type === "Ready" && c.status === "True");
  return ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : undefined;
}

/** Integer or percentage ("25%") of a total, rounded up or down. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.endsWith("%")) {
    const raw = (Number.parseInt(value, 10) * total) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  }
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return 0;
}

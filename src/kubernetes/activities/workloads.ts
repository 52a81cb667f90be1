// What the workload modules (deployment, statefulset, daemonset, replicaset, service...) share:
// finding objects by name or label selector, deleting them, and waiting on their readiness.
import type { KubeConfig } from "@kubernetes/client-node";
import type { NativeContext } from "../../providers/native.ts";
import { listForProbe } from "../list-cache.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optString, str } from "./arguments.ts";
import {
  apiVersionOf,
  collectionPath,
  type Json,
  type KindInfo,
  listObjects,
  refTo,
} from "./object-access.ts";
import { watchForState } from "./readiness.ts";
import { formatNameTemplate } from "./selection.ts";
import { type TargetSet, targetSet } from "./target-set.ts";
import { type Change, deleteTracked } from "./tracked-changes.ts";

export const nameField = (name: string | undefined) => (name ? `metadata.name=${name}` : undefined);

export const nameOf = (object: Json): string => String(((object.metadata ?? {}) as Json).name ?? "");

export function statusOf(object: Json): Json {
  return (object.status ?? {}) as Json;
}

export function specOf(object: Json): Json {
  return (object.spec ?? {}) as Json;
}

/** A count the API server omits when it is zero. */
export function count(record: Json, key: string): number {
  const value = record[key];
  return typeof value === "number" ? value : 0;
}

/** The objects a delete by `name`, else `label_selector`, would remove; neither is refused. */
export async function selectForDeletion(
  kc: KubeConfig,
  kind: KindInfo,
  ns: string,
  name: string | undefined,
  labelSelector: string | undefined,
): Promise<Json[]> {
  if (!name && !labelSelector) {
    throw new ActivityFailed(
      `refusing to delete every ${kind.kind} of namespace "${ns}": give a name or a label_selector`,
    );
  }
  return listObjects(kc, kind, ns, name ? { fieldSelector: nameField(name) } : { labelSelector });
}

/** The objects a delete by `name`, else `label_selector`, in `ns` would remove. */
export async function deletionTargets(kc: KubeConfig, args: Args, kind: KindInfo): Promise<TargetSet> {
  const ns = str(args, "ns");
  const objects = await selectForDeletion(
    kc,
    kind,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
  );
  return targetSet(
    objects.map((object) => ({ kind: kind.kind, namespace: ns, name: nameOf(object) })),
    objects.length,
    [ns],
  );
}

/** Deletes by name, else label selector; returns the names deleted. */
export async function deleteSelected(
  change: Change,
  kind: KindInfo,
  ns: string,
  name: string | undefined,
  labelSelector: string | undefined,
  recreate: (object: Json) => boolean,
): Promise<string[]> {
  const objects = await selectForDeletion(change.kc, kind, ns, name, labelSelector);
  const deleted: string[] = [];
  for (const object of objects) {
    const ref = refTo(kind, nameOf(object), ns);
    if (
      await deleteTracked(
        change,
        ref,
        { apiVersion: apiVersionOf(kind), kind: kind.kind, ...object },
        { recreate: recreate(object) },
      )
    ) {
      deleted.push(ref.name);
    }
  }
  return deleted;
}

export interface ReadinessWait {
  kind: KindInfo;
  ns: string;
  name: string;
  labelSelector: string | undefined;
  timeoutSeconds: number;
  isReady: (object: Json) => boolean;
  /** Wait for ready (true) or for not ready (false). */
  want: boolean;
}

/** True as soon as the object is (not) ready, false when the timeout passes first. */
export async function awaitReadiness(
  ctx: NativeContext,
  kc: KubeConfig,
  wait: ReadinessWait,
): Promise<boolean> {
  const fieldSelector = nameField(wait.name);
  const labelSelector = wait.labelSelector ? formatNameTemplate(wait.labelSelector, wait.name) : undefined;
  const inState = (object: Json) => wait.isReady(object) === wait.want;
  // The watch below answers at once when an object already is in the state (its first events are the
  // current objects); the hypothesis during the method asks the run's watch-fed cache that first.
  if (ctx.cacheUntil) {
    const current = await listForProbe(ctx, kc, wait.kind, wait.ns, { fieldSelector, labelSelector });
    if (current.some(inState)) return true;
  }
  return watchForState({
    kc,
    path: collectionPath(wait.kind, wait.ns),
    fieldSelector,
    labelSelector,
    matches: inState,
    timeoutMs: wait.timeoutSeconds * 1000,
    signal: ctx.signal,
    clock: ctx.clock,
    call: {
      verb: "watch",
      resource: wait.kind.group ? `${wait.kind.plural}.${wait.kind.group}` : wait.kind.plural,
      namespace: wait.ns,
    },
  });
}

/** Probes with a `raise_on_*` flag: fail, or answer false when the flag is off. */
export function verdict(raise: boolean, message: string): false {
  if (raise) throw new ActivityFailed(message);
  return false;
}

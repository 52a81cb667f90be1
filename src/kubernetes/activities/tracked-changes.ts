// Every change an action makes to the cluster goes through here: the undo is registered before
// the change (and discarded only when the server refused it, so it surely did not happen), the object
// carries the run annotation, and what was touched is recorded for the journal.
import type { KubeConfig } from "@kubernetes/client-node";
import type { TouchedObject } from "../../engine/journal.ts";
import type { NativeContext, UndoStep } from "../../providers/native.ts";
import { isApiException } from "../cluster-errors.ts";
import { UndoKind } from "../undo.ts";
import { ActivityFailed, isAlreadyExists } from "./activity-failed.ts";
import { RUN_ANNOTATION, recordTouch, runIdOf } from "./cluster-context.ts";
import {
  apiVersionOf,
  createObject,
  deleteObject,
  describeRef,
  type Json,
  type ObjectRef,
  patchObject,
  readObject,
  recreatable,
} from "./object-access.ts";

export interface Change {
  ctx: NativeContext;
  kc: KubeConfig;
  /** `module.func` of the action, for the journal. */
  action: string;
}

function metadataOf(object: Json): Json {
  return (object.metadata ?? {}) as Json;
}

/** Answers by which the server refused a request outright: nothing was changed. */
const REFUSALS = new Set([400, 403, 404, 409, 422]);

/**
 * Whether a failed change surely did not happen: the server answered and refused it. A timeout, a
 * reset connection or a 5xx leaves the outcome unknown (the server may have applied it): its undo
 * stays pending, and undoing something that never happened is harmless.
 */
export function refusedByServer(error: unknown): boolean {
  const cause = error instanceof ActivityFailed ? error.cause : error;
  return isApiException(cause) && REFUSALS.has(cause.code);
}

/** Drops the undo of a change that failed, only when the server refused it. */
async function discardIfRefused(
  ctx: NativeContext,
  step: UndoStep | undefined,
  error: unknown,
): Promise<void> {
  if (step && refusedByServer(error)) await ctx.undo.discard(step);
}

export function touched(ref: ObjectRef, object?: Json): TouchedObject {
  const uid = object ? metadataOf(object).uid : undefined;
  return {
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
    ...(typeof uid === "string" ? { uid } : {}),
  };
}

export function withRunAnnotation(manifest: Json, runId: string): Json {
  const metadata = metadataOf(manifest);
  const annotations = (metadata.annotations ?? {}) as Json;
  return { ...manifest, metadata: { ...metadata, annotations: { ...annotations, [RUN_ANNOTATION]: runId } } };
}

export interface CreateOptions {
  /** Chaos Toolkit's create_custom_object answers an existing object (409) with its body. */
  existingIsFine?: boolean;
}

/** Creates the object (its name from the manifest); the undo deletes it. */
export async function createTracked(
  change: Change,
  kind: Omit<ObjectRef, "name">,
  manifest: Json,
  options: CreateOptions = {},
): Promise<Json> {
  const { ctx, kc } = change;
  const body: Json = {
    apiVersion: apiVersionOf(kind),
    kind: kind.kind,
    ...withRunAnnotation(manifest, runIdOf(ctx)),
  };
  const metadata = metadataOf(body);
  if (kind.namespace !== undefined)
    body.metadata = { ...metadata, namespace: metadata.namespace ?? kind.namespace };
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const ref: ObjectRef = { ...kind, name };
  const register = (target: ObjectRef, uid?: unknown) =>
    ctx.undo.register({
      kind: UndoKind.delete,
      description: `delete ${describeRef(target)}, created by the experiment`,
      data: { ref: target, ...(typeof uid === "string" ? { uid } : {}) },
    });
  // A name the server generates is only known once created; the undo follows at once.
  const step = name ? await register(ref) : undefined;
  let created: Json;
  try {
    created = await createObject(kc, ref, body);
  } catch (error) {
    await discardIfRefused(ctx, step, error);
    if (options.existingIsFine && error instanceof Error && isAlreadyExists(error.cause)) {
      return readObject(kc, ref);
    }
    throw error;
  }
  const createdRef = { ...ref, name: String(metadataOf(created).name ?? name) };
  // The undo deletes this object only, not one created under the same name after it.
  const uid = metadataOf(created).uid;
  if (!step) await register(createdRef, uid);
  else if (typeof uid === "string") await ctx.undo.amend?.({ ...step, data: { ...step.data, uid } });
  recordTouch(ctx, { action: change.action, objects: [touched(createdRef, created)], after: "created" });
  return created;
}

export interface DeleteOptions {
  /** Register an undo that creates the object again from its manifest. */
  recreate: boolean;
  gracePeriodSeconds?: number;
}

/** Deletes the object (given as the API answered it); the undo, if any, recreates it. */
export async function deleteTracked(
  change: Change,
  ref: ObjectRef,
  object: Json,
  options: DeleteOptions,
): Promise<boolean> {
  const { ctx, kc } = change;
  const step = options.recreate
    ? await ctx.undo.register({
        kind: UndoKind.recreate,
        description: `create ${describeRef(ref)} again, deleted by the experiment`,
        data: { ref, manifest: recreatable(object) },
      })
    : undefined;
  const deleted = await deleteObject(
    kc,
    ref,
    options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds },
  ).catch(async (error: unknown) => {
    await discardIfRefused(ctx, step, error);
    throw error;
  });
  if (!deleted && step) await ctx.undo.discard(step);
  if (deleted) recordTouch(ctx, { action: change.action, objects: [touched(ref, object)], after: "deleted" });
  return deleted;
}

/** Sets spec.replicas; the undo sets the previous count back. */
export async function scaleTracked(change: Change, ref: ObjectRef, replicas: number): Promise<number> {
  const { ctx, kc } = change;
  const current = await readObject(kc, ref);
  const previous = Number(((current.spec ?? {}) as Json).replicas ?? 1);
  const step = await ctx.undo.register({
    kind: UndoKind.scale,
    description: `scale ${describeRef(ref)} back to ${previous} replicas`,
    // What we set and which object: the undo leaves a newer value (a deploy, an HPA) alone.
    data: { ref, replicas: previous, set: replicas, uid: metadataOf(current).uid },
  });
  try {
    await patchObject(kc, ref, {
      metadata: { annotations: { [RUN_ANNOTATION]: runIdOf(ctx) } },
      spec: { replicas },
    });
  } catch (error) {
    await discardIfRefused(ctx, step, error);
    throw error;
  }
  recordTouch(ctx, {
    action: change.action,
    objects: [touched(ref, current)],
    before: { replicas: previous },
    after: { replicas },
  });
  return previous;
}

/** The fields a restore puts back: everything but identity and status, plus labels/annotations. */
function restorableFields(object: Json, only?: string[]): Json {
  const metadata = metadataOf(object);
  const fields: Json = {
    metadata: { labels: metadata.labels ?? null, annotations: metadata.annotations ?? null },
  };
  for (const [key, value] of Object.entries(object)) {
    if (["apiVersion", "kind", "metadata", "status"].includes(key)) continue;
    if (only && !only.includes(key)) continue;
    fields[key] = value;
  }
  return fields;
}

/**
 * Changes the object with `apply(current)` (a patch or a replace); the undo puts back the fields
 * it had (only `only` of them when given, e.g. ["spec"]).
 */
export async function changeTracked(
  change: Change,
  ref: ObjectRef,
  apply: (current: Json) => Promise<Json>,
  only?: string[],
): Promise<Json> {
  const { ctx, kc } = change;
  const current = await readObject(kc, ref);
  const step = await ctx.undo.register({
    kind: UndoKind.restore,
    description: `restore ${describeRef(ref)} as it was before the experiment`,
    data: { ref, fields: restorableFields(current, only) },
  });
  let changed: Json;
  try {
    changed = await apply(current);
  } catch (error) {
    await discardIfRefused(ctx, step, error);
    throw error;
  }
  // What we set, so the undo can tell a newer change (left alone) from ours (put back).
  const { metadata: _ours, ...set } = restorableFields(changed, only);
  await ctx.undo.amend?.({ ...step, data: { ...step.data, set, uid: metadataOf(current).uid } });
  // Annotated separately: the change may be a JSON Patch or a full replacement.
  changed = await patchObject(kc, ref, { metadata: { annotations: { [RUN_ANNOTATION]: runIdOf(ctx) } } });
  recordTouch(ctx, { action: change.action, objects: [touched(ref, current)], after: "changed" });
  return changed;
}

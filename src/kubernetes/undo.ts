// Replays the undo steps our actions register before they change the cluster. Each step is plain
// data (it survives the process in the undo file); replaying one twice, or one whose change never
// happened (its outcome was unknown), is harmless: a delete of what is gone, a create of what is
// there, a scale or cordon to the value the object already has all succeed. Pod deletions register
// nothing: their controllers recreate the pods.
import type { CoreV1Api, KubeConfig, V1Node } from "@kubernetes/client-node";
import type { UndoDone, UndoStep } from "../providers/native.ts";
import {
  ActivityFailed,
  callApi,
  isAlreadyExists,
  isConflict,
  isNotFound,
} from "./activities/activity-failed.ts";
import { RUN_ANNOTATION } from "./activities/cluster-context.ts";
import {
  createObject,
  deleteObject,
  describeRef,
  type Json,
  type ObjectRef,
  patchObject,
  readObject,
  replaceObject,
} from "./activities/object-access.ts";
import { coreApi, patchOptions } from "./cluster-client.ts";
import { isApiException } from "./cluster-errors.ts";

/** The undo kinds, and the data each carries. */
export const UndoKind = {
  /** data: { nodes: [{ name, unschedulable }] } — the previous value of each node. */
  nodeSchedulable: "k8s.node-schedulable",
  /** data: { ref, replicas } — the previous replica count. */
  scale: "k8s.scale",
  /** data: { ref } — an object we created. */
  delete: "k8s.delete",
  /** data: { ref, manifest } — an object we deleted. */
  recreate: "k8s.recreate",
  /** data: { ref, fields } — top-level fields (and metadata labels/annotations) before we changed them. */
  restore: "k8s.restore",
} as const;

/** Replaces tried by a restore before a conflict is reported. */
const RESTORE_ATTEMPTS = 5;

const noRunAnnotation = { metadata: { annotations: { [RUN_ANNOTATION]: null } } };

/** A stable text of a JSON value (keys sorted), to compare what we set with what is there now. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );

/** For a restore: how the object differs from what our change left (another object, or newer fields). */
function newerChange(step: UndoStep, current: Json): string | undefined {
  const { set, uid } = step.data as { set?: Json; uid?: unknown };
  if (typeof uid === "string" && ((current.metadata ?? {}) as Json).uid !== uid)
    return "is another object now (its UID changed)";
  if (!set) return undefined;
  const changed = Object.keys(set).filter((key) => canonical(current[key]) !== canonical(set[key]));
  return changed.length > 0 ? `has a newer ${changed.join(", ")} than the one we set` : undefined;
}

/** The object, or undefined when it is gone (404). */
async function readIfPresent(kc: KubeConfig, ref: ObjectRef): Promise<Json | undefined> {
  try {
    return await readObject(kc, ref);
  } catch (error) {
    if (error instanceof ActivityFailed && isNotFound(error.cause)) return undefined;
    throw error;
  }
}

function refOf(step: UndoStep): ObjectRef {
  const ref = step.data.ref as ObjectRef | undefined;
  if (!ref || typeof ref.name !== "string" || typeof ref.plural !== "string") {
    throw new ActivityFailed(`undo step "${step.description}" has no object reference`);
  }
  return ref;
}

/** Answers that no retry changes: the step stays pending for a person to look at (and `cleanup`). */
const FINAL_REFUSALS = new Set([400, 401, 403, 404, 405, 410, 415, 422]);

/**
 * Replays one step. Its error says, in `retryable`, whether trying again may help: a 5xx, a timeout,
 * a reset or a conflict may; a refusal for good (not found, forbidden, invalid, a broken step) may not.
 */
export async function executeUndo(step: UndoStep, kc: KubeConfig): Promise<UndoDone | undefined> {
  try {
    return await replay(step, kc);
  } catch (error) {
    const cause = error instanceof ActivityFailed ? error.cause : error;
    const final =
      error instanceof ActivityFailed && cause === undefined
        ? true
        : isApiException(cause) && FINAL_REFUSALS.has(cause.code);
    if (error instanceof Error) Object.assign(error, { retryable: !final });
    throw error;
  }
}

/** Why an undo leaves an object alone: it no longer holds what we set, or it is not the one we changed. */
const conflict = (what: string): UndoDone => ({
  conflict: `left alone: ${what}; a newer change (a deploy, an HPA, a GitOps controller) is not overwritten`,
});

/**
 * The nodes an undo checks, in one list (`list nodes` is what the cordon itself needed): all of them
 * for several, by name for one, so a single-node undo on a large cluster does not fetch every node.
 */
async function nodesByName(
  core: CoreV1Api,
  nodes: ReadonlyArray<{ name: string }>,
): Promise<Map<string, V1Node>> {
  const fieldSelector = nodes.length === 1 ? `metadata.name=${nodes[0]!.name}` : undefined;
  const listed = await callApi({ verb: "list", resource: "nodes" }, () => core.listNode({ fieldSelector }));
  return new Map(listed.items.map((node) => [node.metadata?.name ?? "", node]));
}

async function replay(step: UndoStep, kc: KubeConfig): Promise<UndoDone | undefined> {
  switch (step.kind) {
    case UndoKind.nodeSchedulable: {
      const nodes = (step.data.nodes ?? []) as Array<{ name: string; unschedulable: boolean }>;
      const set = step.data.set;
      const core = await coreApi(kc);
      const merge = await patchOptions("merge");
      const conflicts: string[] = [];
      const current =
        typeof set === "boolean" && nodes.length > 0 ? await nodesByName(core, nodes) : undefined;
      for (const node of nodes) {
        if (current) {
          const listed = current.get(node.name);
          if (!listed) {
            conflicts.push(`node ${node.name} no longer exists`);
            continue;
          }
          const now = listed.spec?.unschedulable === true;
          if (now !== set) {
            if (now !== node.unschedulable)
              conflicts.push(`node ${node.name} is ${now ? "cordoned" : "schedulable"}`);
            continue;
          }
        }
        await callApi({ verb: "patch", resource: "nodes", name: node.name }, () =>
          core.patchNode(
            { name: node.name, body: { ...noRunAnnotation, spec: { unschedulable: node.unschedulable } } },
            merge,
          ),
        );
      }
      return conflicts.length > 0 ? conflict(`${conflicts.join(", ")} now, not as we set it`) : undefined;
    }
    case UndoKind.scale: {
      const replicas = step.data.replicas;
      if (typeof replicas !== "number")
        throw new ActivityFailed(`undo step "${step.description}" has no replica count`);
      const ref = refOf(step);
      if (typeof step.data.set === "number") {
        const current = await readIfPresent(kc, ref);
        if (!current) return conflict(`${describeRef(ref)} no longer exists`);
        const metadata = (current.metadata ?? {}) as Json;
        if (typeof step.data.uid === "string" && metadata.uid !== step.data.uid)
          return conflict(`${describeRef(ref)} is another object now (its UID changed)`);
        const now = Number(((current.spec ?? {}) as Json).replicas ?? 1);
        if (now === replicas) return undefined;
        if (now !== step.data.set)
          return conflict(`${describeRef(ref)} has ${now} replicas now, not the ${step.data.set} we set`);
      }
      await patchObject(kc, ref, { ...noRunAnnotation, spec: { replicas } });
      return undefined;
    }
    case UndoKind.delete: {
      const ref = refOf(step);
      const uid = step.data.uid;
      if (typeof uid !== "string") {
        await deleteObject(kc, ref);
        return undefined;
      }
      try {
        // Preconditions: the server deletes it only if it is still the object we created.
        await deleteObject(kc, ref, { body: { preconditions: { uid } } });
      } catch (error) {
        if (error instanceof ActivityFailed && isConflict(error.cause))
          return conflict(`${describeRef(ref)} is another object now (its UID changed)`);
        throw error;
      }
      return undefined;
    }
    case UndoKind.recreate: {
      try {
        await createObject(kc, refOf(step), step.data.manifest as Json);
      } catch (error) {
        // Already there again (recreated by someone else, or this step replayed twice).
        if (!(error instanceof ActivityFailed && error.cause !== undefined && isAlreadyExists(error.cause)))
          throw error;
      }
      return undefined;
    }
    case UndoKind.restore: {
      const ref = refOf(step);
      const fields = (step.data.fields ?? {}) as Json;
      const previous = (fields.metadata ?? {}) as Json;
      const { metadata: _ignored, ...rest } = fields;
      // Controllers write status (a new resourceVersion) between our read and our replace, most
      // of all while the change we undo is rolling out: a conflict means read again and retry.
      for (let attempt = 1; ; attempt++) {
        const current = await readObject(kc, ref);
        const newer = newerChange(step, current);
        if (newer) return conflict(`${describeRef(ref)} ${newer}`);
        const metadata = { ...((current.metadata ?? {}) as Json) };
        for (const key of ["labels", "annotations"]) {
          if (key in previous) metadata[key] = previous[key];
        }
        try {
          await replaceObject(kc, ref, { ...current, ...rest, metadata });
          return undefined;
        } catch (error) {
          const conflict = error instanceof ActivityFailed && isConflict(error.cause);
          if (!conflict || attempt >= RESTORE_ATTEMPTS) throw error;
        }
      }
    }
    default:
      throw new ActivityFailed(`undo step "${step.description}" has an unknown kind "${step.kind}"`);
  }
}

// chaosk8s.replicaset.actions.
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { type Args, optString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { type Json, Kinds } from "./object-access.ts";
import { deleteSelected } from "./workloads.ts";

/** A ReplicaSet a Deployment controls comes back by itself; only the others are recreated by the undo. */
export function isControlled(object: Json): boolean {
  const owners = (((object.metadata ?? {}) as Json).ownerReferences ?? []) as Array<{ controller?: boolean }>;
  return owners.some((owner) => owner.controller === true);
}

async function deleteReplicaSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
  const kc = await kubeConfigOf(ctx);
  await deleteSelected(
    { ctx, kc, action: "chaosk8s.replicaset.actions.delete_replica_set" },
    Kinds.ReplicaSet,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
    (object) => !isControlled(object),
  );
  return null;
}

export const implementations: Record<string, NativeImplementation> = {
  delete_replica_set: deleteReplicaSet,
};

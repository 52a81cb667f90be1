// chaosk8s.replicaset.actions.
import type { NativeContext } from "../../providers/native.ts";
import { type Args, optString, str } from "./arguments.ts";
import { chaosk8sFunction, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { type Json, Kinds } from "./object-access.ts";
import { deleteSelected, deletionTargets } from "./workloads.ts";

/** A ReplicaSet a Deployment controls comes back by itself; only the others are recreated by the undo. */
export function isControlled(object: Json): boolean {
  const owners = (((object.metadata ?? {}) as Json).ownerReferences ?? []) as Array<{ controller?: boolean }>;
  return owners.some((owner) => owner.controller === true);
}

async function deleteReplicaSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
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

export const delete_replica_set = chaosk8sFunction({
  module: "chaosk8s.replicaset.actions",
  name: "delete_replica_set",
  kind: "action",
  summary: "Delete ReplicaSets by name or label selector (unowned ones are recreated by the undo).",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list,delete,create", "replicasets", "apps"),
  fault: { reaches: "replica set" },
  run: deleteReplicaSet,
  targets: (args, kc) => deletionTargets(kc, args, Kinds.ReplicaSet),
});

export const replicasetFunctions = [delete_replica_set];

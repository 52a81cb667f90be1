// chaosk8s.namespace.actions and chaosk8s.namespace.probes.
// A deleted namespace takes everything in it: no undo can bring that back, so none is registered.
import type { NativeContext } from "../../providers/native.ts";
import { listForProbe } from "../list-cache.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optString, reqString } from "./arguments.ts";
import { chaosk8sFunction, optional, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { createdName, existing, targetSet } from "./target-set.ts";
import { createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField } from "./workloads.ts";

const ACTIONS = "chaosk8s.namespace.actions";

async function createNamespace(args: Args, ctx: NativeContext): Promise<null> {
  const name = optString(args, "name");
  const specPath = optString(args, "spec_path");
  if (!name && !specPath) throw new ActivityFailed("create_namespace needs either a name or a spec_path");
  const manifest = specPath ? await readSpecFile(specPath, ctx.experimentDir) : { metadata: { name } };
  const kc = await kubeConfigOf(ctx);
  await createTracked({ ctx, kc, action: `${ACTIONS}.create_namespace` }, Kinds.Namespace, manifest);
  return null;
}

async function deleteNamespace(args: Args, ctx: NativeContext): Promise<null> {
  const ref = refTo(Kinds.Namespace, reqString(args, "name"));
  const kc = await kubeConfigOf(ctx);
  const namespace = await readObject(kc, ref);
  await deleteTracked({ ctx, kc, action: `${ACTIONS}.delete_namespace` }, ref, namespace, {
    recreate: false,
  });
  return null;
}

async function namespaceExists(args: Args, ctx: NativeContext): Promise<boolean> {
  const kc = await kubeConfigOf(ctx);
  const found = await listForProbe(ctx, kc, Kinds.Namespace, undefined, {
    fieldSelector: nameField(reqString(args, "name")),
  });
  return found.length > 0;
}

/** A Namespace counts as living in itself, for the guard's namespace rules. */
const namespaceTarget = (name: string) => targetSet([{ kind: "Namespace", name }], 1, [name]);

export const create_namespace = chaosk8sFunction({
  module: ACTIONS,
  name: "create_namespace",
  kind: "action",
  summary: "Create a namespace by name or from a file (deleted again by the undo).",
  params: [Param.optionalName, optional("spec_path", "string")],
  permissions: perm("create,delete", "namespaces"),
  fault: null,
  run: createNamespace,
  targets: async (args) => namespaceTarget(optString(args, "name") ?? createdName(args)),
});

export const delete_namespace = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_namespace",
  kind: "action",
  summary: "Delete a namespace and everything in it. Cannot be undone.",
  params: [Param.name],
  permissions: perm("get,delete", "namespaces"),
  fault: { reaches: "namespace" },
  run: deleteNamespace,
  targets: (args, kc) => existing(kc, Kinds.Namespace, args, reqString(args, "name"), false),
});

export const namespace_exists = chaosk8sFunction({
  module: "chaosk8s.namespace.probes",
  name: "namespace_exists",
  kind: "probe",
  summary: "The namespace exists.",
  params: [Param.name],
  permissions: perm("list", "namespaces"),
  run: namespaceExists,
});

export const namespaceFunctions = [create_namespace, delete_namespace, namespace_exists];

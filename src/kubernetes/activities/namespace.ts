// chaosk8s.namespace.actions and chaosk8s.namespace.probes.
// A deleted namespace takes everything in it: no undo can bring that back, so none is registered.
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optString, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, listObjects, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
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
  const found = await listObjects(kc, Kinds.Namespace, undefined, {
    fieldSelector: nameField(reqString(args, "name")),
  });
  return found.length > 0;
}

export const implementations: Record<string, NativeImplementation> = {
  create_namespace: createNamespace,
  delete_namespace: deleteNamespace,
  namespace_exists: namespaceExists,
};

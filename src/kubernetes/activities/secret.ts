// chaosk8s.secret.actions and chaosk8s.secret.probes.
// A deleted Secret is not recreated by an undo: that would write its data into the undo file.
import type { NativeContext } from "../../providers/native.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optString, reqString, str } from "./arguments.ts";
import { chaosk8sFunction, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, listObjects, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing } from "./target-set.ts";
import { createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField } from "./workloads.ts";

const ACTIONS = "chaosk8s.secret.actions";

async function createSecret(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.create_secret` },
    { ...Kinds.Secret, namespace: ns },
    manifest,
  );
  return null;
}

async function deleteSecret(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const ref = refTo(Kinds.Secret, reqString(args, "name"), ns);
  const kc = await kubeConfigOf(ctx);
  const deleted = await deleteTracked(
    { ctx, kc, action: `${ACTIONS}.delete_secret` },
    ref,
    {},
    { recreate: false },
  );
  if (!deleted) throw new ActivityFailed(`Secret "${ns}/${ref.name}" was not found`);
  return null;
}

async function secretExists(args: Args, ctx: NativeContext): Promise<boolean> {
  const kc = await kubeConfigOf(ctx);
  const found = await listObjects(kc, Kinds.Secret, str(args, "ns"), {
    fieldSelector: nameField(optString(args, "name")),
    labelSelector: optString(args, "label_selector"),
  });
  return found.length > 0;
}

export const create_secret = chaosk8sFunction({
  module: ACTIONS,
  name: "create_secret",
  kind: "action",
  summary: "Create a Secret from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "secrets"),
  fault: null,
  run: createSecret,
  targets: async (args) => created("Secret", args),
});

export const delete_secret = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_secret",
  kind: "action",
  summary: "Delete a Secret. Not undone: its data is never written to the undo file.",
  params: [Param.name, Param.ns],
  permissions: perm("delete", "secrets"),
  fault: { reaches: "secret" },
  run: deleteSecret,
  targets: (args, kc) => existing(kc, Kinds.Secret, args),
});

export const secret_exists = chaosk8sFunction({
  module: "chaosk8s.secret.probes",
  name: "secret_exists",
  kind: "probe",
  summary: "A Secret with the name and/or labels exists.",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list", "secrets"),
  run: secretExists,
});

export const secretFunctions = [create_secret, delete_secret, secret_exists];

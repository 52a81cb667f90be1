// chaosk8s.secret.actions and chaosk8s.secret.probes.
// A deleted Secret is not recreated by an undo: that would write its data into the undo file.
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optString, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, listObjects, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField } from "./workloads.ts";

const ACTIONS = "chaosk8s.secret.actions";

async function createSecret(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
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
  const found = await listObjects(kc, Kinds.Secret, optString(args, "ns") ?? "default", {
    fieldSelector: nameField(optString(args, "name")),
    labelSelector: optString(args, "label_selector"),
  });
  return found.length > 0;
}

export const implementations: Record<string, NativeImplementation> = {
  create_secret: createSecret,
  delete_secret: deleteSecret,
  secret_exists: secretExists,
};

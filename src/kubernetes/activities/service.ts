// chaosk8s.service.actions and chaosk8s.service.probes.
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, bool, optString, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, listObjects, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField, verdict } from "./workloads.ts";

const ACTIONS = "chaosk8s.service.actions";

async function createServiceEndpoint(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.create_service_endpoint` },
    { ...Kinds.Service, namespace: ns },
    manifest,
  );
  return null;
}

async function deleteService(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
  const ref = refTo(Kinds.Service, reqString(args, "name"), ns);
  const kc = await kubeConfigOf(ctx);
  const service = await readObject(kc, ref);
  const deleted = await deleteTracked({ ctx, kc, action: `${ACTIONS}.delete_service` }, ref, service, {
    recreate: true,
  });
  if (!deleted) throw new ActivityFailed(`Service "${ns}/${ref.name}" was not found`);
  return null;
}

async function serviceIsInitialized(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const name = optString(args, "name");
  const labelSelector = optString(args, "label_selector");
  const kc = await kubeConfigOf(ctx);
  const services = await listObjects(kc, Kinds.Service, ns, {
    fieldSelector: nameField(name),
    labelSelector,
  });
  if (services.length > 0) return true;
  const which = [name && `named "${name}"`, labelSelector && `matching "${labelSelector}"`]
    .filter(Boolean)
    .join(" and ");
  return verdict(
    bool(args, "raise_if_service_not_initialized"),
    `service ${which || "(any)"} is not initialized: none found in namespace "${ns}"`,
  );
}

export const implementations: Record<string, NativeImplementation> = {
  create_service_endpoint: createServiceEndpoint,
  delete_service: deleteService,
  service_is_initialized: serviceIsInitialized,
};

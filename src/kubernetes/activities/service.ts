// chaosk8s.service.actions and chaosk8s.service.probes.
import type { NativeContext } from "../../providers/native.ts";
import { listForProbe } from "../list-cache.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, bool, optString, reqString, str } from "./arguments.ts";
import { chaosk8sFunction, optional, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing } from "./target-set.ts";
import { createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField, verdict } from "./workloads.ts";

const ACTIONS = "chaosk8s.service.actions";
const PROBES = "chaosk8s.service.probes";

async function createServiceEndpoint(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
  const name = optString(args, "name");
  const labelSelector = optString(args, "label_selector");
  const kc = await kubeConfigOf(ctx);
  const services = await listForProbe(ctx, kc, Kinds.Service, ns, {
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

export const create_service_endpoint = chaosk8sFunction({
  module: ACTIONS,
  name: "create_service_endpoint",
  kind: "action",
  summary: "Create a Service from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "services"),
  fault: null,
  run: createServiceEndpoint,
  targets: async (args) => created("Service", args),
});

export const delete_service = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_service",
  kind: "action",
  summary: "Delete a Service (recreated by the undo).",
  params: [Param.name, Param.ns],
  permissions: perm("get,delete,create", "services"),
  fault: { reaches: "service" },
  run: deleteService,
  targets: (args, kc) => existing(kc, Kinds.Service, args),
});

export const service_is_initialized = chaosk8sFunction({
  module: PROBES,
  name: "service_is_initialized",
  kind: "probe",
  summary: "A Service with the name and/or labels exists.",
  params: [
    Param.optionalName,
    Param.ns,
    Param.labelSelector,
    optional("raise_if_service_not_initialized", "boolean", true),
  ],
  permissions: perm("list", "services"),
  run: serviceIsInitialized,
});

export const serviceFunctions = [create_service_endpoint, delete_service, service_is_initialized];

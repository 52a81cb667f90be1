// chaosk8s.daemonset.actions and chaosk8s.daemonset.probes (these probes answer false, never raise).
import type { NativeContext } from "../../providers/native.ts";
import { listForProbe } from "../list-cache.ts";
import { type Args, optObject, optString, reqInt, reqString, str } from "./arguments.ts";
import { chaosk8sFunction, Param, perm, required } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, patchObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing } from "./target-set.ts";
import { changeTracked, createTracked } from "./tracked-changes.ts";
import { awaitReadiness, count, deleteSelected, deletionTargets, nameField, statusOf } from "./workloads.ts";

const ACTIONS = "chaosk8s.daemonset.actions";
const PROBES = "chaosk8s.daemonset.probes";
const apps = "apps";

async function createDaemonSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.create_daemon_set` },
    { ...Kinds.DaemonSet, namespace: ns },
    manifest,
  );
  return null;
}

async function deleteDaemonSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const kc = await kubeConfigOf(ctx);
  await deleteSelected(
    { ctx, kc, action: `${ACTIONS}.delete_daemon_set` },
    Kinds.DaemonSet,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
    () => true,
  );
  return null;
}

/** `spec` is the patch body (Chaos Toolkit passes it as is); the undo restores the previous spec. */
async function updateDaemonSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const ref = refTo(Kinds.DaemonSet, reqString(args, "name"), ns);
  const patch = optObject(args, "spec") ?? {};
  const kc = await kubeConfigOf(ctx);
  await changeTracked(
    { ctx, kc, action: `${ACTIONS}.update_daemon_set` },
    ref,
    () => patchObject(kc, ref, patch, "strategic"),
    ["spec"],
  );
  return null;
}

async function daemonSetsNamed(args: Args, ctx: NativeContext) {
  const kc = await kubeConfigOf(ctx);
  return listForProbe(ctx, kc, Kinds.DaemonSet, str(args, "ns"), {
    fieldSelector: nameField(reqString(args, "name")),
    labelSelector: optString(args, "label_selector"),
  });
}

const daemonSetReady = (object: Record<string, unknown>) =>
  count(statusOf(object), "numberReady") === count(statusOf(object), "desiredNumberScheduled");

async function availableAndHealthy(args: Args, ctx: NativeContext): Promise<boolean> {
  const items = await daemonSetsNamed(args, ctx);
  return items.length > 0 && items.every(daemonSetReady);
}

async function partiallyAvailable(args: Args, ctx: NativeContext): Promise<boolean> {
  const [first] = await daemonSetsNamed(args, ctx);
  return first !== undefined && count(statusOf(first), "numberReady") >= 1;
}

async function readiness(args: Args, ctx: NativeContext, want: boolean): Promise<boolean> {
  const kc = await kubeConfigOf(ctx);
  return awaitReadiness(ctx, kc, {
    kind: Kinds.DaemonSet,
    ns: str(args, "ns"),
    name: reqString(args, "name"),
    labelSelector: optString(args, "label_selector"),
    timeoutSeconds: reqInt(args, "timeout"),
    isReady: daemonSetReady,
    want,
  });
}

export const create_daemon_set = chaosk8sFunction({
  module: ACTIONS,
  name: "create_daemon_set",
  kind: "action",
  summary: "Create a DaemonSet from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "daemonsets", apps),
  fault: null,
  run: createDaemonSet,
  targets: async (args) => created("DaemonSet", args),
});

export const delete_daemon_set = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_daemon_set",
  kind: "action",
  summary: "Delete DaemonSets by name or label selector (recreated by the undo).",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list,delete,create", "daemonsets", apps),
  fault: { reaches: "daemon set" },
  run: deleteDaemonSet,
  targets: (args, kc) => deletionTargets(kc, args, Kinds.DaemonSet),
});

export const update_daemon_set = chaosk8sFunction({
  module: ACTIONS,
  name: "update_daemon_set",
  kind: "action",
  summary: "Patch a DaemonSet (its previous spec is restored by the undo).",
  params: [Param.name, required("spec", "object"), Param.ns],
  permissions: perm("get,patch,update", "daemonsets", apps),
  fault: { reaches: "daemon set" },
  run: updateDaemonSet,
  targets: (args, kc) => existing(kc, Kinds.DaemonSet, args),
});

const probeParams = [Param.name, Param.ns, Param.labelSelector];

export const daemon_set_available_and_healthy = chaosk8sFunction({
  module: PROBES,
  name: "daemon_set_available_and_healthy",
  kind: "probe",
  summary: "Every matching DaemonSet has all its pods ready.",
  params: probeParams,
  permissions: perm("list", "daemonsets", apps),
  run: availableAndHealthy,
});

export const daemon_set_partially_available = chaosk8sFunction({
  module: PROBES,
  name: "daemon_set_partially_available",
  kind: "probe",
  summary: "Every matching DaemonSet has at least one pod ready.",
  params: probeParams,
  permissions: perm("list", "daemonsets", apps),
  run: partiallyAvailable,
});

export const daemon_set_not_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "daemon_set_not_fully_available",
  kind: "probe",
  summary: "Waits (watch) until the DaemonSet has fewer ready pods than wanted.",
  params: [...probeParams, Param.timeout],
  permissions: perm("watch", "daemonsets", apps),
  run: (args, ctx) => readiness(args, ctx, false),
});

export const daemon_set_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "daemon_set_fully_available",
  kind: "probe",
  summary: "Waits (watch) until all the DaemonSet's pods are ready.",
  params: [...probeParams, Param.timeout],
  permissions: perm("watch", "daemonsets", apps),
  run: (args, ctx) => readiness(args, ctx, true),
});

export const daemonsetFunctions = [
  create_daemon_set,
  delete_daemon_set,
  update_daemon_set,
  daemon_set_available_and_healthy,
  daemon_set_partially_available,
  daemon_set_not_fully_available,
  daemon_set_fully_available,
];

// chaosk8s.statefulset.actions and chaosk8s.statefulset.probes.
import type { NativeContext } from "../../providers/native.ts";
import { type Args, bool, optString, reqInt, reqString, str } from "./arguments.ts";
import { chaosk8sFunction, optional, Param, perm, required } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing } from "./target-set.ts";
import { createTracked, scaleTracked } from "./tracked-changes.ts";
import {
  awaitReadiness,
  count,
  deleteSelected,
  deletionTargets,
  specOf,
  statusOf,
  verdict,
} from "./workloads.ts";

const ACTIONS = "chaosk8s.statefulset.actions";
const PROBES = "chaosk8s.statefulset.probes";
const apps = "apps";

async function createStatefulset(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.create_statefulset` },
    { ...Kinds.StatefulSet, namespace: ns },
    manifest,
  );
  return null;
}

async function scaleStatefulset(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const kc = await kubeConfigOf(ctx);
  await scaleTracked(
    { ctx, kc, action: `${ACTIONS}.scale_statefulset` },
    refTo(Kinds.StatefulSet, reqString(args, "name"), ns),
    reqInt(args, "replicas"),
  );
  return null;
}

async function removeStatefulset(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const kc = await kubeConfigOf(ctx);
  await deleteSelected(
    { ctx, kc, action: `${ACTIONS}.remove_statefulset` },
    Kinds.StatefulSet,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
    () => true,
  );
  return null;
}

const statefulsetReady = (object: Record<string, unknown>) =>
  count(statusOf(object), "readyReplicas") === count(specOf(object), "replicas");

async function readiness(args: Args, ctx: NativeContext, want: boolean, raiseFlag: string): Promise<boolean> {
  const ns = str(args, "ns");
  const name = reqString(args, "name");
  const timeoutSeconds = reqInt(args, "timeout");
  const kc = await kubeConfigOf(ctx);
  const reached = await awaitReadiness(ctx, kc, {
    kind: Kinds.StatefulSet,
    ns,
    name,
    labelSelector: optString(args, "label_selector"),
    timeoutSeconds,
    isReady: statefulsetReady,
    want,
  });
  if (reached) return true;
  return verdict(
    bool(args, raiseFlag),
    want
      ? `StatefulSet "${ns}/${name}" did not get all its replicas ready within ${timeoutSeconds}s`
      : `StatefulSet "${ns}/${name}" stayed fully available for ${timeoutSeconds}s`,
  );
}

export const create_statefulset = chaosk8sFunction({
  module: ACTIONS,
  name: "create_statefulset",
  kind: "action",
  summary: "Create a StatefulSet from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "statefulsets", apps),
  fault: null,
  run: createStatefulset,
  targets: async (args) => created("StatefulSet", args),
});

export const scale_statefulset = chaosk8sFunction({
  module: ACTIONS,
  name: "scale_statefulset",
  kind: "action",
  summary: "Set a StatefulSet's replicas (restored by the undo).",
  params: [Param.name, required("replicas", "integer"), Param.ns],
  permissions: perm("get,patch", "statefulsets", apps),
  fault: { reaches: "statefulset" },
  run: scaleStatefulset,
  targets: (args, kc) => existing(kc, Kinds.StatefulSet, args),
});

export const remove_statefulset = chaosk8sFunction({
  module: ACTIONS,
  name: "remove_statefulset",
  kind: "action",
  summary: "Delete StatefulSets by name or label selector (recreated by the undo).",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list,delete,create", "statefulsets", apps),
  fault: { reaches: "statefulset" },
  run: removeStatefulset,
  targets: (args, kc) => deletionTargets(kc, args, Kinds.StatefulSet),
});

const probeParams = [Param.name, Param.ns, Param.labelSelector, Param.timeout];

export const statefulset_not_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "statefulset_not_fully_available",
  kind: "probe",
  summary: "Waits (watch) until the StatefulSet has fewer ready replicas than wanted.",
  params: [...probeParams, optional("raise_on_fully_available", "boolean", true)],
  permissions: perm("watch", "statefulsets", apps),
  run: (args, ctx) => readiness(args, ctx, false, "raise_on_fully_available"),
});

export const statefulset_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "statefulset_fully_available",
  kind: "probe",
  summary: "Waits (watch) until all the StatefulSet's replicas are ready.",
  params: [...probeParams, optional("raise_on_not_fully_available", "boolean", true)],
  permissions: perm("watch", "statefulsets", apps),
  run: (args, ctx) => readiness(args, ctx, true, "raise_on_not_fully_available"),
});

export const statefulsetFunctions = [
  create_statefulset,
  scale_statefulset,
  remove_statefulset,
  statefulset_not_fully_available,
  statefulset_fully_available,
];

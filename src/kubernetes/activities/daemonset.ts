// chaosk8s.daemonset.actions and chaosk8s.daemonset.probes (these probes answer false, never raise).
import { PatchStrategy } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { type Args, optInt, optObject, optString, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, listObjects, patchObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { changeTracked, createTracked } from "./tracked-changes.ts";
import { awaitReadiness, count, deleteSelected, nameField, statusOf } from "./workloads.ts";

const ACTIONS = "chaosk8s.daemonset.actions";

async function createDaemonSet(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
  const ref = refTo(Kinds.DaemonSet, reqString(args, "name"), ns);
  const patch = optObject(args, "spec") ?? {};
  const kc = await kubeConfigOf(ctx);
  await changeTracked(
    { ctx, kc, action: `${ACTIONS}.update_daemon_set` },
    ref,
    () => patchObject(kc, ref, patch, PatchStrategy.StrategicMergePatch),
    ["spec"],
  );
  return null;
}

async function daemonSetsNamed(args: Args, ctx: NativeContext) {
  const kc = await kubeConfigOf(ctx);
  return listObjects(kc, Kinds.DaemonSet, optString(args, "ns") ?? "default", {
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
    ns: optString(args, "ns") ?? "default",
    name: reqString(args, "name"),
    labelSelector: optString(args, "label_selector"),
    timeoutSeconds: optInt(args, "timeout") ?? 30,
    isReady: daemonSetReady,
    want,
  });
}

export const implementations: Record<string, NativeImplementation> = {
  create_daemon_set: createDaemonSet,
  delete_daemon_set: deleteDaemonSet,
  update_daemon_set: updateDaemonSet,
  daemon_set_available_and_healthy: availableAndHealthy,
  daemon_set_partially_available: partiallyAvailable,
  daemon_set_not_fully_available: (args, ctx) => readiness(args, ctx, false),
  daemon_set_fully_available: (args, ctx) => readiness(args, ctx, true),
};

// chaosk8s.statefulset.actions and chaosk8s.statefulset.probes.
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { type Args, bool, optInt, optString, reqInt, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { Kinds, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { createTracked, scaleTracked } from "./tracked-changes.ts";
import { awaitReadiness, count, deleteSelected, specOf, statusOf, verdict } from "./workloads.ts";

const ACTIONS = "chaosk8s.statefulset.actions";

async function createStatefulset(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
  const kc = await kubeConfigOf(ctx);
  await scaleTracked(
    { ctx, kc, action: `${ACTIONS}.scale_statefulset` },
    refTo(Kinds.StatefulSet, reqString(args, "name"), ns),
    reqInt(args, "replicas"),
  );
  return null;
}

async function removeStatefulset(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
  const name = reqString(args, "name");
  const timeoutSeconds = optInt(args, "timeout") ?? 30;
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

export const implementations: Record<string, NativeImplementation> = {
  create_statefulset: createStatefulset,
  scale_statefulset: scaleStatefulset,
  remove_statefulset: removeStatefulset,
  statefulset_not_fully_available: (args, ctx) => readiness(args, ctx, false, "raise_on_fully_available"),
  statefulset_fully_available: (args, ctx) => readiness(args, ctx, true, "raise_on_not_fully_available"),
};

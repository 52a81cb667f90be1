// chaosk8s.deployment.actions and chaosk8s.deployment.probes.
import { AppsV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { callApi } from "./activity-failed.ts";
import { type Args, bool, optInt, optString, reqInt, reqString } from "./arguments.ts";
import { kubeConfigOf, RUN_ANNOTATION, recordTouch, runIdOf } from "./cluster-context.ts";
import { Kinds, listObjects, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { createTracked, scaleTracked, touched } from "./tracked-changes.ts";
import { awaitReadiness, count, deleteSelected, nameField, specOf, statusOf, verdict } from "./workloads.ts";

const ACTIONS = "chaosk8s.deployment.actions";

async function createDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const action = `${ACTIONS}.create_deployment`;
  const ns = optString(args, "ns") ?? "default";
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked({ ctx, kc, action }, { ...Kinds.Deployment, namespace: ns }, manifest);
  return null;
}

async function deleteDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const action = `${ACTIONS}.delete_deployment`;
  const ns = optString(args, "ns") ?? "default";
  const kc = await kubeConfigOf(ctx);
  await deleteSelected(
    { ctx, kc, action },
    Kinds.Deployment,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
    () => true,
  );
  return null;
}

async function scaleDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const action = `${ACTIONS}.scale_deployment`;
  const ns = optString(args, "ns") ?? "default";
  const kc = await kubeConfigOf(ctx);
  await scaleTracked(
    { ctx, kc, action },
    refTo(Kinds.Deployment, reqString(args, "name"), ns),
    reqInt(args, "replicas"),
  );
  return null;
}

// No undo: putting the previous template back would restart the pods a second time.
async function rolloutDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
  const name = reqString(args, "name");
  const kc = await kubeConfigOf(ctx);
  const apps = kc.makeApiClient(AppsV1Api);
  const restartedAt = new Date(ctx.clock.now()).toISOString();
  const deployment = await callApi({ verb: "patch", resource: "deployments.apps", namespace: ns, name }, () =>
    apps.patchNamespacedDeployment(
      {
        name,
        namespace: ns,
        body: {
          metadata: { annotations: { [RUN_ANNOTATION]: runIdOf(ctx) } },
          spec: {
            template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": restartedAt } } },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  recordTouch(ctx, {
    action: `${ACTIONS}.rollout_deployment`,
    objects: [{ ...touched(refTo(Kinds.Deployment, name, ns)), uid: deployment.metadata?.uid }],
    after: { restartedAt },
  });
  return null;
}

async function deploymentsNamed(args: Args, ctx: NativeContext) {
  const ns = optString(args, "ns") ?? "default";
  const name = reqString(args, "name");
  const kc = await kubeConfigOf(ctx);
  const items = await listObjects(kc, Kinds.Deployment, ns, {
    fieldSelector: nameField(name),
    labelSelector: optString(args, "label_selector"),
  });
  return { ns, name, items };
}

async function deploymentAvailableAndHealthy(args: Args, ctx: NativeContext): Promise<boolean> {
  const raise = bool(args, "raise_on_unavailable");
  const { ns, name, items } = await deploymentsNamed(args, ctx);
  if (items.length === 0) return verdict(raise, `Deployment "${ns}/${name}" was not found`);
  for (const deployment of items) {
    const available = count(statusOf(deployment), "availableReplicas");
    const wanted = count(specOf(deployment), "replicas");
    if (available !== wanted) {
      return verdict(
        raise,
        `Deployment "${ns}/${name}" is not healthy: ${available} of ${wanted} replicas available`,
      );
    }
  }
  return true;
}

async function deploymentPartiallyAvailable(args: Args, ctx: NativeContext): Promise<boolean> {
  const raise = bool(args, "raise_on_not_partially_available");
  const { ns, name, items } = await deploymentsNamed(args, ctx);
  const first = items[0];
  if (!first) return verdict(raise, `Deployment "${ns}/${name}" was not found`);
  if (count(statusOf(first), "availableReplicas") >= 1) return true;
  return verdict(raise, `Deployment "${ns}/${name}" is not healthy: no replica is available`);
}

const deploymentReady = (deployment: Record<string, unknown>) =>
  count(statusOf(deployment), "readyReplicas") === count(specOf(deployment), "replicas");

async function deploymentReadiness(
  args: Args,
  ctx: NativeContext,
  want: boolean,
  raise: boolean,
): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const name = reqString(args, "name");
  const timeoutSeconds = optInt(args, "timeout") ?? 30;
  const kc = await kubeConfigOf(ctx);
  const reached = await awaitReadiness(ctx, kc, {
    kind: Kinds.Deployment,
    ns,
    name,
    labelSelector: optString(args, "label_selector"),
    timeoutSeconds,
    isReady: deploymentReady,
    want,
  });
  if (reached) return true;
  return verdict(
    raise,
    want
      ? `Deployment "${ns}/${name}" did not get all its replicas ready within ${timeoutSeconds}s`
      : `Deployment "${ns}/${name}" stayed fully available for ${timeoutSeconds}s`,
  );
}

export const implementations: Record<string, NativeImplementation> = {
  create_deployment: createDeployment,
  delete_deployment: deleteDeployment,
  scale_deployment: scaleDeployment,
  rollout_deployment: rolloutDeployment,
  deployment_available_and_healthy: deploymentAvailableAndHealthy,
  deployment_partially_available: deploymentPartiallyAvailable,
  deployment_not_fully_available: (args, ctx) =>
    deploymentReadiness(args, ctx, false, bool(args, "raise_on_fully_available")),
  deployment_fully_available: (args, ctx) =>
    deploymentReadiness(args, ctx, true, bool(args, "raise_on_not_fully_available")),
};

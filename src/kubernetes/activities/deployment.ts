// chaosk8s.deployment.actions and chaosk8s.deployment.probes.
import type { NativeContext } from "../../providers/native.ts";
import { appsApi, patchOptions } from "../cluster-client.ts";
import { listForProbe } from "../list-cache.ts";
import { callApi } from "./activity-failed.ts";
import { type Args, bool, optString, reqInt, reqString, str } from "./arguments.ts";
import { chaosk8sFunction, optional, Param, perm, required } from "./chaosk8s-function.ts";
import { kubeConfigOf, RUN_ANNOTATION, recordTouch, runIdOf } from "./cluster-context.ts";
import { Kinds, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing } from "./target-set.ts";
import { createTracked, scaleTracked, touched } from "./tracked-changes.ts";
import {
  awaitReadiness,
  count,
  deleteSelected,
  deletionTargets,
  nameField,
  specOf,
  statusOf,
  verdict,
} from "./workloads.ts";

const ACTIONS = "chaosk8s.deployment.actions";
const PROBES = "chaosk8s.deployment.probes";
const apps = "apps";

async function createDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const action = `${ACTIONS}.create_deployment`;
  const ns = str(args, "ns");
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked({ ctx, kc, action }, { ...Kinds.Deployment, namespace: ns }, manifest);
  return null;
}

async function deleteDeployment(args: Args, ctx: NativeContext): Promise<null> {
  const action = `${ACTIONS}.delete_deployment`;
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
  const name = reqString(args, "name");
  const kc = await kubeConfigOf(ctx);
  const api = await appsApi(kc);
  const restartedAt = new Date(ctx.clock.now()).toISOString();
  const merge = await patchOptions("merge");
  const deployment = await callApi({ verb: "patch", resource: "deployments.apps", namespace: ns, name }, () =>
    api.patchNamespacedDeployment(
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
      merge,
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
  const ns = str(args, "ns");
  const name = reqString(args, "name");
  const kc = await kubeConfigOf(ctx);
  const items = await listForProbe(ctx, kc, Kinds.Deployment, ns, {
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
  const ns = str(args, "ns");
  const name = reqString(args, "name");
  const timeoutSeconds = reqInt(args, "timeout");
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

const probeParams = [Param.name, Param.ns, Param.labelSelector];

export const create_deployment = chaosk8sFunction({
  module: ACTIONS,
  name: "create_deployment",
  kind: "action",
  summary: "Create a Deployment from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "deployments", apps),
  fault: null,
  run: createDeployment,
  targets: async (args) => created("Deployment", args),
});

export const delete_deployment = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_deployment",
  kind: "action",
  summary: "Delete Deployments by name or label selector (recreated by the undo).",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list,delete,create", "deployments", apps),
  fault: { reaches: "deployment" },
  run: deleteDeployment,
  targets: (args, kc) => deletionTargets(kc, args, Kinds.Deployment),
});

export const scale_deployment = chaosk8sFunction({
  module: ACTIONS,
  name: "scale_deployment",
  kind: "action",
  summary: "Set a Deployment's replicas (restored by the undo).",
  params: [Param.name, required("replicas", "integer"), Param.ns],
  permissions: perm("get,patch", "deployments", apps),
  fault: { reaches: "deployment" },
  run: scaleDeployment,
  targets: (args, kc) => existing(kc, Kinds.Deployment, args),
});

export const rollout_deployment = chaosk8sFunction({
  module: ACTIONS,
  name: "rollout_deployment",
  kind: "action",
  summary: "Restart a Deployment's pods like `kubectl rollout restart`.",
  params: [Param.optionalName, Param.ns],
  permissions: perm("patch", "deployments", apps),
  fault: { reaches: "deployment" },
  run: rolloutDeployment,
  targets: (args, kc) => existing(kc, Kinds.Deployment, args),
});

export const deployment_available_and_healthy = chaosk8sFunction({
  module: PROBES,
  name: "deployment_available_and_healthy",
  kind: "probe",
  summary: "The Deployment has all its replicas available.",
  params: [...probeParams, optional("raise_on_unavailable", "boolean", true)],
  permissions: perm("list", "deployments", apps),
  run: deploymentAvailableAndHealthy,
});

export const deployment_partially_available = chaosk8sFunction({
  module: PROBES,
  name: "deployment_partially_available",
  kind: "probe",
  summary: "The Deployment has at least one replica available.",
  params: [...probeParams, optional("raise_on_not_partially_available", "boolean", true)],
  permissions: perm("list", "deployments", apps),
  run: deploymentPartiallyAvailable,
});

export const deployment_not_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "deployment_not_fully_available",
  kind: "probe",
  summary: "Waits (watch, timeout seconds) until the Deployment has fewer ready replicas than wanted.",
  params: [...probeParams, Param.timeout, optional("raise_on_fully_available", "boolean", true)],
  permissions: perm("watch", "deployments", apps),
  run: (args, ctx) => deploymentReadiness(args, ctx, false, bool(args, "raise_on_fully_available")),
});

export const deployment_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "deployment_fully_available",
  kind: "probe",
  summary: "Waits (watch, timeout seconds) until all the Deployment's replicas are ready.",
  params: [...probeParams, Param.timeout, optional("raise_on_not_fully_available", "boolean", true)],
  permissions: perm("watch", "deployments", apps),
  run: (args, ctx) => deploymentReadiness(args, ctx, true, bool(args, "raise_on_not_fully_available")),
});

export const deploymentFunctions = [
  create_deployment,
  delete_deployment,
  scale_deployment,
  rollout_deployment,
  deployment_available_and_healthy,
  deployment_partially_available,
  deployment_not_fully_available,
  deployment_fully_available,
];

// chaosk8s.probes and chaosk8s.actions: the deprecated shims, calling the functions they moved to.
// Two deliberate differences: microservice_available_and_healthy returns true when healthy, and
// the `name in ({name})` template these shims pass on is filled with the name (upstream passes it
// literally, which a real API server rejects as an invalid label selector).
import { type Args, optString, reqString, str } from "./arguments.ts";
import {
  alias,
  chaosk8sFunction,
  NAME_TEMPLATE,
  optional,
  Param,
  perm,
  required,
} from "./chaosk8s-function.ts";
import {
  create_deployment,
  delete_deployment,
  deployment_available_and_healthy,
  deployment_fully_available,
  deployment_not_fully_available,
  scale_deployment,
} from "./deployment.ts";
import { Kinds } from "./object-access.ts";
import {
  all_pods_healthy,
  delete_pods,
  pod_is_not_available,
  podSelectionOf,
  podTargets,
  read_pod_logs,
} from "./pod.ts";
import { delete_replica_set } from "./replicaset.ts";
import { secret_exists } from "./secret.ts";
import { formatNameTemplate } from "./selection.ts";
import { delete_service, service_is_initialized } from "./service.ts";
import { created, existing, unionOf } from "./target-set.ts";
import { deletionTargets } from "./workloads.ts";

const PROBES = "chaosk8s.probes";
const ACTIONS = "chaosk8s.actions";
const apps = "apps";
const templatedSelector = optional("label_selector", "string", NAME_TEMPLATE);

/** The shim's `label_selector` with its `{name}` template filled. */
function filledSelector(args: Args): string | undefined {
  const selector = optString(args, "label_selector");
  return selector === undefined ? undefined : formatNameTemplate(selector, optString(args, "name"));
}

const pick = (args: Args, ...names: string[]): Args =>
  Object.fromEntries(names.filter((name) => args[name] !== undefined).map((name) => [name, args[name]]));

export const all_microservices_healthy = chaosk8sFunction({
  module: PROBES,
  name: "all_microservices_healthy",
  kind: "probe",
  summary: "Deprecated: all_pods_healthy.",
  params: [Param.ns],
  permissions: perm("list", "pods"),
  run: (args, ctx) => all_pods_healthy.run(pick(args, "ns"), ctx),
});

export const microservice_available_and_healthy = chaosk8sFunction({
  module: PROBES,
  name: "microservice_available_and_healthy",
  kind: "probe",
  summary: "Deprecated: deployment_available_and_healthy (returns true when healthy).",
  params: [Param.name, Param.ns, Param.labelSelector],
  permissions: perm("list", "deployments", apps),
  run: async (args, ctx) => {
    await deployment_available_and_healthy.run(pick(args, "name", "ns", "label_selector"), ctx);
    return true;
  },
});

export const microservice_is_not_available = chaosk8sFunction({
  module: PROBES,
  name: "microservice_is_not_available",
  kind: "probe",
  summary: "Deprecated: pod_is_not_available.",
  params: [Param.name, Param.ns, templatedSelector],
  permissions: perm("list", "pods"),
  run: (args, ctx) => pod_is_not_available.run(pick(args, "name", "ns", "label_selector"), ctx),
});

export const service_endpoint_is_initialized = chaosk8sFunction({
  module: PROBES,
  name: "service_endpoint_is_initialized",
  kind: "probe",
  summary: "Deprecated: service_is_initialized.",
  params: [Param.name, Param.ns, templatedSelector],
  permissions: perm("list", "services"),
  run: (args, ctx) =>
    service_is_initialized.run({ ...pick(args, "name", "ns"), label_selector: filledSelector(args) }, ctx),
});

export const deployment_is_not_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "deployment_is_not_fully_available",
  kind: "probe",
  summary: "Deprecated: deployment_not_fully_available.",
  params: [Param.name, Param.ns, Param.labelSelector, Param.timeout],
  permissions: perm("watch", "deployments", apps),
  run: (args, ctx) =>
    deployment_not_fully_available.run(pick(args, "name", "ns", "label_selector", "timeout"), ctx),
});

export const deployment_is_fully_available = chaosk8sFunction({
  module: PROBES,
  name: "deployment_is_fully_available",
  kind: "probe",
  summary: "Deprecated: deployment_fully_available.",
  params: [Param.name, Param.ns, Param.labelSelector, Param.timeout],
  permissions: perm("watch", "deployments", apps),
  run: (args, ctx) =>
    deployment_fully_available.run(pick(args, "name", "ns", "label_selector", "timeout"), ctx),
});

export const read_microservices_logs = alias(read_pod_logs, PROBES, {
  name: "read_microservices_logs",
  summary: "Deprecated: read_pod_logs.",
});

export const start_microservice = chaosk8sFunction({
  module: ACTIONS,
  name: "start_microservice",
  kind: "action",
  summary: "Deprecated: create_deployment.",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "deployments", apps),
  fault: null,
  run: (args, ctx) => create_deployment.run(pick(args, "spec_path", "ns"), ctx),
  targets: async (args) => created("Deployment", args),
});

export const remove_service_endpoint = chaosk8sFunction({
  module: ACTIONS,
  name: "remove_service_endpoint",
  kind: "action",
  summary: "Deprecated: delete_service.",
  params: [Param.name, Param.ns],
  permissions: perm("get,delete,create", "services"),
  fault: { reaches: "service" },
  run: (args, ctx) => delete_service.run(pick(args, "name", "ns"), ctx),
  targets: (args, kc) => existing(kc, Kinds.Service, args),
});

export const scale_microservice = chaosk8sFunction({
  module: ACTIONS,
  name: "scale_microservice",
  kind: "action",
  summary: "Deprecated: scale_deployment.",
  params: [Param.name, required("replicas", "integer"), Param.ns],
  permissions: perm("get,patch", "deployments", apps),
  fault: { reaches: "deployment" },
  run: (args, ctx) => scale_deployment.run(pick(args, "name", "replicas", "ns"), ctx),
  targets: (args, kc) => existing(kc, Kinds.Deployment, args),
});

export const kill_microservice = chaosk8sFunction({
  module: ACTIONS,
  name: "kill_microservice",
  kind: "action",
  summary: "Deprecated: delete the Deployment, its ReplicaSet by name, and one of its pods.",
  params: [Param.name, Param.ns, templatedSelector],
  permissions: [
    ...perm("list,delete,create", "deployments", apps),
    ...perm("list,delete,create", "replicasets", apps),
    ...perm("list,delete", "pods"),
  ],
  fault: { reaches: "deployment, replica set or pod" },
  run: async (args, ctx) => {
    const target = { ...pick(args, "name", "ns"), label_selector: filledSelector(args) };
    await delete_deployment.run(target, ctx);
    await delete_replica_set.run(target, ctx);
    await delete_pods.run(target, ctx);
    return null;
  },
  targets: async (args, kc) => {
    const name = reqString(args, "name");
    const ns = str(args, "ns");
    const selected = {
      ...args,
      label_selector: formatNameTemplate(optString(args, "label_selector") ?? "", name),
    };
    const parts = [
      await deletionTargets(kc, selected, Kinds.Deployment),
      await deletionTargets(kc, selected, Kinds.ReplicaSet),
      await podTargets(
        kc,
        ns,
        podSelectionOf({ name_pattern: name, label_selector: selected.label_selector }),
      ),
    ];
    return unionOf(parts, [ns]);
  },
});

export const deprecatedFunctions = [
  all_microservices_healthy,
  microservice_available_and_healthy,
  microservice_is_not_available,
  service_endpoint_is_initialized,
  deployment_is_not_fully_available,
  deployment_is_fully_available,
  read_microservices_logs,
  ...[all_pods_healthy, pod_is_not_available, read_pod_logs].map((record) => alias(record, PROBES)),
  ...[deployment_available_and_healthy, deployment_fully_available, deployment_not_fully_available].map(
    (record) => alias(record, PROBES),
  ),
  alias(secret_exists, PROBES),
  alias(service_is_initialized, PROBES),
  start_microservice,
  remove_service_endpoint,
  scale_microservice,
  kill_microservice,
  ...[create_deployment, delete_deployment, scale_deployment].map((record) => alias(record, ACTIONS)),
  alias(delete_pods, ACTIONS),
  alias(delete_replica_set, ACTIONS),
  alias(delete_service, ACTIONS),
];

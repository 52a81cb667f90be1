// The chaosk8s catalog (chaostoolkit-kubernetes 0.39): every function as plain data — module,
// name, upstream argument names and defaults, and the RBAC it needs (its undo included) — and
// a loader that imports the implementation only when a Kubernetes activity runs. This file must
// not import @kubernetes/client-node.
//
// Permissions whose group or resource is written `{argument}` (custom objects) are filled from
// the activity's arguments by whoever checks them.
import type {
  NativeImplementation,
  NativeModuleSource,
  NativeParam,
  NativeSignature,
} from "../providers/native.ts";

type Permission = NonNullable<NativeSignature["permissions"]>[number];

/** Activity files under ./activities/, each exporting `implementations` keyed by function name. */
const files = {
  deprecated: () => import("./activities/deprecated.ts"),
  pod: () => import("./activities/pod.ts"),
  deployment: () => import("./activities/deployment.ts"),
  node: () => import("./activities/node.ts"),
  statefulset: () => import("./activities/statefulset.ts"),
  service: () => import("./activities/service.ts"),
  replicaset: () => import("./activities/replicaset.ts"),
  daemonset: () => import("./activities/daemonset.ts"),
  namespace: () => import("./activities/namespace.ts"),
  secret: () => import("./activities/secret.ts"),
  networking: () => import("./activities/networking.ts"),
  crd: () => import("./activities/crd.ts"),
  event: () => import("./activities/event.ts"),
} satisfies Record<string, () => Promise<{ implementations: Record<string, NativeImplementation> }>>;

type FileName = keyof typeof files;

interface Entry {
  signature: NativeSignature;
  file: FileName;
  /** The implementation's key in its file (differs from `func` for aliases). */
  impl: string;
}

// ---- parameters -------------------------------------------------------------------------------
const req = (name: string, type: NativeParam["type"]): NativeParam => ({ name, type, required: true });
const opt = (name: string, type: NativeParam["type"], value: unknown = null): NativeParam => ({
  name,
  type,
  default: value,
});
const ns = opt("ns", "string", "default");
const name = req("name", "string");
const optName = opt("name", "string");
const labelSelector = opt("label_selector", "string");
const specPath = req("spec_path", "string");
const timeout = opt("timeout", "integer", 30);
const NAME_TEMPLATE = "name in ({name})";

// ---- permissions ------------------------------------------------------------------------------
const perm = (verbs: string, resource: string, group = ""): Permission[] => {
  const [plural = resource, subresource] = resource.split("/");
  return verbs
    .split(",")
    .map((verb) => ({ verb, group, resource: plural, ...(subresource ? { subresource } : {}) }));
};
const apps = "apps";
const networking = "networking.k8s.io";

// ---- entries ----------------------------------------------------------------------------------
const entries: Entry[] = [];

function define(
  file: FileName,
  module: string,
  kind: "action" | "probe",
  func: string,
  params: NativeParam[],
  summary: string,
  permissions: Permission[],
  impl: string = func,
): void {
  entries.push({
    file,
    impl,
    signature: { module, func, kind, params, summary, permissions, needs: "cluster" },
  });
}

/** Names a module imports from another one resolve there too (Python's module attributes). */
function alias(module: string, func: string, from: string): void {
  const source = entries.find((entry) => entry.signature.module === from && entry.signature.func === func);
  if (!source) throw new Error(`catalog: ${from}.${func} is not defined`);
  entries.push({ ...source, signature: { ...source.signature, module } });
}

// chaosk8s.pod
const POD_ACTIONS = "chaosk8s.pod.actions";
const POD_PROBES = "chaosk8s.pod.probes";
const podSelection = [
  labelSelector,
  opt("name_pattern", "string"),
  opt("all", "boolean", false),
  opt("rand", "boolean", false),
  opt("mode", "string", "fixed"),
  opt("qty", "integer", 1),
];
define(
  "pod",
  POD_ACTIONS,
  "action",
  "terminate_pods",
  [...podSelection, opt("grace_period", "integer", -1), ns, opt("order", "string", "alphabetic")],
  "Delete pods chosen by label, name pattern, quantity or percentage (the controller recreates them).",
  perm("list,delete", "pods"),
);
define(
  "pod",
  POD_ACTIONS,
  "action",
  "exec_in_pods",
  [
    req("cmd", "string|array"),
    ...podSelection,
    ns,
    opt("order", "string", "alphabetic"),
    opt("container_name", "string"),
    opt("request_timeout", "integer", 60),
  ],
  "Run a command in chosen pods (first container unless container_name is given).",
  // The WebSocket upgrade (a GET) is authorized as `create` since Kubernetes 1.30.
  [...perm("list", "pods"), ...perm("create", "pods/exec")],
);
define(
  "pod",
  POD_ACTIONS,
  "action",
  "delete_pods",
  [optName, ns, labelSelector],
  "Deprecated: terminate_pods with name as name_pattern.",
  perm("list,delete", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "read_pod_logs",
  [
    optName,
    opt("last", "string"),
    ns,
    opt("from_previous", "boolean", false),
    opt("label_selector", "string", NAME_TEMPLATE),
    opt("container_name", "string"),
  ],
  "Logs of the selected pods, by pod name.",
  [...perm("list", "pods"), ...perm("get", "pods/log")],
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "pods_in_phase",
  [
    req("label_selector", "string"),
    opt("phase", "string", "Running"),
    ns,
    opt("raise_on_invalid_phase", "boolean", true),
  ],
  "Every selected pod is in the phase.",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "pods_in_conditions",
  [
    req("label_selector", "string"),
    req("conditions", "array"),
    ns,
    opt("raise_on_invalid_conditions", "boolean", true),
  ],
  "Every selected pod has each of the conditions (type and status).",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "pods_not_in_phase",
  [
    req("label_selector", "string"),
    opt("phase", "string", "Running"),
    ns,
    opt("raise_on_in_phase", "boolean", true),
  ],
  "No selected pod is in the phase.",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "count_pods",
  [req("label_selector", "string"), opt("phase", "string"), ns],
  "How many pods match (in the phase, if given).",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "pod_is_not_available",
  [name, ns, opt("label_selector", "string", NAME_TEMPLATE), opt("raise_on_is_available", "boolean", true)],
  "No selected pod is Running.",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "count_min_pods",
  [req("label_selector", "string"), opt("phase", "string", "Running"), opt("min_count", "integer", 2), ns],
  "At least min_count pods match in the phase.",
  perm("list", "pods"),
);
define(
  "pod",
  POD_PROBES,
  "probe",
  "should_be_found_in_logs",
  [req("pattern", "string"), opt("all_containers", "boolean", true), opt("value", "object")],
  "The pattern is found in the logs read_pod_logs returned (all of them, or any).",
  [],
);
// It only searches the value it is given: no cluster needed.
delete entries[entries.length - 1]?.signature.needs;
define(
  "pod",
  POD_PROBES,
  "probe",
  "all_pods_healthy",
  [ns, opt("raise_on_any_unhealthy", "boolean", true)],
  "Every pod of the namespace is Running or Succeeded.",
  perm("list", "pods"),
);

// chaosk8s.deployment
const DEPLOYMENT_ACTIONS = "chaosk8s.deployment.actions";
const DEPLOYMENT_PROBES = "chaosk8s.deployment.probes";
define(
  "deployment",
  DEPLOYMENT_ACTIONS,
  "action",
  "create_deployment",
  [specPath, ns],
  "Create a Deployment from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_ACTIONS,
  "action",
  "delete_deployment",
  [optName, ns, labelSelector],
  "Delete Deployments by name or label selector (recreated by the undo).",
  perm("list,delete,create", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_ACTIONS,
  "action",
  "scale_deployment",
  [name, req("replicas", "integer"), ns],
  "Set a Deployment's replicas (restored by the undo).",
  perm("get,patch", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_ACTIONS,
  "action",
  "rollout_deployment",
  [optName, ns],
  "Restart a Deployment's pods like `kubectl rollout restart`.",
  perm("patch", "deployments", apps),
);
const deploymentProbe = [name, ns, labelSelector];
define(
  "deployment",
  DEPLOYMENT_PROBES,
  "probe",
  "deployment_available_and_healthy",
  [...deploymentProbe, opt("raise_on_unavailable", "boolean", true)],
  "The Deployment has all its replicas available.",
  perm("list", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_PROBES,
  "probe",
  "deployment_partially_available",
  [...deploymentProbe, opt("raise_on_not_partially_available", "boolean", true)],
  "The Deployment has at least one replica available.",
  perm("list", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_PROBES,
  "probe",
  "deployment_not_fully_available",
  [...deploymentProbe, timeout, opt("raise_on_fully_available", "boolean", true)],
  "Waits (watch, timeout seconds) until the Deployment has fewer ready replicas than wanted.",
  perm("watch", "deployments", apps),
);
define(
  "deployment",
  DEPLOYMENT_PROBES,
  "probe",
  "deployment_fully_available",
  [...deploymentProbe, timeout, opt("raise_on_not_fully_available", "boolean", true)],
  "Waits (watch, timeout seconds) until all the Deployment's replicas are ready.",
  perm("watch", "deployments", apps),
);

// chaosk8s.node
const NODE_ACTIONS = "chaosk8s.node.actions";
const NODE_PROBES = "chaosk8s.node.probes";
define(
  "node",
  NODE_ACTIONS,
  "action",
  "delete_nodes",
  [
    labelSelector,
    opt("all", "boolean", false),
    opt("rand", "boolean", false),
    opt("count", "integer"),
    opt("grace_period_seconds", "integer"),
    opt("pod_label_selector", "string"),
    opt("pod_namespace", "string"),
  ],
  "Delete nodes (first match, one at random, count at random, or all). Cannot be undone.",
  [...perm("list,delete", "nodes"), ...perm("list", "pods")],
);
define(
  "node",
  NODE_ACTIONS,
  "action",
  "create_node",
  [opt("meta", "object"), opt("spec", "object")],
  "Create a Node object (deleted again by the undo).",
  perm("create,delete", "nodes"),
);
define(
  "node",
  NODE_ACTIONS,
  "action",
  "cordon_node",
  [optName, labelSelector],
  "Mark nodes unschedulable (restored by the undo).",
  perm("list,patch", "nodes"),
);
define(
  "node",
  NODE_ACTIONS,
  "action",
  "uncordon_node",
  [optName, labelSelector],
  "Mark nodes schedulable (restored by the undo).",
  perm("list,patch", "nodes"),
);
define(
  "node",
  NODE_ACTIONS,
  "action",
  "drain_nodes",
  [
    optName,
    labelSelector,
    opt("delete_pods_with_local_storage", "boolean", false),
    opt("timeout", "integer", 120),
    opt("count", "integer"),
    opt("pod_label_selector", "string"),
    opt("pod_namespace", "string"),
  ],
  "Cordon nodes and evict their pods through the Eviction API, honouring PodDisruptionBudgets.",
  [...perm("list,patch", "nodes"), ...perm("list,get", "pods"), ...perm("create", "pods/eviction")],
);
const nodeProbe = [labelSelector];
define("node", NODE_PROBES, "probe", "get_nodes", nodeProbe, "The NodeList.", perm("list", "nodes"));
define(
  "node",
  NODE_PROBES,
  "probe",
  "get_all_node_status_conditions",
  nodeProbe,
  "Each node's name and condition statuses.",
  perm("list", "nodes"),
);
define(
  "node",
  NODE_PROBES,
  "probe",
  "all_nodes_must_be_ready_to_schedule",
  nodeProbe,
  "Every node is Ready.",
  perm("list", "nodes"),
);
define(
  "node",
  NODE_PROBES,
  "probe",
  "verify_nodes_condition",
  [opt("condition_type", "string", "PIDPressure"), opt("condition_value", "string", "False"), labelSelector],
  "Every node's condition has the value.",
  perm("list", "nodes"),
);
define(
  "node",
  NODE_PROBES,
  "probe",
  "nodes_must_be_healthy",
  nodeProbe,
  "Every node is Ready with no pressure or problem condition.",
  perm("list", "nodes"),
);

// chaosk8s.statefulset
const STS_ACTIONS = "chaosk8s.statefulset.actions";
const STS_PROBES = "chaosk8s.statefulset.probes";
define(
  "statefulset",
  STS_ACTIONS,
  "action",
  "create_statefulset",
  [specPath, ns],
  "Create a StatefulSet from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "statefulsets", apps),
);
define(
  "statefulset",
  STS_ACTIONS,
  "action",
  "scale_statefulset",
  [name, req("replicas", "integer"), ns],
  "Set a StatefulSet's replicas (restored by the undo).",
  perm("get,patch", "statefulsets", apps),
);
define(
  "statefulset",
  STS_ACTIONS,
  "action",
  "remove_statefulset",
  [optName, ns, labelSelector],
  "Delete StatefulSets by name or label selector (recreated by the undo).",
  perm("list,delete,create", "statefulsets", apps),
);
define(
  "statefulset",
  STS_PROBES,
  "probe",
  "statefulset_not_fully_available",
  [name, ns, labelSelector, timeout, opt("raise_on_fully_available", "boolean", true)],
  "Waits (watch) until the StatefulSet has fewer ready replicas than wanted.",
  perm("watch", "statefulsets", apps),
);
define(
  "statefulset",
  STS_PROBES,
  "probe",
  "statefulset_fully_available",
  [name, ns, labelSelector, timeout, opt("raise_on_not_fully_available", "boolean", true)],
  "Waits (watch) until all the StatefulSet's replicas are ready.",
  perm("watch", "statefulsets", apps),
);

// chaosk8s.service
const SERVICE_ACTIONS = "chaosk8s.service.actions";
const SERVICE_PROBES = "chaosk8s.service.probes";
define(
  "service",
  SERVICE_ACTIONS,
  "action",
  "create_service_endpoint",
  [specPath, ns],
  "Create a Service from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "services"),
);
define(
  "service",
  SERVICE_ACTIONS,
  "action",
  "delete_service",
  [name, ns],
  "Delete a Service (recreated by the undo).",
  perm("get,delete,create", "services"),
);
define(
  "service",
  SERVICE_PROBES,
  "probe",
  "service_is_initialized",
  [optName, ns, labelSelector, opt("raise_if_service_not_initialized", "boolean", true)],
  "A Service with the name and/or labels exists.",
  perm("list", "services"),
);

// chaosk8s.replicaset
define(
  "replicaset",
  "chaosk8s.replicaset.actions",
  "action",
  "delete_replica_set",
  [optName, ns, labelSelector],
  "Delete ReplicaSets by name or label selector (unowned ones are recreated by the undo).",
  perm("list,delete,create", "replicasets", apps),
);

// chaosk8s.daemonset
const DS_ACTIONS = "chaosk8s.daemonset.actions";
const DS_PROBES = "chaosk8s.daemonset.probes";
define(
  "daemonset",
  DS_ACTIONS,
  "action",
  "create_daemon_set",
  [specPath, ns],
  "Create a DaemonSet from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "daemonsets", apps),
);
define(
  "daemonset",
  DS_ACTIONS,
  "action",
  "delete_daemon_set",
  [optName, ns, labelSelector],
  "Delete DaemonSets by name or label selector (recreated by the undo).",
  perm("list,delete,create", "daemonsets", apps),
);
define(
  "daemonset",
  DS_ACTIONS,
  "action",
  "update_daemon_set",
  [name, req("spec", "object"), ns],
  "Patch a DaemonSet (its previous spec is restored by the undo).",
  perm("get,patch,update", "daemonsets", apps),
);
const dsProbe = [name, ns, labelSelector];
define(
  "daemonset",
  DS_PROBES,
  "probe",
  "daemon_set_available_and_healthy",
  dsProbe,
  "Every matching DaemonSet has all its pods ready.",
  perm("list", "daemonsets", apps),
);
define(
  "daemonset",
  DS_PROBES,
  "probe",
  "daemon_set_partially_available",
  dsProbe,
  "Every matching DaemonSet has at least one pod ready.",
  perm("list", "daemonsets", apps),
);
define(
  "daemonset",
  DS_PROBES,
  "probe",
  "daemon_set_not_fully_available",
  [...dsProbe, timeout],
  "Waits (watch) until the DaemonSet has fewer ready pods than wanted.",
  perm("watch", "daemonsets", apps),
);
define(
  "daemonset",
  DS_PROBES,
  "probe",
  "daemon_set_fully_available",
  [...dsProbe, timeout],
  "Waits (watch) until all the DaemonSet's pods are ready.",
  perm("watch", "daemonsets", apps),
);

// chaosk8s.namespace
define(
  "namespace",
  "chaosk8s.namespace.actions",
  "action",
  "create_namespace",
  [optName, opt("spec_path", "string")],
  "Create a namespace by name or from a file (deleted again by the undo).",
  perm("create,delete", "namespaces"),
);
define(
  "namespace",
  "chaosk8s.namespace.actions",
  "action",
  "delete_namespace",
  [name],
  "Delete a namespace and everything in it. Cannot be undone.",
  perm("get,delete", "namespaces"),
);
define(
  "namespace",
  "chaosk8s.namespace.probes",
  "probe",
  "namespace_exists",
  [name],
  "The namespace exists.",
  perm("list", "namespaces"),
);

// chaosk8s.secret
define(
  "secret",
  "chaosk8s.secret.actions",
  "action",
  "create_secret",
  [specPath, ns],
  "Create a Secret from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "secrets"),
);
define(
  "secret",
  "chaosk8s.secret.actions",
  "action",
  "delete_secret",
  [name, ns],
  "Delete a Secret. Not undone: its data is never written to the undo file.",
  perm("delete", "secrets"),
);
define(
  "secret",
  "chaosk8s.secret.probes",
  "probe",
  "secret_exists",
  [optName, ns, labelSelector],
  "A Secret with the name and/or labels exists.",
  perm("list", "secrets"),
);

// chaosk8s.networking
const NET_ACTIONS = "chaosk8s.networking.actions";
const selectors = opt("label_selectors", "object");
define(
  "networking",
  NET_ACTIONS,
  "action",
  "create_ingress",
  [specPath, ns],
  "Create an Ingress from a JSON or YAML file (deleted again by the undo).",
  perm("create,delete", "ingresses", networking),
);
define(
  "networking",
  NET_ACTIONS,
  "action",
  "delete_ingress",
  [name, ns],
  "Delete an Ingress (recreated by the undo).",
  perm("get,delete,create", "ingresses", networking),
);
define(
  "networking",
  NET_ACTIONS,
  "action",
  "update_ingress",
  [name, req("spec", "object"), ns],
  "Patch an Ingress (its previous spec is restored by the undo).",
  perm("get,patch,update", "ingresses", networking),
);
define(
  "networking",
  NET_ACTIONS,
  "action",
  "create_network_policy",
  [opt("spec", "object"), opt("spec_path", "string"), ns],
  "Create a NetworkPolicy from a mapping or a file (deleted again by the undo).",
  perm("create,delete", "networkpolicies", networking),
);
define(
  "networking",
  NET_ACTIONS,
  "action",
  "remove_network_policy",
  [name, ns],
  "Delete a NetworkPolicy (recreated by the undo).",
  perm("get,delete,create", "networkpolicies", networking),
);
for (const [func, summary] of [
  ["deny_all_ingress", "Deny all ingress traffic to the selected pods (NetworkPolicy, deleted by the undo)."],
  ["deny_all_egress", "Deny all egress traffic from the selected pods (NetworkPolicy, deleted by the undo)."],
  ["allow_dns_access", "Allow DNS egress from the selected pods (NetworkPolicy, deleted by the undo)."],
] as const) {
  define(
    "networking",
    NET_ACTIONS,
    "action",
    func,
    [selectors, ns],
    summary,
    perm("create,delete", "networkpolicies", networking),
  );
}
for (const func of ["remove_deny_all_ingress", "remove_deny_all_egress", "remove_allow_dns_access"]) {
  define(
    "networking",
    NET_ACTIONS,
    "action",
    func,
    [ns],
    `Delete the NetworkPolicy ${func.replace("remove_", "").replaceAll("_", "-")} created earlier (recreated by the undo).`,
    perm("get,delete,create", "networkpolicies", networking),
  );
}
define(
  "networking",
  "chaosk8s.networking.probes",
  "probe",
  "ingress_exists",
  [name, ns],
  "The Ingress exists.",
  perm("list", "ingresses", networking),
);

// chaosk8s.crd
const CRD_ACTIONS = "chaosk8s.crd.actions";
const CRD_PROBES = "chaosk8s.crd.probes";
const gvp = [req("group", "string"), req("version", "string"), req("plural", "string")];
const body = [opt("resource", "object"), opt("resource_as_yaml_file", "string")];
const custom = (verbs: string) => perm(verbs, "{plural}", "{group}");
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "apply_from_json",
  [opt("resource", "string")],
  "Create the custom object given as a JSON string (deleted again by the undo).",
  [],
);
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "apply_from_yaml",
  [opt("resource", "string")],
  "Create the custom object given as a YAML string (deleted again by the undo).",
  [],
);
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "create_custom_object",
  [...gvp, ns, ...body],
  "Create a namespaced custom object (an existing one is returned as is; a new one is deleted by the undo).",
  // `get`: an existing object (409) is read and returned as is.
  custom("create,get,delete"),
);
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "delete_custom_object",
  [...gvp, name, ns],
  "Delete a namespaced custom object (recreated by the undo).",
  custom("get,delete,create"),
);
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "create_cluster_custom_object",
  [...gvp, ...body],
  "Create a cluster-scoped custom object (a new one is deleted by the undo).",
  // `get`: an existing object (409) is read and returned as is.
  custom("create,get,delete"),
);
define(
  "crd",
  CRD_ACTIONS,
  "action",
  "delete_cluster_custom_object",
  [...gvp, name],
  "Delete a cluster-scoped custom object (recreated by the undo).",
  custom("get,delete,create"),
);
for (const [scope, withNs] of [
  ["", true],
  ["cluster_", false],
] as const) {
  define(
    "crd",
    CRD_ACTIONS,
    "action",
    `patch_${scope}custom_object`,
    [...gvp, name, ...(withNs ? [ns] : []), opt("force", "boolean", false), ...body],
    "JSON-Patch a custom object (its previous content is restored by the undo).",
    custom("get,patch,update"),
  );
  define(
    "crd",
    CRD_ACTIONS,
    "action",
    `replace_${scope}custom_object`,
    [...gvp, name, ...(withNs ? [ns] : []), opt("force", "boolean", false), ...body],
    "Replace a custom object (its previous content is restored by the undo).",
    // `patch`: the run annotation is added after the replacement.
    custom("get,update,patch"),
  );
}
define(
  "crd",
  CRD_PROBES,
  "probe",
  "get_custom_object",
  [...gvp, name, ns],
  "A namespaced custom object.",
  custom("get"),
);
define(
  "crd",
  CRD_PROBES,
  "probe",
  "list_custom_objects",
  [...gvp, ns],
  "The namespaced custom objects.",
  custom("list"),
);
define(
  "crd",
  CRD_PROBES,
  "probe",
  "get_cluster_custom_object",
  [...gvp, name],
  "A cluster custom object.",
  custom("get"),
);
define(
  "crd",
  CRD_PROBES,
  "probe",
  "list_cluster_custom_objects",
  gvp,
  "The cluster custom objects.",
  custom("list"),
);

// chaosk8s.event
define(
  "event",
  "chaosk8s.event.probes",
  "probe",
  "get_events",
  [labelSelector, opt("field_selector", "string"), opt("limit", "integer", 100)],
  "Events of all namespaces (events.k8s.io/v1).",
  perm("list", "events", "events.k8s.io"),
);

// chaosk8s.probes: deprecated shims, and the functions the module imports (valid names upstream)
const PROBES = "chaosk8s.probes";
define(
  "deprecated",
  PROBES,
  "probe",
  "all_microservices_healthy",
  [ns],
  "Deprecated: all_pods_healthy.",
  perm("list", "pods"),
);
define(
  "deprecated",
  PROBES,
  "probe",
  "microservice_available_and_healthy",
  [name, ns, labelSelector],
  "Deprecated: deployment_available_and_healthy (returns true when healthy).",
  perm("list", "deployments", apps),
);
define(
  "deprecated",
  PROBES,
  "probe",
  "microservice_is_not_available",
  [name, ns, opt("label_selector", "string", NAME_TEMPLATE)],
  "Deprecated: pod_is_not_available.",
  perm("list", "pods"),
);
define(
  "deprecated",
  PROBES,
  "probe",
  "service_endpoint_is_initialized",
  [name, ns, opt("label_selector", "string", NAME_TEMPLATE)],
  "Deprecated: service_is_initialized.",
  perm("list", "services"),
);
define(
  "deprecated",
  PROBES,
  "probe",
  "deployment_is_not_fully_available",
  [name, ns, labelSelector, timeout],
  "Deprecated: deployment_not_fully_available.",
  perm("watch", "deployments", apps),
);
define(
  "deprecated",
  PROBES,
  "probe",
  "deployment_is_fully_available",
  [name, ns, labelSelector, timeout],
  "Deprecated: deployment_fully_available.",
  perm("watch", "deployments", apps),
);
{
  const readLogs = entries.find((entry) => entry.signature.func === "read_pod_logs");
  if (readLogs) {
    entries.push({
      ...readLogs,
      signature: {
        ...readLogs.signature,
        module: PROBES,
        func: "read_microservices_logs",
        summary: "Deprecated: read_pod_logs.",
      },
    });
  }
}
for (const func of ["all_pods_healthy", "pod_is_not_available", "read_pod_logs"])
  alias(PROBES, func, POD_PROBES);
for (const func of [
  "deployment_available_and_healthy",
  "deployment_fully_available",
  "deployment_not_fully_available",
]) {
  alias(PROBES, func, DEPLOYMENT_PROBES);
}
alias(PROBES, "secret_exists", "chaosk8s.secret.probes");
alias(PROBES, "service_is_initialized", SERVICE_PROBES);

// chaosk8s.actions: deprecated shims, and the functions the module imports
const ACTIONS = "chaosk8s.actions";
define(
  "deprecated",
  ACTIONS,
  "action",
  "start_microservice",
  [specPath, ns],
  "Deprecated: create_deployment.",
  perm("create,delete", "deployments", apps),
);
define(
  "deprecated",
  ACTIONS,
  "action",
  "remove_service_endpoint",
  [name, ns],
  "Deprecated: delete_service.",
  perm("get,delete,create", "services"),
);
define(
  "deprecated",
  ACTIONS,
  "action",
  "scale_microservice",
  [name, req("replicas", "integer"), ns],
  "Deprecated: scale_deployment.",
  perm("get,patch", "deployments", apps),
);
define(
  "deprecated",
  ACTIONS,
  "action",
  "kill_microservice",
  [name, ns, opt("label_selector", "string", NAME_TEMPLATE)],
  "Deprecated: delete the Deployment, its ReplicaSet by name, and one of its pods.",
  [
    ...perm("list,delete,create", "deployments", apps),
    ...perm("list,delete,create", "replicasets", apps),
    ...perm("list,delete", "pods"),
  ],
);
for (const func of ["create_deployment", "delete_deployment", "scale_deployment"])
  alias(ACTIONS, func, DEPLOYMENT_ACTIONS);
alias(ACTIONS, "delete_pods", POD_ACTIONS);
alias(ACTIONS, "delete_replica_set", "chaosk8s.replicaset.actions");
alias(ACTIONS, "delete_service", SERVICE_ACTIONS);

function entryOf(module: string, func: string): Entry | undefined {
  return entries.find((entry) => entry.signature.module === module && entry.signature.func === func);
}

/** Which implementation a name resolves to (aliases share their source's), for resolveTargets. */
export function implementationOf(
  module: string,
  func: string,
): { signature: NativeSignature; file: string; impl: string } | undefined {
  const entry = entryOf(module, func);
  return entry && { signature: entry.signature, file: entry.file, impl: entry.impl };
}

/** Chaos Toolkit fills absent arguments from the Python defaults; so do we, from the same table. */
export function withDefaults(
  signature: NativeSignature,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const complete = { ...args };
  for (const param of signature.params) {
    if (complete[param.name] === undefined && param.default !== undefined)
      complete[param.name] = param.default;
  }
  return complete;
}

export const chaosk8sSource: NativeModuleSource = {
  signatures: entries.map((entry) => entry.signature),
  async load(module: string, func: string): Promise<NativeImplementation> {
    const entry = entryOf(module, func);
    if (!entry) throw new Error(`${module}.${func} is not a chaosk8s function chaos-action knows`);
    const { implementations } = await files[entry.file]();
    const implementation = implementations[entry.impl];
    if (!implementation)
      throw new Error(`${module}.${func} has no implementation in activities/${entry.file}.ts`);
    const signature = entry.signature;
    return (args, ctx) => implementation(withDefaults(signature, args), ctx);
  },
};

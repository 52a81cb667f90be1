// What an action touches: recorded after the fact (TouchRecord, for the journal) and resolved
// beforehand without changing anything (TargetSet, for the blast-radius guard).
import { CoreV1Api, type KubeConfig, type V1Node } from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import { type Args, bool, optInt, optObject, optString, reqString } from "./activities/arguments.ts";
import { HelperPolicies } from "./activities/networking.ts";
import { deleteNodesSelection, planDrain } from "./activities/node.ts";
import { type KindInfo, Kinds } from "./activities/object-access.ts";
import { podSelectionOf } from "./activities/pod.ts";
import {
  formatNameTemplate,
  listAll,
  type NodeSelection,
  type PodSelection,
  type Selected,
  selectNodes,
  selectPods,
} from "./activities/selection.ts";
import { nameOf, selectForDeletion } from "./activities/workloads.ts";
import { implementationOf, withDefaults } from "./catalog.ts";

export interface TouchedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** Reported through `ctx.services.record` by every action that changes the cluster. */
export interface TouchRecord {
  /** `module.func` of the action. */
  action: string;
  objects: TouchedObject[];
  before?: unknown;
  after?: unknown;
}

export interface TargetSet {
  namespaces: string[];
  /** The objects the action would touch; for random selections, every object it could hit. */
  objects: Array<{ kind: string; namespace?: string; name: string }>;
  /** How many objects matched the action's selector. */
  candidates: number;
}

type Target = TargetSet["objects"][number];

function targetSet(objects: Target[], candidates = objects.length, namespaces: string[] = []): TargetSet {
  const all = new Set(namespaces);
  for (const object of objects) if (object.namespace) all.add(object.namespace);
  return { namespaces: [...all].sort(), objects, candidates };
}

const nameOfMetadata = (object: { metadata?: { name?: string } }) => object.metadata?.name ?? "";

/** What a created object will be called: its manifest's name, else where the manifest comes from. */
function createdName(args: Args, manifest?: Record<string, unknown>): string {
  const metadata = (manifest?.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name === "string") return metadata.name;
  const specPath = optString(args, "spec_path") ?? optString(args, "resource_as_yaml_file");
  return specPath ? `(named in ${specPath})` : "(generated name)";
}

async function podTargets(kc: KubeConfig, args: Args, selection: PodSelection): Promise<TargetSet> {
  const ns = optString(args, "ns") ?? "default";
  const { candidates, chosen } = await selectPods(kc.makeApiClient(CoreV1Api), ns, selection, Math.random);
  const hit = selection.rand ? candidates : chosen;
  return targetSet(
    hit.map((pod) => ({ kind: "Pod", namespace: ns, name: nameOfMetadata(pod) })),
    candidates.length,
    [ns],
  );
}

async function deletionTargets(kc: KubeConfig, args: Args, kind: KindInfo): Promise<TargetSet> {
  const ns = optString(args, "ns") ?? "default";
  const objects = await selectForDeletion(
    kc,
    kind,
    ns,
    optString(args, "name"),
    optString(args, "label_selector"),
  );
  return targetSet(
    objects.map((object) => ({ kind: kind.kind, namespace: ns, name: nameOf(object) })),
    objects.length,
    [ns],
  );
}

function named(kind: string, args: Args, name = reqString(args, "name"), namespaced = true): TargetSet {
  const ns = optString(args, "ns") ?? "default";
  return targetSet([namespaced ? { kind, namespace: ns, name } : { kind, name }], 1, namespaced ? [ns] : []);
}

function created(kind: string, args: Args, manifest?: Record<string, unknown>): TargetSet {
  return named(kind, args, createdName(args, manifest));
}

async function nodeTargets(kc: KubeConfig, selection: NodeSelection): Promise<Selected<V1Node>> {
  return selectNodes(kc.makeApiClient(CoreV1Api), selection, Math.random);
}

async function drainTargets(kc: KubeConfig, args: Args): Promise<TargetSet> {
  const count = optInt(args, "count");
  const { candidates, chosen } = await nodeTargets(kc, {
    name: optString(args, "name"),
    labelSelector: optString(args, "label_selector"),
    count,
    podLabelSelector: optString(args, "pod_label_selector"),
    podNamespace: optString(args, "pod_namespace"),
  });
  const nodes = count === undefined ? chosen : candidates;
  const core = kc.makeApiClient(CoreV1Api);
  const objects: Target[] = nodes.map((node) => ({ kind: "Node", name: nameOfMetadata(node) }));
  for (const node of nodes) {
    const pods = await listAll((token) =>
      core.listPodForAllNamespaces({
        fieldSelector: `spec.nodeName=${nameOfMetadata(node)}`,
        limit: 500,
        _continue: token,
      }),
    );
    const plan = planDrain(pods, nameOfMetadata(node), bool(args, "delete_pods_with_local_storage"));
    for (const pod of [...plan.evict, ...plan.unmanaged.map((blocked) => blocked.pod)]) {
      objects.push({ kind: "Pod", namespace: pod.metadata?.namespace, name: nameOfMetadata(pod) });
    }
  }
  // A random pick (count) may hit any candidate node, so every one of them is listed: the nodes and
  // the pods a drain of them would evict are all the objects that could be touched.
  return targetSet(objects);
}

type Resolver = (kc: KubeConfig, args: Args) => Promise<TargetSet>;

const resolvers: Record<string, Resolver> = {
  "pod.terminate_pods": (kc, args) => podTargets(kc, args, podSelectionOf(args)),
  "pod.exec_in_pods": (kc, args) => podTargets(kc, args, podSelectionOf(args)),
  "pod.delete_pods": (kc, args) =>
    podTargets(
      kc,
      args,
      podSelectionOf({ name_pattern: optString(args, "name"), label_selector: args.label_selector }),
    ),
  "deployment.create_deployment": async (_kc, args) => created("Deployment", args),
  "deployment.delete_deployment": (kc, args) => deletionTargets(kc, args, Kinds.Deployment),
  "deployment.scale_deployment": async (_kc, args) => named("Deployment", args),
  "deployment.rollout_deployment": async (_kc, args) => named("Deployment", args),
  "statefulset.create_statefulset": async (_kc, args) => created("StatefulSet", args),
  "statefulset.scale_statefulset": async (_kc, args) => named("StatefulSet", args),
  "statefulset.remove_statefulset": (kc, args) => deletionTargets(kc, args, Kinds.StatefulSet),
  "daemonset.create_daemon_set": async (_kc, args) => created("DaemonSet", args),
  "daemonset.delete_daemon_set": (kc, args) => deletionTargets(kc, args, Kinds.DaemonSet),
  "daemonset.update_daemon_set": async (_kc, args) => named("DaemonSet", args),
  "replicaset.delete_replica_set": (kc, args) => deletionTargets(kc, args, Kinds.ReplicaSet),
  "service.create_service_endpoint": async (_kc, args) => created("Service", args),
  "service.delete_service": async (_kc, args) => named("Service", args),
  "secret.create_secret": async (_kc, args) => created("Secret", args),
  "secret.delete_secret": async (_kc, args) => named("Secret", args),
  "namespace.create_namespace": async (_kc, args) => {
    const name = optString(args, "name") ?? createdName(args);
    return targetSet([{ kind: "Namespace", name }], 1, [name]);
  },
  "namespace.delete_namespace": async (_kc, args) => {
    const name = reqString(args, "name");
    return targetSet([{ kind: "Namespace", name }], 1, [name]);
  },
  "networking.create_ingress": async (_kc, args) => created("Ingress", args),
  "networking.delete_ingress": async (_kc, args) => named("Ingress", args),
  "networking.update_ingress": async (_kc, args) => named("Ingress", args),
  "networking.create_network_policy": async (_kc, args) =>
    created("NetworkPolicy", args, optObject(args, "spec")),
  "networking.remove_network_policy": async (_kc, args) => named("NetworkPolicy", args),
  "networking.deny_all_ingress": async (_kc, args) =>
    named("NetworkPolicy", args, HelperPolicies.denyAllIngress),
  "networking.deny_all_egress": async (_kc, args) =>
    named("NetworkPolicy", args, HelperPolicies.denyAllEgress),
  "networking.allow_dns_access": async (_kc, args) => named("NetworkPolicy", args, HelperPolicies.allowDns),
  "networking.remove_deny_all_ingress": async (_kc, args) =>
    named("NetworkPolicy", args, HelperPolicies.denyAllIngress),
  "networking.remove_deny_all_egress": async (_kc, args) =>
    named("NetworkPolicy", args, HelperPolicies.denyAllEgress),
  "networking.remove_allow_dns_access": async (_kc, args) =>
    named("NetworkPolicy", args, HelperPolicies.allowDns),
  "node.delete_nodes": async (kc, args) => {
    const selection = deleteNodesSelection(args);
    const { candidates, chosen } = await nodeTargets(kc, selection);
    const hit = selection.count === undefined ? chosen : candidates;
    return targetSet(
      hit.map((node) => ({ kind: "Node", name: nameOfMetadata(node) })),
      candidates.length,
    );
  },
  "node.create_node": async (_kc, args) =>
    targetSet([{ kind: "Node", name: createdName(args, { metadata: optObject(args, "meta") }) }], 1),
  "node.cordon_node": async (kc, args) => {
    const { chosen } = await nodeTargets(kc, {
      name: optString(args, "name"),
      labelSelector: optString(args, "label_selector"),
    });
    return targetSet(chosen.map((node) => ({ kind: "Node", name: nameOfMetadata(node) })));
  },
  "node.drain_nodes": drainTargets,
  "crd.create_custom_object": async (_kc, args) =>
    created(reqString(args, "plural"), args, optObject(args, "resource")),
  "crd.delete_custom_object": async (_kc, args) => named(reqString(args, "plural"), args),
  "crd.patch_custom_object": async (_kc, args) => named(reqString(args, "plural"), args),
  "crd.replace_custom_object": async (_kc, args) => named(reqString(args, "plural"), args),
  "crd.create_cluster_custom_object": async (_kc, args) =>
    targetSet([{ kind: reqString(args, "plural"), name: createdName(args, optObject(args, "resource")) }], 1),
  "crd.delete_cluster_custom_object": async (_kc, args) =>
    named(reqString(args, "plural"), args, undefined, false),
  "crd.patch_cluster_custom_object": async (_kc, args) =>
    named(reqString(args, "plural"), args, undefined, false),
  "crd.replace_cluster_custom_object": async (_kc, args) =>
    named(reqString(args, "plural"), args, undefined, false),
  "crd.apply_from_json": async (_kc, args) => appliedTarget(args, "json"),
  "crd.apply_from_yaml": async (_kc, args) => appliedTarget(args, "yaml"),
  "deprecated.start_microservice": async (_kc, args) => created("Deployment", args),
  "deprecated.remove_service_endpoint": async (_kc, args) => named("Service", args),
  "deprecated.scale_microservice": async (_kc, args) => named("Deployment", args),
  "deprecated.kill_microservice": async (kc, args) => {
    const name = reqString(args, "name");
    const selector = formatNameTemplate(optString(args, "label_selector") ?? "", name);
    const parts = [
      await deletionTargets(kc, { ...args, label_selector: selector }, Kinds.Deployment),
      await deletionTargets(kc, { ...args, label_selector: selector }, Kinds.ReplicaSet),
      await podTargets(kc, args, podSelectionOf({ name_pattern: name, label_selector: selector })),
    ];
    return targetSet(
      parts.flatMap((part) => part.objects),
      parts.reduce((sum, part) => sum + part.candidates, 0),
      [optString(args, "ns") ?? "default"],
    );
  },
};
resolvers["node.uncordon_node"] = resolvers["node.cordon_node"] as Resolver;

function appliedTarget(args: Args, format: "json" | "yaml"): TargetSet {
  const text = optString(args, "resource") ?? "";
  let object: Record<string, unknown> = {};
  try {
    object = (format === "json" ? JSON.parse(text) : parseYaml(text)) as Record<string, unknown>;
  } catch {
    // The action reports the syntax error; the target stays unnamed.
  }
  const metadata = (object?.metadata ?? {}) as Record<string, unknown>;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
  return targetSet(
    [{ kind: String(object?.kind ?? "custom object"), namespace, name: createdName(args, object) }],
    1,
    [namespace],
  );
}

/**
 * The objects an action would touch, resolved without changing anything (the same selection code
 * the action runs); null for probes. A selection the action would refuse throws its ActivityFailed.
 */
export async function resolveTargets(
  module: string,
  func: string,
  args: Record<string, unknown>,
  kc: KubeConfig,
): Promise<TargetSet | null> {
  const found = implementationOf(module, func);
  if (found?.signature.kind !== "action") return null;
  const resolver = resolvers[`${found.file}.${found.impl}`];
  return resolver ? resolver(kc, withDefaults(found.signature, args)) : null;
}

// chaosk8s.node.actions and chaosk8s.node.probes.
import type { CoreV1Api, KubeConfig, V1Node, V1Pod } from "@kubernetes/client-node";
import type { TouchedObject } from "../../engine/journal.ts";
import type { NativeContext, UndoStep } from "../../providers/native.ts";
import { coreApi, patchOptions, toWire } from "../cluster-client.ts";
import { executeUndo, UndoKind } from "../undo.ts";
import { ActivityFailed, callApi, explainApiError, isNotFound } from "./activity-failed.ts";
import { type Args, bool, optInt, optObject, optString, reqInt, str } from "./arguments.ts";
import { chaosk8sFunction, lookingFor, optional, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf, RUN_ANNOTATION, randomOf, recordTouch, runIdOf } from "./cluster-context.ts";
import { Kinds } from "./object-access.ts";
import { listAll, listNodes, type NodeSelection, type Selected, selectNodes } from "./selection.ts";
import { createdName, type TargetObject, targetSet } from "./target-set.ts";
import { createTracked } from "./tracked-changes.ts";

const ACTIONS = "chaosk8s.node.actions";
const PROBES = "chaosk8s.node.probes";
/** How often a drain retries a refused eviction and checks whether the evicted pods are gone. */
const DRAIN_POLL_MS = 1000;

const nodeName = (node: V1Node): string => node.metadata?.name ?? "";
const touchedNode = (node: V1Node): TouchedObject => ({
  kind: "Node",
  name: nodeName(node),
  uid: node.metadata?.uid,
});

/** delete_nodes: the first match, one at random (`rand`), `count` at random, or every node (`all`). */
export function deleteNodesSelection(args: Args): NodeSelection {
  const all = bool(args, "all");
  const rand = bool(args, "rand");
  const count = optInt(args, "count");
  if (all) return {};
  return {
    labelSelector: optString(args, "label_selector"),
    podLabelSelector: optString(args, "pod_label_selector"),
    podNamespace: optString(args, "pod_namespace"),
    ...(rand ? { count: 1 } : count !== undefined && count >= 1 ? { count } : { first: true }),
  };
}

// Deleted nodes cannot be brought back by an undo: only a cloud provider or kubelet re-registers them.
async function deleteNodes(args: Args, ctx: NativeContext): Promise<string[]> {
  const gracePeriodSeconds = optInt(args, "grace_period_seconds");
  const kc = await kubeConfigOf(ctx);
  const core = await coreApi(kc);
  const { chosen } = await selectNodes(core, deleteNodesSelection(args), randomOf(ctx));
  const deleted: V1Node[] = [];
  for (const node of chosen) {
    const name = nodeName(node);
    await callApi({ verb: "delete", resource: "nodes", name }, () =>
      core.deleteNode({ name, ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) }),
    );
    deleted.push(node);
  }
  recordTouch(ctx, {
    action: `${ACTIONS}.delete_nodes`,
    objects: deleted.map(touchedNode),
    after: "deleted",
  });
  return deleted.map(nodeName);
}

async function createNode(args: Args, ctx: NativeContext): Promise<Record<string, unknown>> {
  const kc = await kubeConfigOf(ctx);
  const meta = optObject(args, "meta");
  const spec = optObject(args, "spec");
  return createTracked({ ctx, kc, action: `${ACTIONS}.create_node` }, Kinds.Node, {
    metadata: meta ?? {},
    ...(spec ? { spec } : {}),
  });
}

/** Sets spec.unschedulable on the nodes; the returned undo step puts each node's previous value back. */
async function setUnschedulable(
  ctx: NativeContext,
  core: CoreV1Api,
  nodes: V1Node[],
  unschedulable: boolean,
  action: string,
): Promise<UndoStep> {
  const previous = nodes.map((node) => ({
    name: nodeName(node),
    unschedulable: node.spec?.unschedulable === true,
  }));
  const step = await ctx.undo.register({
    kind: UndoKind.nodeSchedulable,
    description: `${unschedulable ? "uncordon" : "cordon"} ${
      previous
        .filter((node) => node.unschedulable !== unschedulable)
        .map((node) => node.name)
        .join(", ") || "no node"
    } again (nodes as they were before the experiment)`,
    data: { nodes: previous, set: unschedulable },
  });
  const merge = await patchOptions("merge");
  for (const node of nodes) {
    const name = nodeName(node);
    await callApi({ verb: "patch", resource: "nodes", name }, () =>
      core.patchNode(
        {
          name,
          body: { metadata: { annotations: { [RUN_ANNOTATION]: runIdOf(ctx) } }, spec: { unschedulable } },
        },
        merge,
      ),
    );
  }
  recordTouch(ctx, {
    action,
    objects: nodes.map(touchedNode),
    before: previous,
    after: nodes.map((node) => ({ name: nodeName(node), unschedulable })),
  });
  return step;
}

const cordonSelection = (args: Args): NodeSelection => ({
  name: optString(args, "name"),
  labelSelector: optString(args, "label_selector"),
});

async function cordonOrUncordon(args: Args, ctx: NativeContext, unschedulable: boolean): Promise<string[]> {
  const kc = await kubeConfigOf(ctx);
  const core = await coreApi(kc);
  const { chosen } = await selectNodes(core, cordonSelection(args), randomOf(ctx));
  const action = `${ACTIONS}.${unschedulable ? "cordon_node" : "uncordon_node"}`;
  await setUnschedulable(ctx, core, chosen, unschedulable, action);
  return chosen.map(nodeName);
}

interface DrainPlan {
  evict: V1Pod[];
  unmanaged: Array<{ pod: V1Pod; node: string }>;
}

/** kubectl drain --ignore-daemonsets: which pods to evict, and which block the drain. */
export function planDrain(pods: V1Pod[], node: string, deleteLocalStorage: boolean): DrainPlan {
  const plan: DrainPlan = { evict: [], unmanaged: [] };
  for (const pod of pods) {
    if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) continue;
    if (
      (pod.spec?.volumes ?? []).some((volume) => volume.emptyDir !== undefined && volume.emptyDir !== null)
    ) {
      if (deleteLocalStorage) plan.evict.push(pod);
      continue;
    }
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
      plan.evict.push(pod);
      continue;
    }
    const controller = (pod.metadata?.ownerReferences ?? []).find((owner) => owner.controller === true);
    if (controller?.kind === "DaemonSet") continue;
    if (controller) plan.evict.push(pod);
    else plan.unmanaged.push({ pod, node });
  }
  return plan;
}

async function podsOnNode(core: CoreV1Api, node: string): Promise<V1Pod[]> {
  return callApi({ verb: "list", resource: "pods" }, () =>
    listAll((token) =>
      core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}`, limit: 500, _continue: token }),
    ),
  );
}

const podRef = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

async function evict(ctx: NativeContext, core: CoreV1Api, pod: V1Pod, deadline: number): Promise<void> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace ?? "default";
  const call = { verb: "create", resource: "pods/eviction", namespace, name };
  for (;;) {
    try {
      await core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
      });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      const refused = (error as { code?: number }).code === 429;
      // A PodDisruptionBudget refuses the eviction for now: retry, as kubectl drain does.
      if (!refused || ctx.clock.now() >= deadline) throw explainApiError(error, call);
      await ctx.clock.sleep(DRAIN_POLL_MS, ctx.signal);
    }
  }
}

async function awaitGone(
  ctx: NativeContext,
  core: CoreV1Api,
  pods: V1Pod[],
  deadline: number,
  timeout: number,
) {
  let pending = [...pods];
  for (;;) {
    const still: V1Pod[] = [];
    for (const pod of pending) {
      const name = pod.metadata?.name ?? "";
      const namespace = pod.metadata?.namespace ?? "default";
      try {
        const current = await core.readNamespacedPod({ name, namespace });
        if (current.metadata?.uid === pod.metadata?.uid) still.push(pod);
      } catch (error) {
        if (!isNotFound(error))
          throw explainApiError(error, { verb: "get", resource: "pods", namespace, name });
      }
    }
    pending = still;
    if (pending.length === 0) return;
    if (ctx.clock.now() >= deadline) {
      throw new ActivityFailed(
        `draining did not complete within ${timeout}s; pods still there: ${pending.map(podRef).join(", ")}`,
      );
    }
    await ctx.clock.sleep(DRAIN_POLL_MS, ctx.signal);
  }
}

const drainSelection = (args: Args): NodeSelection => ({
  name: optString(args, "name"),
  labelSelector: optString(args, "label_selector"),
  count: optInt(args, "count"),
  podLabelSelector: optString(args, "pod_label_selector"),
  podNamespace: optString(args, "pod_namespace"),
});

async function drainNodes(args: Args, ctx: NativeContext): Promise<string[]> {
  const timeout = reqInt(args, "timeout");
  const kc = await kubeConfigOf(ctx);
  const core = await coreApi(kc);
  const { chosen } = await selectNodes(core, drainSelection(args), randomOf(ctx));
  const action = `${ACTIONS}.drain_nodes`;
  const cordon = await setUnschedulable(ctx, core, chosen, true, action);
  const plan: DrainPlan = { evict: [], unmanaged: [] };
  for (const node of chosen) {
    const pods = await podsOnNode(core, nodeName(node));
    const nodePlan = planDrain(pods, nodeName(node), bool(args, "delete_pods_with_local_storage"));
    plan.evict.push(...nodePlan.evict);
    plan.unmanaged.push(...nodePlan.unmanaged);
  }
  const blocker = plan.unmanaged[0];
  if (blocker) {
    // Nothing was evicted yet: put the nodes back as they were, then say why.
    await executeUndo(cordon, kc);
    await ctx.undo.discard(cordon);
    throw new ActivityFailed(
      `pod ${podRef(blocker.pod)} on node ${blocker.node} is unmanaged; delete it first or exclude it` +
        (plan.unmanaged.length > 1 ? ` (${plan.unmanaged.length - 1} more unmanaged pods)` : "") +
        "; the nodes were uncordoned again",
    );
  }
  const deadline = ctx.clock.now() + timeout * 1000;
  for (const pod of plan.evict) await evict(ctx, core, pod, deadline);
  recordTouch(ctx, {
    action,
    objects: plan.evict.map((pod) => ({
      kind: "Pod",
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid,
    })),
    after: "evicted",
  });
  await awaitGone(ctx, core, plan.evict, deadline, timeout);
  return chosen.map(nodeName);
}

async function nodesOf(args: Args, ctx: NativeContext): Promise<V1Node[]> {
  const kc = await kubeConfigOf(ctx);
  return listNodes(await coreApi(kc), { labelSelector: optString(args, "label_selector") });
}

async function getNodes(args: Args, ctx: NativeContext): Promise<Record<string, unknown>> {
  const nodes = await nodesOf(args, ctx);
  return toWire({ apiVersion: "v1", kind: "NodeList", metadata: {}, items: nodes }, "V1NodeList");
}

function conditionsOf(node: V1Node): Record<string, string> {
  const conditions: Record<string, string> = {};
  for (const condition of node.status?.conditions ?? []) conditions[condition.type] = condition.status;
  return conditions;
}

async function getAllNodeStatusConditions(
  args: Args,
  ctx: NativeContext,
): Promise<Array<Record<string, string>>> {
  const nodes = await nodesOf(args, ctx);
  return nodes.map((node) => ({ name: nodeName(node), ...conditionsOf(node) }));
}

async function verifyNodesCondition(args: Args, ctx: NativeContext): Promise<boolean> {
  const type = str(args, "condition_type");
  const value = str(args, "condition_value");
  const nodes = await nodesOf(args, ctx);
  return nodes.every((node) => conditionsOf(node)[type] === value);
}

/** The node conditions nodes_must_be_healthy checks, with their healthy value (others are ignored). */
const HEALTHY_CONDITIONS: Record<string, string> = {
  FrequentKubeletRestart: "False",
  FrequentDockerRestart: "False",
  FrequentContainerdRestart: "False",
  ReadonlyFilesystem: "False",
  KernelDeadlock: "False",
  CorruptDockerOverlay2: "False",
  FrequentUnregisterNetDevice: "False",
  NetworkUnavailable: "False",
  MemoryPressure: "False",
  DiskPressure: "False",
  PIDPressure: "False",
  Ready: "True",
};

async function nodesMustBeHealthy(args: Args, ctx: NativeContext): Promise<boolean> {
  const nodes = await nodesOf(args, ctx);
  return nodes.every((node) =>
    Object.entries(conditionsOf(node)).every(
      ([type, status]) => HEALTHY_CONDITIONS[type] === undefined || HEALTHY_CONDITIONS[type] === status,
    ),
  );
}

// ---- targets: the same selections, resolved without changing anything --------------------------
const targetNode = (node: V1Node): TargetObject => ({ kind: "Node", name: nodeName(node) });

async function nodeTargets(kc: KubeConfig, selection: NodeSelection): Promise<Selected<V1Node>> {
  return selectNodes(await coreApi(kc), selection, Math.random);
}

async function deleteNodesTargets(args: Args, kc: KubeConfig) {
  const selection = deleteNodesSelection(args);
  const { candidates, chosen } = await nodeTargets(kc, selection);
  const hit = selection.count === undefined ? chosen : candidates;
  return targetSet(hit.map(targetNode), candidates.length);
}

async function cordonTargets(args: Args, kc: KubeConfig) {
  const { chosen } = await nodeTargets(kc, cordonSelection(args));
  return targetSet(chosen.map(targetNode));
}

async function drainTargets(args: Args, kc: KubeConfig) {
  const selection = drainSelection(args);
  const { candidates, chosen } = await nodeTargets(kc, selection);
  const nodes = selection.count === undefined ? chosen : candidates;
  const core = await coreApi(kc);
  const objects: TargetObject[] = nodes.map(targetNode);
  for (const node of nodes) {
    const pods = await podsOnNode(core, nodeName(node));
    const plan = planDrain(pods, nodeName(node), bool(args, "delete_pods_with_local_storage"));
    for (const pod of [...plan.evict, ...plan.unmanaged.map((blocked) => blocked.pod)]) {
      objects.push({ kind: "Pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? "" });
    }
  }
  // A random pick (count) may hit any candidate node, so every one of them is listed: the nodes and
  // the pods a drain of them would evict are all the objects that could be touched.
  return targetSet(objects);
}

// ---- the functions ----------------------------------------------------------------------------
const nodeProbe = [Param.labelSelector];

export const delete_nodes = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_nodes",
  kind: "action",
  summary: "Delete nodes (first match, one at random, count at random, or all). Cannot be undone.",
  params: [
    Param.labelSelector,
    optional("all", "boolean", false),
    optional("rand", "boolean", false),
    optional("count", "integer"),
    optional("grace_period_seconds", "integer"),
    optional("pod_label_selector", "string"),
    optional("pod_namespace", "string"),
  ],
  permissions: [...perm("list,delete", "nodes"), ...perm("list", "pods")],
  fault: { reaches: "node" },
  run: deleteNodes,
  targets: deleteNodesTargets,
});

export const create_node = chaosk8sFunction({
  module: ACTIONS,
  name: "create_node",
  kind: "action",
  summary: "Create a Node object (deleted again by the undo).",
  params: [optional("meta", "object"), optional("spec", "object")],
  permissions: perm("create,delete", "nodes"),
  fault: null,
  run: createNode,
  targets: async (args) =>
    targetSet([{ kind: "Node", name: createdName(args, { metadata: optObject(args, "meta") }) }], 1),
});

export const cordon_node = chaosk8sFunction({
  module: ACTIONS,
  name: "cordon_node",
  kind: "action",
  summary: "Mark nodes unschedulable (restored by the undo).",
  params: [Param.optionalName, Param.labelSelector],
  permissions: perm("list,patch", "nodes"),
  fault: { reaches: "node" },
  run: (args, ctx) => cordonOrUncordon(args, ctx, true),
  targets: cordonTargets,
});

export const uncordon_node = chaosk8sFunction({
  module: ACTIONS,
  name: "uncordon_node",
  kind: "action",
  summary: "Mark nodes schedulable (restored by the undo).",
  params: [Param.optionalName, Param.labelSelector],
  permissions: perm("list,patch", "nodes"),
  // It puts nodes back: no fault.
  fault: null,
  run: (args, ctx) => cordonOrUncordon(args, ctx, false),
  targets: cordonTargets,
});

export const drain_nodes = chaosk8sFunction({
  module: ACTIONS,
  name: "drain_nodes",
  kind: "action",
  summary: "Cordon nodes and evict their pods through the Eviction API, honouring PodDisruptionBudgets.",
  params: [
    Param.optionalName,
    Param.labelSelector,
    optional("delete_pods_with_local_storage", "boolean", false),
    optional("timeout", "integer", 120),
    optional("count", "integer"),
    optional("pod_label_selector", "string"),
    optional("pod_namespace", "string"),
  ],
  permissions: [
    ...perm("list,patch", "nodes"),
    ...perm("list,get", "pods"),
    ...perm("create", "pods/eviction"),
  ],
  // Draining is evicting: a drain that evicts no pod injected only a cordon.
  fault: {
    reaches: "pod to evict",
    counts: (object) => object.kind === "Pod",
    lookingFor: (args) => `the pods on the nodes of ${lookingFor(args)}`,
  },
  run: drainNodes,
  targets: drainTargets,
});

export const get_nodes = chaosk8sFunction({
  module: PROBES,
  name: "get_nodes",
  kind: "probe",
  summary: "The NodeList.",
  params: nodeProbe,
  permissions: perm("list", "nodes"),
  run: getNodes,
});

export const get_all_node_status_conditions = chaosk8sFunction({
  module: PROBES,
  name: "get_all_node_status_conditions",
  kind: "probe",
  summary: "Each node's name and condition statuses.",
  params: nodeProbe,
  permissions: perm("list", "nodes"),
  run: getAllNodeStatusConditions,
});

export const all_nodes_must_be_ready_to_schedule = chaosk8sFunction({
  module: PROBES,
  name: "all_nodes_must_be_ready_to_schedule",
  kind: "probe",
  summary: "Every node is Ready.",
  params: nodeProbe,
  permissions: perm("list", "nodes"),
  run: async (args, ctx) => (await nodesOf(args, ctx)).every((node) => conditionsOf(node).Ready === "True"),
});

export const verify_nodes_condition = chaosk8sFunction({
  module: PROBES,
  name: "verify_nodes_condition",
  kind: "probe",
  summary: "Every node's condition has the value.",
  params: [
    optional("condition_type", "string", "PIDPressure"),
    optional("condition_value", "string", "False"),
    Param.labelSelector,
  ],
  permissions: perm("list", "nodes"),
  run: verifyNodesCondition,
});

export const nodes_must_be_healthy = chaosk8sFunction({
  module: PROBES,
  name: "nodes_must_be_healthy",
  kind: "probe",
  summary: "Every node is Ready with no pressure or problem condition.",
  params: nodeProbe,
  permissions: perm("list", "nodes"),
  run: nodesMustBeHealthy,
});

export const nodeFunctions = [
  delete_nodes,
  create_node,
  cordon_node,
  uncordon_node,
  drain_nodes,
  get_nodes,
  get_all_node_status_conditions,
  all_nodes_must_be_ready_to_schedule,
  verify_nodes_condition,
  nodes_must_be_healthy,
];

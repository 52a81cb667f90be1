// chaosk8s.node.actions and chaosk8s.node.probes.
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Node, type V1Pod } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation, UndoStep } from "../../providers/native.ts";
import type { TouchedObject } from "../targets.ts";
import { executeUndo, UndoKind } from "../undo.ts";
import { ActivityFailed, callApi, explainApiError, isNotFound } from "./activity-failed.ts";
import { type Args, bool, optInt, optObject, optString } from "./arguments.ts";
import { kubeConfigOf, RUN_ANNOTATION, randomOf, recordTouch, runIdOf } from "./cluster-context.ts";
import { Kinds } from "./object-access.ts";
import { listAll, listNodes, type NodeSelection, selectNodes } from "./selection.ts";
import { createTracked } from "./tracked-changes.ts";
import { toWire } from "./wire-format.ts";

const ACTIONS = "chaosk8s.node.actions";
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
  const core = kc.makeApiClient(CoreV1Api);
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
    data: { nodes: previous },
  });
  for (const node of nodes) {
    const name = nodeName(node);
    await callApi({ verb: "patch", resource: "nodes", name }, () =>
      core.patchNode(
        {
          name,
          body: { metadata: { annotations: { [RUN_ANNOTATION]: runIdOf(ctx) } }, spec: { unschedulable } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
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

async function cordonOrUncordon(args: Args, ctx: NativeContext, unschedulable: boolean): Promise<string[]> {
  const kc = await kubeConfigOf(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const { chosen } = await selectNodes(
    core,
    { name: optString(args, "name"), labelSelector: optString(args, "label_selector") },
    randomOf(ctx),
  );
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

async function drainNodes(args: Args, ctx: NativeContext): Promise<string[]> {
  const timeout = optInt(args, "timeout") ?? 120;
  const kc = await kubeConfigOf(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const { chosen } = await selectNodes(
    core,
    {
      name: optString(args, "name"),
      labelSelector: optString(args, "label_selector"),
      count: optInt(args, "count"),
      podLabelSelector: optString(args, "pod_label_selector"),
      podNamespace: optString(args, "pod_namespace"),
    },
    randomOf(ctx),
  );
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
  return listNodes(kc.makeApiClient(CoreV1Api), { labelSelector: optString(args, "label_selector") });
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
  const type = optString(args, "condition_type") ?? "PIDPressure";
  const value = optString(args, "condition_value") ?? "False";
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

export const implementations: Record<string, NativeImplementation> = {
  delete_nodes: deleteNodes,
  create_node: createNode,
  cordon_node: (args, ctx) => cordonOrUncordon(args, ctx, true),
  uncordon_node: (args, ctx) => cordonOrUncordon(args, ctx, false),
  drain_nodes: drainNodes,
  get_nodes: getNodes,
  get_all_node_status_conditions: getAllNodeStatusConditions,
  all_nodes_must_be_ready_to_schedule: async (args, ctx) =>
    (await nodesOf(args, ctx)).every((node) => conditionsOf(node).Ready === "True"),
  verify_nodes_condition: verifyNodesCondition,
  nodes_must_be_healthy: nodesMustBeHealthy,
};

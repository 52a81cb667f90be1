import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { type Condition, withCondition } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";
import { nodeIsReady } from "./pod-lifecycle.ts";

const unschedulableTaint = "node.kubernetes.io/unschedulable";

/**
 * Node lifecycle: the unschedulable taint follows spec.unschedulable, pods of a deleted node are removed,
 * and pods of a node that is not Ready are marked not ready.
 */
export class NodeLifecycleController implements Controller {
  readonly name = "node-lifecycle";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;

  constructor(state: ClusterState, events: EventRecorder) {
    this.state = state;
    this.events = events;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey !== "/nodes") return [];
    if (event.type === "MODIFIED" && event.previous) {
      const was = event.previous.spec?.unschedulable === true;
      const is = event.object.spec?.unschedulable === true;
      if (was !== is) {
        const node = event.object;
        const reason = is ? "NodeNotSchedulable" : "NodeSchedulable";
        this.state.timers.schedule(0, () =>
          this.events.record(
            node,
            "Normal",
            reason,
            `Node ${node.metadata.name} status is now: ${reason}`,
            "kubelet",
          ),
        );
      }
    }
    return [event.object.metadata.name];
  }

  reconcile(name: string): void {
    const node = this.state.get("", "nodes", undefined, name);
    if (!node) {
      for (const pod of this.state.scan("", "pods").filter((p) => p.spec?.nodeName === name)) {
        this.state.removePod(pod.metadata.namespace!, pod.metadata.name);
      }
      return;
    }
    this.syncTaint(node);
    if (!nodeIsReady(node)) this.markPodsNotReady(name);
  }

  private syncTaint(node: KubeObject): void {
    const taints = (node.spec?.taints ?? []) as Array<Record<string, unknown>>;
    const has = taints.some((t) => t.key === unschedulableTaint);
    const want = node.spec?.unschedulable === true;
    if (has === want) return;
    const next = want
      ? [...taints, { key: unschedulableTaint, effect: "NoSchedule", timeAdded: this.state.now() }]
      : taints.filter((t) => t.key !== unschedulableTaint);
    const spec: Record<string, unknown> = { ...node.spec };
    if (next.length > 0) spec.taints = next;
    else delete spec.taints;
    this.state.write("", "nodes", { ...node, spec });
  }

  private markPodsNotReady(nodeName: string): void {
    const now = this.state.now();
    for (const pod of this.state.scan("", "pods").filter((p) => p.spec?.nodeName === nodeName)) {
      const conditions = withCondition(
        (pod.status?.conditions ?? []) as Condition[],
        { type: "Ready", status: "False", lastProbeTime: null },
        now,
      );
      if (conditions === pod.status?.conditions) continue;
      const containerStatuses = ((pod.status?.containerStatuses ?? []) as Array<Record<string, unknown>>).map(
        (s) => ({ ...s, ready: false }),
      );
      this.state.write("", "pods", { ...pod, status: { ...pod.status, conditions, containerStatuses } });
    }
  }
}

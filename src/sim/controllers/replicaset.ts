import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { isTerminating } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";
import { countPods, deletionOrder, ownerKey, withoutZeros } from "./pod-counts.ts";
import { podFromTemplate } from "./pod-template.ts";

/** Keeps spec.replicas active pods per ReplicaSet; a terminating pod is replaced at once. */
export class ReplicaSetController implements Controller {
  readonly name = "replicaset";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;
  private readonly availabilityTimers = new Map<string, NodeJS.Timeout | undefined>();

  constructor(state: ClusterState, events: EventRecorder) {
    this.state = state;
    this.events = events;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "apps/replicasets")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/pods")
      return [
        ...new Set([...ownerKey(event.object, "ReplicaSet"), ...ownerKey(event.previous, "ReplicaSet")]),
      ];
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const rs = this.state.get("apps", "replicasets", namespace, name);
    if (!rs || isTerminating(rs)) return;
    const desired = Number(rs.spec?.replicas ?? 1);
    const template = (rs.spec?.template ?? {}) as Record<string, unknown>;
    let pods = this.state.podsOf(rs);
    let active = countPods(pods, 0).active;
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) this.createPod(rs, template);
    } else if (active.length > desired) {
      const victims = [...active].sort(deletionOrder).slice(0, active.length - desired);
      for (const pod of victims) {
        this.state.delete(this.state.type("", "pods"), namespace, pod.metadata.name);
        this.events.record(
          rs,
          "Normal",
          "SuccessfulDelete",
          `Deleted pod: ${pod.metadata.name}`,
          "replicaset-controller",
        );
      }
    }
    pods = this.state.podsOf(rs);
    const minReady = Number(rs.spec?.minReadySeconds ?? 0);
    const counts = countPods(pods, minReady);
    active = counts.active;
    const labelSelector =
      ((rs.spec?.selector ?? {}) as { matchLabels?: Record<string, string> }).matchLabels ?? {};
    const fullyLabeled = active.filter((p) =>
      Object.entries(labelSelector).every(([k, v]) => p.metadata.labels?.[k] === v),
    ).length;
    const status = withoutZeros(
      {
        replicas: active.length,
        fullyLabeledReplicas: fullyLabeled,
        readyReplicas: counts.ready,
        availableReplicas: counts.available,
        observedGeneration: rs.metadata.generation,
      },
      ["replicas"],
    );
    const current = this.state.get("apps", "replicasets", namespace, name)!;
    this.state.write("apps", "replicasets", { ...current, status });
    this.scheduleAvailabilityCheck(key, counts.nextAvailableInMs);
  }

  private scheduleAvailabilityCheck(key: string, inMs: number | undefined): void {
    if (inMs === undefined || this.availabilityTimers.has(key)) return;
    const timer = this.state.timers.schedule(inMs + 5, () => {
      this.availabilityTimers.delete(key);
      this.reconcile(key);
    });
    this.availabilityTimers.set(key, timer);
  }

  private createPod(rs: KubeObject, template: Record<string, unknown>): void {
    const namespace = rs.metadata.namespace!;
    let name = "";
    do name = `${rs.metadata.name}-${this.state.random.nameSuffix(5)}`;
    while (this.state.get("", "pods", namespace, name));
    try {
      const pod = this.state.create(
        this.state.type("", "pods"),
        namespace,
        podFromTemplate(rs, template, name, {}),
      );
      this.events.record(
        rs,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${pod.metadata.name}`,
        "replicaset-controller",
      );
    } catch (error) {
      this.events.record(
        rs,
        "Warning",
        "FailedCreate",
        `Error creating: ${(error as Error).message}`,
        "replicaset-controller",
      );
    }
  }
}

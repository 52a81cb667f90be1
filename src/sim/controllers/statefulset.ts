import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { isPodActive, isPodReady, isTerminating } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";
import { countPods, ownerKey, withoutZeros } from "./pod-counts.ts";
import { podFromTemplate, templateHash } from "./pod-template.ts";

const revisionLabel = "controller-revision-hash";

/** StatefulSet: pods named <set>-<ordinal>, created, replaced and updated one at a time in order. */
export class StatefulSetController implements Controller {
  readonly name = "statefulset";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;

  constructor(state: ClusterState, events: EventRecorder) {
    this.state = state;
    this.events = events;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "apps/statefulsets")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/pods")
      return [
        ...new Set([...ownerKey(event.object, "StatefulSet"), ...ownerKey(event.previous, "StatefulSet")]),
      ];
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const set = this.state.get("apps", "statefulsets", namespace, name);
    if (!set || isTerminating(set)) return;
    const replicas = Number(set.spec?.replicas ?? 1);
    const parallel = set.spec?.podManagementPolicy === "Parallel";
    const template = (set.spec?.template ?? {}) as Record<string, unknown>;
    const revision = `${name}-${templateHash(template)}`;
    const pods = new Map(this.state.podsOf(set).map((p) => [p.metadata.name, p]));
    const podType = this.state.type("", "pods");
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const podName = `${name}-${i}`;
      const pod = pods.get(podName);
      if (!pod) {
        if (this.state.get("", "pods", namespace, podName)) {
          blocked = !parallel;
          continue;
        }
        this.createPod(set, template, podName, i, revision);
        blocked = !parallel;
      } else if (!isPodActive(pod) || !isPodReady(pod)) {
        if (!isTerminating(pod) && (pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded")) {
          this.state.delete(podType, namespace, podName);
        }
        blocked = !parallel;
      }
    }
    const allReady = [...Array(replicas).keys()].every((i) => {
      const p = pods.get(`${name}-${i}`);
      return p !== undefined && isPodActive(p) && isPodReady(p);
    });
    const extra = [...pods.values()]
      .filter((p) => Number(p.metadata.name.slice(name.length + 1)) >= replicas && !isTerminating(p))
      .sort(
        (a, b) =>
          Number(b.metadata.name.slice(name.length + 1)) - Number(a.metadata.name.slice(name.length + 1)),
      );
    if (extra.length > 0 && (allReady || parallel)) {
      for (const pod of parallel ? extra : extra.slice(0, 1)) {
        this.state.delete(podType, namespace, pod.metadata.name);
        this.events.record(
          set,
          "Normal",
          "SuccessfulDelete",
          `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`,
          "statefulset-controller",
        );
      }
    } else if (
      extra.length === 0 &&
      allReady &&
      set.spec?.updateStrategy &&
      (set.spec.updateStrategy as Record<string, unknown>).type !== "OnDelete"
    ) {
      // Rolling update: replace the highest-ordinal pod still on an old revision, one at a time.
      const outdated = [...Array(replicas).keys()]
        .reverse()
        .map((i) => pods.get(`${name}-${i}`)!)
        .find((p) => p.metadata.labels?.[revisionLabel] !== revision);
      if (outdated) this.state.delete(podType, namespace, outdated.metadata.name);
    }
    this.updateStatus(set, revision);
  }

  private createPod(
    set: KubeObject,
    template: Record<string, unknown>,
    podName: string,
    ordinal: number,
    revision: string,
  ): void {
    const labels = {
      [revisionLabel]: revision,
      "statefulset.kubernetes.io/pod-name": podName,
      "apps.kubernetes.io/pod-index": String(ordinal),
    };
    const overrides: Record<string, unknown> = { hostname: podName };
    if (set.spec?.serviceName) overrides.subdomain = set.spec.serviceName;
    try {
      this.state.create(
        this.state.type("", "pods"),
        set.metadata.namespace,
        podFromTemplate(set, template, podName, labels, overrides),
      );
      this.events.record(
        set,
        "Normal",
        "SuccessfulCreate",
        `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`,
        "statefulset-controller",
      );
    } catch (error) {
      this.events.record(
        set,
        "Warning",
        "FailedCreate",
        `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`,
        "statefulset-controller",
      );
    }
  }

  private updateStatus(set: KubeObject, revision: string): void {
    const current = this.state.get("apps", "statefulsets", set.metadata.namespace, set.metadata.name);
    if (!current) return;
    const counts = countPods(this.state.podsOf(current), Number(current.spec?.minReadySeconds ?? 0));
    const updated = counts.active.filter((p) => p.metadata.labels?.[revisionLabel] === revision).length;
    const status = withoutZeros(
      {
        observedGeneration: current.metadata.generation,
        replicas: counts.active.length,
        readyReplicas: counts.ready,
        currentReplicas: updated,
        updatedReplicas: updated,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
        availableReplicas: counts.available,
      },
      ["replicas", "availableReplicas", "collisionCount"],
    );
    this.state.write("apps", "statefulsets", { ...current, status });
  }
}

import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { type Condition, isControlledBy, isTerminating, scaledValue, withCondition } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";
import { countPods, ownerKey, withoutZeros } from "./pod-counts.ts";
import { ownerReference, templateHash } from "./pod-template.ts";

type Obj = Record<string, unknown>;

const revisionAnnotation = "deployment.kubernetes.io/revision";

function replicasOf(rs: KubeObject): number {
  return Number(rs.spec?.replicas ?? 0);
}

/** Deployment → ReplicaSets: one ReplicaSet per template, rolling from old to new within maxSurge/maxUnavailable. */
export class DeploymentController implements Controller {
  readonly name = "deployment";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;
  private readonly availabilityTimers = new Map<string, NodeJS.Timeout | undefined>();

  constructor(state: ClusterState, events: EventRecorder) {
    this.state = state;
    this.events = events;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "apps/deployments")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "apps/replicasets") return ownerKey(event.object, "Deployment");
    if (event.typeKey === "/pods") {
      const keys = new Set<string>();
      for (const obj of [event.object, event.previous]) {
        for (const rsKey of ownerKey(obj, "ReplicaSet")) {
          const [ns, name] = rsKey.split("/") as [string, string];
          for (const k of ownerKey(this.state.get("apps", "replicasets", ns, name), "Deployment"))
            keys.add(k);
        }
      }
      return [...keys];
    }
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const deployment = this.state.get("apps", "deployments", namespace, name);
    if (!deployment || isTerminating(deployment)) return;
    const spec = deployment.spec ?? {};
    const desired = Number(spec.replicas ?? 1);
    const template = (spec.template ?? {}) as Obj;
    const hash = templateHash(template);
    const owned = this.state
      .scan("apps", "replicasets", namespace)
      .filter((rs) => isControlledBy(rs, deployment) && !isTerminating(rs));
    let newRs = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
    const old = owned.filter((rs) => rs !== newRs);
    let createdNew = false;
    if (!newRs) {
      const oldActive = old.some((rs) => replicasOf(rs) > 0);
      newRs = this.createReplicaSet(deployment, hash, template, oldActive ? 0 : desired, old);
      createdNew = true;
    }
    if (!spec.paused) {
      const strategy = (spec.strategy ?? {}) as Obj;
      if (strategy.type === "Recreate") this.recreate(deployment, newRs, old, desired);
      else this.rollingUpdate(deployment, newRs, old, desired, (strategy.rollingUpdate ?? {}) as Obj);
    }
    this.updateStatus(deployment, hash, createdNew);
  }

  private createReplicaSet(
    deployment: KubeObject,
    hash: string,
    template: Obj,
    replicas: number,
    old: KubeObject[],
  ): KubeObject {
    const revision =
      Math.max(0, ...old.map((rs) => Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0))) + 1;
    const templateMeta = (template.metadata ?? {}) as Obj;
    const labels = { ...((templateMeta.labels ?? {}) as Record<string, string>), "pod-template-hash": hash };
    const selector = (deployment.spec?.selector ?? {}) as Obj;
    const rs = this.state.create(this.state.type("apps", "replicasets"), deployment.metadata.namespace, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels,
        annotations: {
          [revisionAnnotation]: String(revision),
          "deployment.kubernetes.io/desired-replicas": String(deployment.spec?.replicas ?? 1),
          "deployment.kubernetes.io/max-replicas": String(Number(deployment.spec?.replicas ?? 1) + 1),
        },
        ownerReferences: [ownerReference(deployment)],
      },
      spec: {
        replicas,
        minReadySeconds: deployment.spec?.minReadySeconds ?? 0,
        selector: {
          ...selector,
          matchLabels: {
            ...((selector.matchLabels ?? {}) as Record<string, string>),
            "pod-template-hash": hash,
          },
        },
        template: { ...template, metadata: { ...templateMeta, labels } },
      },
    });
    this.events.record(
      deployment,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
      "deployment-controller",
    );
    return rs;
  }

  private scale(deployment: KubeObject, rs: KubeObject, replicas: number): KubeObject {
    const current = this.state.get("apps", "replicasets", rs.metadata.namespace, rs.metadata.name) ?? rs;
    const from = replicasOf(current);
    if (from === replicas) return current;
    const updated = this.state.write("apps", "replicasets", {
      ...current,
      metadata: {
        ...current.metadata,
        annotations: {
          ...current.metadata.annotations,
          "deployment.kubernetes.io/desired-replicas": String(deployment.spec?.replicas ?? 1),
        },
      },
      spec: { ...current.spec, replicas },
    });
    const verb = replicas > from ? "up" : "down";
    this.events.record(
      deployment,
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      "deployment-controller",
    );
    return updated;
  }

  private recreate(deployment: KubeObject, newRs: KubeObject, old: KubeObject[], desired: number): void {
    for (const rs of old) this.scale(deployment, rs, 0);
    const oldPods = old.some((rs) => this.state.podsOf(rs).length > 0);
    if (!oldPods) this.scale(deployment, newRs, desired);
  }

  private rollingUpdate(
    deployment: KubeObject,
    newRs: KubeObject,
    old: KubeObject[],
    desired: number,
    params: Obj,
  ): void {
    const liveOld = old.filter((rs) => replicasOf(rs) > 0);
    if (liveOld.length === 0) {
      this.scale(deployment, newRs, desired);
      return;
    }
    const surge = scaledValue(params.maxSurge ?? "25%", desired, true);
    let maxUnavailable = scaledValue(params.maxUnavailable ?? "25%", desired, false);
    if (surge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const minReady = Number(deployment.spec?.minReadySeconds ?? 0);
    const all = [newRs, ...liveOld];
    const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
    let newReplicas = replicasOf(newRs);
    if (newReplicas < desired) {
      const room = Math.min(desired + surge - total, desired - newReplicas);
      if (room > 0) {
        newReplicas += room;
        this.scale(deployment, newRs, newReplicas);
      }
    }
    const minAvailable = desired - maxUnavailable;
    // Pods a ReplicaSet is about to remove do not count: availability is capped at its replicas.
    const availableByRs = new Map(
      all.map((rs) => {
        const target = rs === newRs ? newReplicas : replicasOf(rs);
        return [rs, Math.min(target, countPods(this.state.podsOf(rs), minReady).available)];
      }),
    );
    const availableAll = [...availableByRs.values()].reduce((a, b) => a + b, 0);
    const newUnavailable = Math.max(0, newReplicas - (availableByRs.get(newRs) ?? 0));
    let totalNow = newReplicas + liveOld.reduce((sum, rs) => sum + replicasOf(rs), 0);
    // Old replicas that are not available cost no availability: remove them first.
    let unhealthyBudget = Math.max(0, totalNow - minAvailable - newUnavailable);
    const oldestFirst = [...liveOld].sort((a, b) =>
      a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1,
    );
    const oldReplicas = new Map(oldestFirst.map((rs) => [rs, replicasOf(rs)]));
    for (const rs of oldestFirst) {
      if (unhealthyBudget <= 0) break;
      const unhealthy = oldReplicas.get(rs)! - (availableByRs.get(rs) ?? 0);
      const cut = Math.min(unhealthy, unhealthyBudget);
      if (cut > 0) {
        oldReplicas.set(rs, oldReplicas.get(rs)! - cut);
        unhealthyBudget -= cut;
        totalNow -= cut;
      }
    }
    let scaleDown = Math.max(0, availableAll - minAvailable);
    for (const rs of oldestFirst) {
      if (scaleDown <= 0) break;
      const current = oldReplicas.get(rs)!;
      const cut = Math.min(current, scaleDown, availableByRs.get(rs) ?? 0);
      if (cut > 0) {
        oldReplicas.set(rs, current - cut);
        scaleDown -= cut;
      }
    }
    for (const rs of oldestFirst) this.scale(deployment, rs, oldReplicas.get(rs)!);
  }

  private updateStatus(deployment: KubeObject, hash: string, createdNew: boolean): void {
    const namespace = deployment.metadata.namespace!;
    const current = this.state.get("apps", "deployments", namespace, deployment.metadata.name);
    if (!current) return;
    const desired = Number(current.spec?.replicas ?? 1);
    const minReady = Number(current.spec?.minReadySeconds ?? 0);
    const owned = this.state
      .scan("apps", "replicasets", namespace)
      .filter((rs) => isControlledBy(rs, current));
    let replicas = 0;
    let updated = 0;
    let ready = 0;
    let available = 0;
    let specTotal = 0;
    let nextCheck: number | undefined;
    let newRsName = "";
    for (const rs of owned) {
      const counts = countPods(this.state.podsOf(rs), minReady);
      replicas += counts.active.length;
      ready += counts.ready;
      available += counts.available;
      specTotal += replicasOf(rs);
      if (counts.nextAvailableInMs !== undefined)
        nextCheck = Math.min(nextCheck ?? Infinity, counts.nextAvailableInMs);
      if (rs.metadata.labels?.["pod-template-hash"] === hash) {
        updated = counts.active.length;
        newRsName = rs.metadata.name;
      }
    }
    const strategy = (current.spec?.strategy ?? {}) as Obj;
    const rolling = (strategy.rollingUpdate ?? {}) as Obj;
    const maxUnavailable =
      strategy.type === "Recreate" ? 0 : scaledValue(rolling.maxUnavailable ?? "25%", desired, false);
    const now = this.state.now();
    let conditions = ((current.status?.conditions ?? []) as Condition[]).map((c) => c);
    const availableOk = available >= desired - maxUnavailable;
    conditions = withCondition(
      conditions,
      availableOk
        ? {
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
            lastUpdateTime: now,
          }
        : {
            type: "Available",
            status: "False",
            reason: "MinimumReplicasUnavailable",
            message: "Deployment does not have minimum availability.",
            lastUpdateTime: now,
          },
      now,
    );
    const complete = updated === desired && replicas === desired && available === desired;
    const progressing: Condition = complete
      ? {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          message: `ReplicaSet "${newRsName}" has successfully progressed.`,
          lastUpdateTime: now,
        }
      : createdNew
        ? {
            type: "Progressing",
            status: "True",
            reason: "NewReplicaSetCreated",
            message: `Created new replica set "${newRsName}"`,
            lastUpdateTime: now,
          }
        : {
            type: "Progressing",
            status: "True",
            reason: "ReplicaSetUpdated",
            message: `ReplicaSet "${newRsName}" is progressing.`,
            lastUpdateTime: now,
          };
    conditions = withCondition(conditions, progressing, now);
    const status = withoutZeros({
      observedGeneration: current.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specTotal - available),
      conditions,
    });
    this.state.write("apps", "deployments", { ...current, status });
    const key = `${namespace}/${current.metadata.name}`;
    if (nextCheck !== undefined && !this.availabilityTimers.has(key)) {
      const timer = this.state.timers.schedule(nextCheck + 5, () => {
        this.availabilityTimers.delete(key);
        this.reconcile(key);
      });
      this.availabilityTimers.set(key, timer);
    }
  }
}

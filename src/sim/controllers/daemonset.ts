import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { isPodActive, isPodReady, isTerminating } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";
import { countPods, ownerKey, withoutZeros } from "./pod-counts.ts";
import { podFromTemplate, templateHash } from "./pod-template.ts";

/** Taints every DaemonSet pod tolerates, as the DaemonSet controller adds them. */
const daemonTolerations = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

function nodeFits(node: KubeObject, template: Record<string, unknown>): boolean {
  const spec = (template.spec ?? {}) as Record<string, unknown>;
  const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
  const labels = node.metadata.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return false;
  const tolerations: Toleration[] = [...((spec.tolerations ?? []) as Toleration[]), ...daemonTolerations];
  const taints = (node.spec?.taints ?? []) as Array<{ key: string; value?: string; effect: string }>;
  return taints.every(
    (taint) =>
      taint.effect === "PreferNoSchedule" ||
      tolerations.some(
        (t) =>
          (!t.effect || t.effect === taint.effect) &&
          (t.operator === "Exists"
            ? !t.key || t.key === taint.key
            : t.key === taint.key && (t.value ?? "") === (taint.value ?? "")),
      ),
  );
}

/** DaemonSet: one pod per node that fits, cordoned nodes included (the unschedulable taint is tolerated). */
export class DaemonSetController implements Controller {
  readonly name = "daemonset";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;

  constructor(state: ClusterState, events: EventRecorder) {
    this.state = state;
    this.events = events;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "apps/daemonsets")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/pods")
      return [...new Set([...ownerKey(event.object, "DaemonSet"), ...ownerKey(event.previous, "DaemonSet")])];
    if (event.typeKey === "/nodes") {
      return this.state
        .scan("apps", "daemonsets")
        .map((ds) => `${ds.metadata.namespace}/${ds.metadata.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const ds = this.state.get("apps", "daemonsets", namespace, name);
    if (!ds || isTerminating(ds)) return;
    const template = (ds.spec?.template ?? {}) as Record<string, unknown>;
    const hash = templateHash(template);
    const nodes = this.state.list("", "nodes");
    const fitting = new Set(nodes.filter((n) => nodeFits(n, template)).map((n) => n.metadata.name));
    const pods = this.state.podsOf(ds);
    const podType = this.state.type("", "pods");
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of pods.filter(isPodActive)) {
      const node = String(pod.spec?.nodeName ?? "");
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    for (const nodeName of fitting) {
      if (!byNode.has(nodeName) && !pods.some((p) => p.spec?.nodeName === nodeName && isTerminating(p))) {
        this.createPod(ds, template, nodeName, hash);
      }
    }
    for (const [nodeName, nodePods] of byNode) {
      const surplus = fitting.has(nodeName) ? nodePods.slice(1) : nodePods;
      for (const pod of surplus) this.state.delete(podType, namespace, pod.metadata.name);
    }
    // Rolling update: one outdated pod at a time, when every other pod is ready.
    const active = pods.filter(isPodActive);
    const outdated = active.filter((p) => p.metadata.labels?.["controller-revision-hash"] !== hash);
    if (outdated.length > 0 && active.every((p) => isPodReady(p)) && !pods.some(isTerminating)) {
      this.state.delete(podType, namespace, outdated[0]!.metadata.name);
    }
    this.updateStatus(ds, fitting, hash);
  }

  private createPod(ds: KubeObject, template: Record<string, unknown>, nodeName: string, hash: string): void {
    const spec = (template.spec ?? {}) as Record<string, unknown>;
    const tolerations = [...((spec.tolerations ?? []) as Toleration[]), ...daemonTolerations];
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] },
          ],
        },
      },
    };
    let podName = "";
    do podName = `${ds.metadata.name}-${this.state.random.nameSuffix(5)}`;
    while (this.state.get("", "pods", ds.metadata.namespace, podName));
    try {
      this.state.create(
        this.state.type("", "pods"),
        ds.metadata.namespace,
        podFromTemplate(
          ds,
          template,
          podName,
          {
            "controller-revision-hash": hash,
            "pod-template-generation": String(ds.metadata.generation ?? 1),
          },
          {
            tolerations,
            affinity,
            nodeName,
          },
        ),
      );
      this.events.record(ds, "Normal", "SuccessfulCreate", `Created pod: ${podName}`, "daemonset-controller");
    } catch (error) {
      this.events.record(
        ds,
        "Warning",
        "FailedCreate",
        `Error creating: ${(error as Error).message}`,
        "daemonset-controller",
      );
    }
  }

  private updateStatus(ds: KubeObject, fitting: Set<string>, hash: string): void {
    const current = this.state.get("apps", "daemonsets", ds.metadata.namespace, ds.metadata.name);
    if (!current) return;
    const counts = countPods(this.state.podsOf(current), Number(current.spec?.minReadySeconds ?? 0));
    const scheduled = counts.active.filter((p) => fitting.has(String(p.spec?.nodeName)));
    const desired = fitting.size;
    const status = withoutZeros(
      {
        currentNumberScheduled: scheduled.length,
        numberMisscheduled: counts.active.length - scheduled.length,
        desiredNumberScheduled: desired,
        numberReady: counts.ready,
        observedGeneration: current.metadata.generation,
        updatedNumberScheduled: scheduled.filter(
          (p) => p.metadata.labels?.["controller-revision-hash"] === hash,
        ).length,
        numberAvailable: counts.available,
        numberUnavailable: Math.max(0, desired - counts.available),
      },
      ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"],
    );
    this.state.write("apps", "daemonsets", { ...current, status });
  }
}

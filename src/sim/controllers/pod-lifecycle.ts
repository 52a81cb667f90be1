import type { ClusterState } from "../cluster-state.ts";
import type { EventRecorder } from "../event-recorder.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import type { PodLogs } from "../pod-logs.ts";
import {
  type Condition,
  isPodReady,
  isTerminating,
  podContainers,
  podPhase,
  withCondition,
} from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";

type Stage = "schedule" | "start" | "ready" | "finalize";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === taint.effect) &&
      (t.operator === "Exists"
        ? t.key === undefined || t.key === "" || t.key === taint.key
        : t.key === taint.key && (t.value ?? "") === (taint.value ?? "")),
  );
}

export function nodeIsReady(node: KubeObject): boolean {
  const conditions = (node.status?.conditions ?? []) as Condition[];
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** Why a node cannot take a pod, or undefined when it can. */
function unfit(node: KubeObject, pod: KubeObject): string | undefined {
  const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
  const unschedulableToleration = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
  if (node.spec?.unschedulable === true && !tolerates(tolerations, unschedulableToleration))
    return "were unschedulable";
  if (!nodeIsReady(node)) return "were not ready";
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if ((taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerates(tolerations, taint)) {
      return `had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
    }
  }
  const selector = (pod.spec?.nodeSelector ?? {}) as Record<string, string>;
  const labels = node.metadata.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v))
    return "didn't match Pod's node affinity/selector";
  return undefined;
}

function needsReadinessDelay(pod: KubeObject): boolean {
  return podContainers(pod).some((c) => c.readinessProbe !== undefined);
}

/** The scheduler and the kubelets: bind pods to nodes, start their containers, mark them Ready, stop them. */
export class PodLifecycleController implements Controller {
  readonly name = "pod-lifecycle";
  private readonly state: ClusterState;
  private readonly events: EventRecorder;
  private readonly logs: PodLogs;
  /** The step each pod waits for; `token` tells a re-armed step (a shorter grace period) from the same one. */
  private readonly pending = new Map<string, { token: string; timer: NodeJS.Timeout | undefined }>();
  /** Pods no node could take: they wait for a node to change instead of retrying on a timer. */
  private readonly parked = new Set<string>();
  private roundRobin = 0;
  private readonly podIpCounters = new Map<string, number>();

  constructor(state: ClusterState, events: EventRecorder, logs: PodLogs) {
    this.state = state;
    this.events = events;
    this.logs = logs;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "/pods")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/nodes") {
      const keys = this.state
        .scan("", "pods")
        .filter((p) => !p.spec?.nodeName || p.spec.nodeName === event.object.metadata.name)
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
      for (const key of keys) this.parked.delete(key);
      return keys;
    }
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const pod = this.state.get("", "pods", namespace, name);
    const entry = this.pending.get(key);
    if (!pod) {
      this.clear(key);
      this.parked.delete(key);
      this.logs.forget(key);
      return;
    }
    const nodeName = pod.spec?.nodeName as string | undefined;
    let stage: Stage | undefined;
    if (isTerminating(pod)) stage = "finalize";
    else if (!nodeName) stage = "schedule";
    else if (!this.state.get("", "nodes", undefined, nodeName)) stage = undefined;
    else if (podPhase(pod) === "Pending") stage = "start";
    else if (podPhase(pod) === "Running" && !isPodReady(pod) && this.nodeReady(nodeName)) stage = "ready";
    const token =
      stage === "finalize" ? `finalize:${pod.metadata.deletionGracePeriodSeconds}` : (stage ?? "");
    if (entry?.token === token) return;
    const alreadyStopping = entry?.token.startsWith("finalize") === true;
    this.clear(key);
    if (!stage || (stage === "schedule" && this.parked.has(key))) return;
    if (stage === "finalize" && !alreadyStopping) this.stopping(pod);
    const delay = this.delayFor(stage, pod);
    const timer = this.state.timers.schedule(delay, () => {
      this.pending.delete(key);
      this.advance(key, stage);
    });
    this.pending.set(key, { token, timer });
  }

  close(): void {
    this.pending.clear();
  }

  /** Restarts a container, as when its main process dies (`kill 1`). */
  restartContainer(pod: KubeObject, container: string): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const now = this.state.now();
    const statuses = ((pod.status?.containerStatuses ?? []) as Array<Record<string, unknown>>).map((s) => {
      if (s.name !== container) return s;
      const running = (s.state as Record<string, Record<string, unknown>> | undefined)?.running;
      return {
        ...s,
        ready: false,
        restartCount: Number(s.restartCount ?? 0) + 1,
        lastState: {
          terminated: {
            exitCode: 137,
            reason: "Error",
            startedAt: running?.startedAt ?? now,
            finishedAt: now,
            containerID: s.containerID,
          },
        },
        state: { running: { startedAt: now } },
        containerID: `containerd://${this.state.random.hex(64)}`,
      };
    });
    this.logs.rotate(key, container);
    this.logs.write(key, container, `starting ${container} (restarted)`);
    this.state.write("", "pods", {
      ...pod,
      status: { ...pod.status, containerStatuses: statuses, conditions: this.readiness(pod, false, now) },
    });
    this.events.record(pod, "Normal", "Started", `Started container ${container}`, "kubelet");
  }

  private nodeReady(nodeName: string): boolean {
    const node = this.state.get("", "nodes", undefined, nodeName);
    return node !== undefined && nodeIsReady(node);
  }

  private clear(key: string): void {
    const entry = this.pending.get(key);
    if (entry) this.state.timers.cancel(entry.timer);
    this.pending.delete(key);
  }

  private delayFor(stage: Stage, pod: KubeObject): number {
    const t = this.state.timing;
    switch (stage) {
      case "schedule":
        return this.state.delay(t.scheduleMs);
      case "start":
        return this.state.delay(t.startMs);
      case "ready":
        return needsReadinessDelay(pod) ? this.state.delay(t.readyMs) : 0;
      case "finalize":
        return Math.min(Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000, t.deleteGraceMs);
    }
  }

  private advance(key: string, stage: Stage): void {
    const [namespace, name] = key.split("/") as [string, string];
    const pod = this.state.get("", "pods", namespace, name);
    if (!pod) return;
    switch (stage) {
      case "schedule":
        if (!pod.spec?.nodeName && !isTerminating(pod)) this.schedule(pod);
        break;
      case "start":
        if (podPhase(pod) === "Pending" && !isTerminating(pod)) this.start(pod);
        break;
      case "ready":
        if (!isTerminating(pod) && podPhase(pod) === "Running") this.markReady(pod);
        break;
      case "finalize":
        this.state.removePod(namespace, name);
        break;
    }
    this.reconcile(key);
  }

  private schedule(pod: KubeObject): void {
    const nodes = this.state.list("", "nodes");
    const reasons = new Map<string, number>();
    const eligible = nodes.filter((n) => {
      const why = unfit(n, pod);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      return why === undefined;
    });
    const now = this.state.now();
    const conditions = (pod.status?.conditions ?? []) as Condition[];
    if (eligible.length === 0) {
      const detail = [...reasons].map(([why, n]) => `${n} node(s) ${why}`).join(", ");
      const message = `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ""}. preemption: 0/${nodes.length} nodes are available.`;
      this.parked.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
      const next = withCondition(
        conditions,
        { type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastProbeTime: null },
        now,
      );
      if (next !== conditions) {
        this.state.write("", "pods", { ...pod, status: { ...pod.status, conditions: next } });
        this.events.record(pod, "Warning", "FailedScheduling", message, "default-scheduler");
      }
      return;
    }
    const node = eligible[this.roundRobin++ % eligible.length]!;
    const nodeName = node.metadata.name;
    const bound = this.state.write("", "pods", {
      ...pod,
      spec: { ...pod.spec, nodeName },
      status: {
        ...pod.status,
        conditions: withCondition(
          conditions,
          { type: "PodScheduled", status: "True", lastProbeTime: null },
          now,
        ),
        containerStatuses: podContainers(pod).map((c) => ({
          name: c.name,
          image: c.image,
          imageID: "",
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: "ContainerCreating" } },
          lastState: {},
        })),
      },
    });
    this.events.record(
      bound,
      "Normal",
      "Scheduled",
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      "default-scheduler",
    );
  }

  private podIp(nodeName: string): string {
    const node = this.state.get("", "nodes", undefined, nodeName);
    const cidr = String(node?.spec?.podCIDR ?? "10.244.0.0/24");
    const prefix = cidr.split(".").slice(0, 3).join(".");
    const next = (this.podIpCounters.get(nodeName) ?? 1) + 1;
    this.podIpCounters.set(nodeName, next > 254 ? 2 : next);
    return `${prefix}.${next}`;
  }

  private readiness(pod: KubeObject, ready: boolean, now: string): Condition[] {
    let conditions = (pod.status?.conditions ?? []) as Condition[];
    for (const type of ["PodReadyToStartContainers", "Initialized"]) {
      conditions = withCondition(conditions, { type, status: "True", lastProbeTime: null }, now);
    }
    const status = ready ? "True" : "False";
    const extra = ready
      ? {}
      : {
          reason: "ContainersNotReady",
          message: `containers with unready status: [${podContainers(pod)
            .map((c) => c.name)
            .join(" ")}]`,
        };
    conditions = withCondition(conditions, { type: "Ready", status, lastProbeTime: null, ...extra }, now);
    conditions = withCondition(
      conditions,
      { type: "ContainersReady", status, lastProbeTime: null, ...extra },
      now,
    );
    return withCondition(conditions, { type: "PodScheduled", status: "True", lastProbeTime: null }, now);
  }

  private start(pod: KubeObject): void {
    const nodeName = String(pod.spec?.nodeName);
    const node = this.state.get("", "nodes", undefined, nodeName);
    const hostIP =
      ((node?.status?.addresses ?? []) as Array<{ type: string; address: string }>).find(
        (a) => a.type === "InternalIP",
      )?.address ?? "10.0.0.1";
    const ip = this.podIp(nodeName);
    const now = this.state.now();
    const ready = !needsReadinessDelay(pod);
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const containerStatuses = podContainers(pod).map((c) => {
      const image = String(c.image);
      this.logs.write(key, String(c.name), `starting ${c.name} (${image}) on ${nodeName}`);
      this.logs.write(key, String(c.name), `listening on ${ip}`);
      return {
        name: c.name,
        image,
        imageID: `docker.io/library/${image.split(":")[0]}@sha256:${this.state.random.hex(64)}`,
        containerID: `containerd://${this.state.random.hex(64)}`,
        ready,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      };
    });
    const running = this.state.write("", "pods", {
      ...pod,
      status: {
        ...pod.status,
        phase: "Running",
        hostIP,
        hostIPs: [{ ip: hostIP }],
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: this.readiness(pod, ready, now),
        containerStatuses,
      },
    });
    for (const c of podContainers(pod)) {
      this.events.record(
        running,
        "Normal",
        "Pulled",
        `Container image "${c.image}" already present on machine`,
        "kubelet",
      );
      this.events.record(running, "Normal", "Created", `Created container ${c.name}`, "kubelet");
      this.events.record(running, "Normal", "Started", `Started container ${c.name}`, "kubelet");
    }
  }

  private markReady(pod: KubeObject): void {
    const now = this.state.now();
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const containerStatuses = ((pod.status?.containerStatuses ?? []) as Array<Record<string, unknown>>).map(
      (s) => {
        this.logs.write(key, String(s.name), "ready");
        return { ...s, ready: true };
      },
    );
    this.state.write("", "pods", {
      ...pod,
      status: { ...pod.status, containerStatuses, conditions: this.readiness(pod, true, now) },
    });
  }

  /** A pod just got its deletionTimestamp: the kubelet starts stopping its containers. */
  stopping(pod: KubeObject): void {
    for (const c of podContainers(pod)) {
      this.events.record(pod, "Normal", "Killing", `Stopping container ${c.name}`, "kubelet");
    }
  }
}

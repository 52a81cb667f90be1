import type { ClusterState } from "../cluster-state.ts";
import { matchesLabels, selectorFromMap } from "../label-selector.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import { isPodReady, isTerminating } from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";

type Obj = Record<string, unknown>;

function targetPort(port: Obj, pod: KubeObject): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[]) if (p.name === target) return Number(p.containerPort);
  }
  return Number(port.port);
}

/** Endpoints and EndpointSlices of each Service with a selector: ready pods as addresses, the rest as not ready. */
export class EndpointsController implements Controller {
  readonly name = "endpoints";
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "/services")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/pods") {
      const ns = event.object.metadata.namespace!;
      return this.state
        .scan("", "services", ns)
        .filter((svc) => {
          const selector = selectorFromMap(svc.spec?.selector as Record<string, string> | undefined);
          return (
            selector !== undefined &&
            (matchesLabels(selector, event.object.metadata.labels) ||
              matchesLabels(selector, event.previous?.metadata.labels))
          );
        })
        .map((svc) => `${ns}/${svc.metadata.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const svc = this.state.get("", "services", namespace, name);
    const epType = this.state.type("", "endpoints");
    const sliceType = this.state.type("discovery.k8s.io", "endpointslices");
    const sliceName = `${name}-sim`;
    if (!svc) {
      for (const [type, n] of [
        [epType, name],
        [sliceType, sliceName],
      ] as const) {
        const existing = this.state.store.get(type, namespace, n);
        if (existing && existing.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] !== "user") {
          this.state.store.remove(type, namespace, n);
        }
      }
      return;
    }
    const selector = selectorFromMap(svc.spec?.selector as Record<string, string> | undefined);
    if (!selector) return;
    const pods = this.state
      .scan("", "pods", namespace)
      .filter((p) => matchesLabels(selector, p.metadata.labels) && p.status?.podIP)
      .sort((a, b) => (String(a.status?.podIP) < String(b.status?.podIP) ? -1 : 1));
    const address = (p: KubeObject) => ({
      ip: p.status?.podIP,
      nodeName: p.spec?.nodeName,
      targetRef: { kind: "Pod", namespace, name: p.metadata.name, uid: p.metadata.uid },
    });
    const ready = pods.filter((p) => isPodReady(p) && !isTerminating(p));
    const notReady = pods.filter((p) => !ready.includes(p));
    const svcPorts = (svc.spec?.ports ?? []) as Obj[];
    const sample = pods[0];
    const ports = svcPorts.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: sample ? targetPort(p, sample) : Number(p.targetPort ?? p.port),
      protocol: p.protocol ?? "TCP",
    }));
    const subset: Obj = {};
    if (ready.length > 0) subset.addresses = ready.map(address);
    if (notReady.length > 0) subset.notReadyAddresses = notReady.map(address);
    if (pods.length > 0) subset.ports = ports;
    const endpoints: KubeObject = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name, namespace, labels: { ...svc.metadata.labels } } as KubeObject["metadata"],
      subsets: pods.length > 0 ? [subset] : [],
    };
    this.upsert(epType, endpoints);
    const slice: KubeObject = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: sliceName,
        namespace,
        labels: {
          ...svc.metadata.labels,
          "kubernetes.io/service-name": name,
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        },
        ownerReferences: [
          {
            apiVersion: "v1",
            kind: "Service",
            name,
            uid: svc.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      } as unknown as KubeObject["metadata"],
      addressType: "IPv4",
      endpoints: pods.map((p) => ({
        addresses: [p.status?.podIP],
        conditions: { ready: ready.includes(p), serving: isPodReady(p), terminating: isTerminating(p) },
        nodeName: p.spec?.nodeName,
        targetRef: { kind: "Pod", namespace, name: p.metadata.name, uid: p.metadata.uid },
      })),
      ports,
    };
    this.upsert(sliceType, slice);
  }

  private upsert(type: ReturnType<ClusterState["type"]>, obj: KubeObject): void {
    const existing = this.state.store.get(type, obj.metadata.namespace, obj.metadata.name);
    if (existing)
      this.state.store.replace(type, {
        ...existing,
        ...obj,
        metadata: { ...existing.metadata, labels: obj.metadata.labels },
      });
    else this.state.store.insert(type, obj);
  }
}

import type { ClusterState } from "./cluster-state.ts";
import type { KubeObject } from "./object-store.ts";

/** Most events kept; the oldest go first, as the API server's event TTL would remove them. */
const maxEvents = 2000;

/** Writes core/v1 and events.k8s.io/v1 events about an object, as controllers and the kubelet do. */
export class EventRecorder {
  private readonly state: ClusterState;
  private readonly names: string[] = [];

  constructor(state: ClusterState) {
    this.state = state;
  }

  record(
    regarding: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
  ): void {
    const namespace = regarding.metadata.namespace ?? "default";
    if (!this.state.get("", "namespaces", undefined, namespace)) return;
    const name = `${regarding.metadata.name}.${this.state.random.hex(16)}`;
    const now = new Date();
    const seconds = `${now.toISOString().slice(0, 19)}Z`;
    const micro = `${now.toISOString().slice(0, 23)}000Z`;
    const ref = {
      kind: regarding.kind,
      namespace: regarding.metadata.namespace,
      name: regarding.metadata.name,
      uid: regarding.metadata.uid,
      apiVersion: regarding.apiVersion,
      resourceVersion: regarding.metadata.resourceVersion,
    };
    const host = typeof regarding.spec?.nodeName === "string" ? regarding.spec.nodeName : undefined;
    try {
      this.state.create(this.state.type("", "events"), namespace, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject: ref,
        reason,
        message,
        type,
        source: host ? { component, host } : { component },
        firstTimestamp: seconds,
        lastTimestamp: seconds,
        count: 1,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: host ?? "",
      });
      this.state.create(this.state.type("events.k8s.io", "events"), namespace, {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name, namespace },
        regarding: ref,
        reason,
        note: message,
        type,
        eventTime: micro,
        action: reason,
        reportingController: component,
        reportingInstance: host ?? component,
        deprecatedFirstTimestamp: seconds,
        deprecatedLastTimestamp: seconds,
        deprecatedCount: 1,
      });
    } catch {
      // An event is best effort: a namespace being deleted refuses it, as a real cluster would.
      return;
    }
    this.names.push(`${namespace}/${name}`);
    while (this.names.length > maxEvents) {
      const oldest = this.names.shift()!;
      const [ns, n] = oldest.split("/") as [string, string];
      this.state.store.remove(this.state.type("", "events"), ns, n);
      this.state.store.remove(this.state.type("events.k8s.io", "events"), ns, n);
    }
  }
}

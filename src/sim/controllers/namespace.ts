import type { ClusterState } from "../cluster-state.ts";
import type { StoreEvent } from "../object-store.ts";
import type { Controller } from "./controller-manager.ts";

/** Deletes everything in a terminating namespace, then the namespace itself. */
export class NamespaceController implements Controller {
  readonly name = "namespace";
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "/namespaces")
      return event.object.metadata.deletionTimestamp ? [event.object.metadata.name] : [];
    const ns = event.object.metadata.namespace;
    if (event.type === "DELETED" && ns) {
      const namespace = this.state.get("", "namespaces", undefined, ns);
      if (namespace?.metadata.deletionTimestamp) return [ns];
    }
    return [];
  }

  reconcile(name: string): void {
    const namespace = this.state.get("", "namespaces", undefined, name);
    if (!namespace?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const type of this.state.registry.all()) {
      if (!type.namespaced || !type.stored) continue;
      for (const obj of this.state.store.scan(type, name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) {
          this.state.delete(type, name, obj.metadata.name, { propagationPolicy: "Background" });
        }
      }
    }
    if (remaining === 0 || this.isEmpty(name))
      this.state.store.remove(this.state.type("", "namespaces"), undefined, name);
  }

  private isEmpty(name: string): boolean {
    return this.state.registry
      .all()
      .every((type) => !type.namespaced || !type.stored || this.state.store.scan(type, name).length === 0);
  }
}

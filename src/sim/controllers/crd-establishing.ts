import type { ClusterState } from "../cluster-state.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import type { Controller } from "./controller-manager.ts";

const CRD_KEY = "apiextensions.k8s.io/customresourcedefinitions";

type Obj = Record<string, unknown>;

function isEstablished(crd: KubeObject): boolean {
  const conditions = ((crd.status ?? {}) as Obj).conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => (c as Obj).type === "Established" && (c as Obj).status === "True")
  );
}

/**
 * Serves a CustomResourceDefinition's resources and marks it `Established`. Until then its group
 * is absent from discovery and its objects answer 404, as right after a create on a real cluster.
 */
export function establishCrd(state: ClusterState, crd: KubeObject): KubeObject {
  state.registry.defineFromCrd(crd);
  if (isEstablished(crd)) return crd;
  const now = state.now();
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime: now,
    reason,
    message,
  });
  return state.write("apiextensions.k8s.io", "customresourcedefinitions", {
    ...crd,
    status: {
      ...((crd.status ?? {}) as Obj),
      acceptedNames: ((crd.spec ?? {}) as Obj).names ?? {},
      storedVersions: (((crd.spec ?? {}) as Obj).versions as Obj[] | undefined)
        ?.filter((v) => v.storage === true)
        .map((v) => v.name) ?? ["v1"],
      conditions: [
        condition("NamesAccepted", "NoConflicts", "no conflicts found"),
        condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
      ],
    },
  });
}

/** Establishes new CustomResourceDefinitions after the configured delay. */
export class CrdEstablishingController implements Controller {
  readonly name = "crd-establishing";
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey !== CRD_KEY || event.type !== "ADDED" || isEstablished(event.object)) return [];
    return [event.object.metadata.name];
  }

  reconcile(name: string): void {
    this.state.timers.schedule(this.state.delay(this.state.timing.establishMs), () => {
      const crd = this.state.get("apiextensions.k8s.io", "customresourcedefinitions", undefined, name);
      if (crd && !crd.metadata.deletionTimestamp) establishCrd(this.state, crd);
    });
  }
}

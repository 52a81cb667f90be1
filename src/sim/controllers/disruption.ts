import { ApiError } from "../api-errors.ts";
import type { ClusterState } from "../cluster-state.ts";
import { matchesLabels, selectorFromObject } from "../label-selector.ts";
import type { KubeObject, StoreEvent } from "../object-store.ts";
import {
  type Condition,
  isPodActive,
  isPodReady,
  isTerminating,
  scaledValue,
  withCondition,
} from "../pod-status.ts";
import type { Controller } from "./controller-manager.ts";

export interface Budget {
  pdb: KubeObject;
  expected: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** Computes what a PodDisruptionBudget allows right now from the pods it selects. */
export function evaluateBudget(state: ClusterState, pdb: KubeObject): Budget {
  const selector = selectorFromObject(pdb.spec?.selector as Parameters<typeof selectorFromObject>[0]);
  const pods = state
    .scan("", "pods", pdb.metadata.namespace)
    .filter((p) => isPodActive(p) && matchesLabels(selector, p.metadata.labels));
  const expected = pods.length;
  const currentHealthy = pods.filter(isPodReady).length;
  let desiredHealthy: number;
  if (pdb.spec?.maxUnavailable !== undefined) {
    desiredHealthy = Math.max(0, expected - scaledValue(pdb.spec.maxUnavailable, expected, true));
  } else {
    desiredHealthy = scaledValue(pdb.spec?.minAvailable ?? 1, expected, true);
  }
  return {
    pdb,
    expected,
    currentHealthy,
    desiredHealthy,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
  };
}

/** The budgets covering a pod. */
export function budgetsFor(state: ClusterState, pod: KubeObject): KubeObject[] {
  return state.scan("policy", "poddisruptionbudgets", pod.metadata.namespace).filter((pdb) => {
    const selector = selectorFromObject(pdb.spec?.selector as Parameters<typeof selectorFromObject>[0]);
    return selector.length > 0 && matchesLabels(selector, pod.metadata.labels);
  });
}

/** Throws the 429 a real API server answers when evicting `pod` would violate a PodDisruptionBudget. */
export function checkEviction(state: ClusterState, pod: KubeObject): void {
  if (isTerminating(pod) || !isPodActive(pod)) return;
  const budgets = budgetsFor(state, pod);
  if (budgets.length > 1) {
    throw new ApiError(
      500,
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      "InternalError",
    );
  }
  const pdb = budgets[0];
  if (!pdb) return;
  const budget = evaluateBudget(state, pdb);
  // A pod that is not ready costs no availability: it may go while the budget is met.
  if (!isPodReady(pod) && budget.currentHealthy >= budget.desiredHealthy) return;
  if (budget.disruptionsAllowed > 0) return;
  throw new ApiError(
    429,
    "Cannot evict pod as it would violate the pod's disruption budget.",
    "TooManyRequests",
    {
      causes: [
        {
          reason: "DisruptionBudget",
          message: `The disruption budget ${pdb.metadata.name} needs ${budget.desiredHealthy} healthy pods and has ${budget.currentHealthy} currently`,
        },
      ],
    },
  );
}

/** Keeps PodDisruptionBudget status current. */
export class DisruptionController implements Controller {
  readonly name = "disruption";
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
  }

  keysFor(event: StoreEvent): string[] {
    if (event.typeKey === "policy/poddisruptionbudgets")
      return [`${event.object.metadata.namespace}/${event.object.metadata.name}`];
    if (event.typeKey === "/pods") {
      return this.state
        .scan("policy", "poddisruptionbudgets", event.object.metadata.namespace)
        .map((pdb) => `${pdb.metadata.namespace}/${pdb.metadata.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const pdb = this.state.get("policy", "poddisruptionbudgets", namespace, name);
    if (!pdb) return;
    const b = evaluateBudget(this.state, pdb);
    const now = this.state.now();
    const conditions = withCondition(
      (pdb.status?.conditions ?? []) as Condition[],
      b.disruptionsAllowed > 0
        ? {
            type: "DisruptionAllowed",
            status: "True",
            reason: "SufficientPods",
            message: "",
            observedGeneration: pdb.metadata.generation,
          }
        : {
            type: "DisruptionAllowed",
            status: "False",
            reason: "InsufficientPods",
            message: "",
            observedGeneration: pdb.metadata.generation,
          },
      now,
    );
    this.state.write("policy", "poddisruptionbudgets", {
      ...pdb,
      status: {
        observedGeneration: pdb.metadata.generation,
        disruptionsAllowed: b.disruptionsAllowed,
        currentHealthy: b.currentHealthy,
        desiredHealthy: b.desiredHealthy,
        expectedPods: b.expected,
        conditions,
      },
    });
  }
}

// Reads, after a run, the objects advice rests on: the Deployments and StatefulSets the experiment
// targeted (named, changed, or owning the pods it chose or the Services its load addressed), their
// pods, and the PodDisruptionBudgets of their namespaces. Read-only and bounded (a time limit, a cap
// on workloads and on pods listed); any failure to read, 403 included, makes the advice "not
// available" with the reason, never a failure of the run. The findings are advice.ts's (pure).
import type { KubeConfig } from "@kubernetes/client-node";
import { errorMessage } from "../common/error-message.ts";
import { isRecord } from "../common/record.ts";
import type { Advice, Journal, TouchedObject } from "../engine/journal.ts";
import type { Experiment } from "../experiment/format.ts";
import { callApi, isNotFound } from "./activities/activity-failed.ts";
import {
  type Json,
  type KindInfo,
  Kinds,
  listObjects,
  type ObjectRef,
  readObject,
  refTo,
} from "./activities/object-access.ts";
import { wirePodsApi } from "./activities/selection.ts";
import {
  type AdviceReading,
  adviceFindings,
  adviceTargets,
  type LoadService,
  labelsOf,
  objectKey,
  selectorText,
  selects,
} from "./advice.ts";
import { forActivity } from "./cluster-client.ts";

/** Bounds of one reading: its time, the workloads (and pod selections) it follows, the pods per list. */
export const ADVICE_LIMITS = { timeoutMs: 15_000, maxWorkloads: 10, maxPods: 200 };

/** The workloads advice follows, by the kind an owner reference or a target names. */
const WORKLOADS: Record<string, KindInfo> = { Deployment: Kinds.Deployment, StatefulSet: Kinds.StatefulSet };

const record = (value: unknown): Json => (isRecord(value) ? value : {});

/** The owner a controller set on an object (ownerReferences[controller=true]). */
function controllerOf(object: Json): { kind: string; name: string } | undefined {
  const owners = record(object.metadata).ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  const owner = owners.find((ref) => isRecord(ref) && ref.controller === true) as Json | undefined;
  return owner && typeof owner.kind === "string" && typeof owner.name === "string"
    ? { kind: owner.kind, name: owner.name }
    : undefined;
}

/** `a=b,c=d` from a label map; undefined for an empty one (which would select everything). */
const labelSelector = (labels: unknown): string | undefined => selectorText(labels) || undefined;

/** Reads what advice needs and computes the findings; never throws. */
export async function readAdvice(
  connection: KubeConfig,
  experiment: Experiment,
  journal: Journal,
  limits: Partial<typeof ADVICE_LIMITS> & { signal?: AbortSignal } = {},
): Promise<Advice> {
  const { signal, ...given } = limits;
  const bounds = { ...ADVICE_LIMITS, ...given };
  const timeout = AbortSignal.timeout(bounds.timeoutMs);
  const kc = forActivity(connection, {
    signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    retry: { maxAttempts: 2, maxElapsedMs: bounds.timeoutMs },
  });
  const read: TouchedObject[] = [];
  const noted = new Set<string>();
  const note = (object: TouchedObject) => {
    if (noted.has(objectKey(object))) return;
    noted.add(objectKey(object));
    read.push(object);
  };
  try {
    const targets = adviceTargets(experiment, journal);
    const pods = await wirePodsApi(kc);
    const listPods = async (namespace: string, selector: string): Promise<Json[]> => {
      const page = (await callApi({ verb: "list", resource: "pods", namespace }, () =>
        pods.listNamespacedPod({ namespace, labelSelector: selector, limit: bounds.maxPods }),
      )) as unknown as { items?: Json[] };
      return page.items ?? [];
    };
    /** Reads an object; undefined when it is gone (a workload the experiment deleted). */
    const readIfAny = async (ref: ObjectRef): Promise<Json | undefined> => {
      try {
        const object = await readObject(kc, ref);
        note({ kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), name: ref.name });
        return { ...object, kind: ref.kind };
      } catch (error) {
        if (isNotFound(error) || isNotFound((error as { cause?: unknown }).cause)) return undefined;
        throw error;
      }
    };

    const podSelectors = [...targets.podSelectors];
    const services: LoadService[] = [];
    for (const service of targets.services) {
      const object = await readIfAny(refTo(Kinds.Service, service.name, service.namespace));
      if (!object) continue;
      services.push(service);
      const selector = labelSelector(record(object.spec).selector);
      if (selector) podSelectors.push({ namespace: service.namespace, labelSelector: selector });
    }

    const workloadRefs: TouchedObject[] = [...targets.workloads];
    const replicaSets = new Map<string, Json | undefined>();
    for (const { namespace, labelSelector: selector } of podSelectors.slice(0, bounds.maxWorkloads)) {
      const pods = await listPods(namespace, selector);
      for (const pod of pods) {
        const owner = controllerOf(pod);
        if (owner?.kind === "StatefulSet")
          workloadRefs.push({ kind: owner.kind, namespace, name: owner.name });
        if (owner?.kind !== "ReplicaSet") continue;
        const rsKey = `${namespace}/${owner.name}`;
        if (!replicaSets.has(rsKey)) {
          replicaSets.set(rsKey, await readIfAny(refTo(Kinds.ReplicaSet, owner.name, namespace)));
        }
        const deployment = controllerOf(replicaSets.get(rsKey) ?? {});
        if (deployment?.kind === "Deployment") {
          workloadRefs.push({ kind: "Deployment", namespace, name: deployment.name });
        }
      }
    }

    const reading: AdviceReading = { workloads: [], budgets: [], services };
    const seen = new Set<string>();
    for (const ref of workloadRefs) {
      if (seen.has(objectKey(ref)) || seen.size >= bounds.maxWorkloads) continue;
      seen.add(objectKey(ref));
      const namespace = ref.namespace ?? "default";
      const object = await readIfAny(refTo(WORKLOADS[ref.kind]!, ref.name, namespace));
      if (!object) continue;
      const selector = record(record(object.spec).selector);
      const matchLabels = labelSelector(selector.matchLabels);
      const pods = matchLabels
        ? (await listPods(namespace, matchLabels)).filter((pod) => selects(selector, labelsOf(pod)))
        : [];
      reading.workloads.push({ object, pods });
      if (!reading.budgets.some((entry) => entry.namespace === namespace)) {
        const items = await listObjects(kc, Kinds.PodDisruptionBudget, namespace);
        for (const budget of items)
          note({ kind: "PodDisruptionBudget", namespace, name: String(record(budget.metadata).name) });
        reading.budgets.push({ namespace, items });
      }
    }
    return { available: true, read, findings: adviceFindings(reading, journal) };
  } catch (error) {
    // Requests that a bound or the run stopped fail in many ways; the bound that fired says why.
    const reason = signal?.aborted
      ? "the run was interrupted while the cluster was read"
      : timeout.aborted
        ? `reading the cluster took longer than ${bounds.timeoutMs / 1000} s`
        : errorMessage(error);
    return {
      available: false,
      reason,
      read,
      findings: [],
    };
  }
}

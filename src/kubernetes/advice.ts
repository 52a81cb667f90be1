// Advice after a run: what the objects the experiment targeted, read from the cluster after the run,
// and the run's own journal say about high availability, as findings that each name the object they
// rest on and what to change. Pure: advice-reading.ts reads the objects (I/O); this module decides
// what to read (from the experiment and the journal) and what the objects read mean.
import { isRecord } from "../common/record.ts";
import type {
  ActivityRun,
  AdviceFinding,
  Journal,
  RecoveryCheck,
  SteadyState,
  TouchedObject,
} from "../engine/journal.ts";
import type { ActivityDefinition, Experiment } from "../experiment/format.ts";
import { LOAD_MODULE } from "../experiment/format-names.ts";
import { DEFAULT_NAMESPACE } from "./scope.ts";

type Json = Record<string, unknown>;

/** A Service a load activity sent its requests to, by the activity's name. */
export interface LoadService {
  activity: string;
  namespace: string;
  name: string;
}

/** What the experiment targeted, as it says (its `${var}`s substituted) and as its journal recorded. */
export interface AdviceTargets {
  /** Deployments and StatefulSets named by an activity or changed by one. */
  workloads: TouchedObject[];
  /** Pods chosen by label: their owners are the workloads to read. */
  podSelectors: Array<{ namespace: string; labelSelector: string }>;
  /** Services that load activities sent traffic to: their pods' owners are workloads to read. */
  services: LoadService[];
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" && !value.includes("${") ? value : undefined;

/** One key per object: kind, namespace and name. */
export const objectKey = (object: TouchedObject) => `${object.kind}/${object.namespace ?? ""}/${object.name}`;

/** Keeps the first of each key, in order. */
function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The targets of the hypothesis and the method (rollbacks only put back what the method changed). */
export function adviceTargets(experiment: Experiment, journal: Journal): AdviceTargets {
  const workloads: TouchedObject[] = [];
  const podSelectors: AdviceTargets["podSelectors"] = [];
  const services: LoadService[] = [];
  const definitions = [...(experiment["steady-state-hypothesis"]?.probes ?? []), ...experiment.method].filter(
    (activity): activity is ActivityDefinition => !("ref" in activity),
  );
  for (const activity of definitions) {
    const provider = activity.provider;
    if (provider.type !== "python") continue;
    const args = provider.arguments ?? {};
    if (provider.module === LOAD_MODULE) {
      const name = text(args.service);
      if (name)
        services.push({
          activity: activity.name,
          namespace: text(args.namespace) ?? DEFAULT_NAMESPACE,
          name,
        });
      continue;
    }
    const namespace = text(args.ns) ?? DEFAULT_NAMESPACE;
    const kind = provider.module.startsWith("chaosk8s.deployment.")
      ? "Deployment"
      : provider.module.startsWith("chaosk8s.statefulset.")
        ? "StatefulSet"
        : undefined;
    const name = text(args.name);
    if (kind && name) workloads.push({ kind, namespace, name });
    const labelSelector = text(args.label_selector);
    if (provider.module.startsWith("chaosk8s.pod.") && labelSelector)
      podSelectors.push({ namespace, labelSelector });
  }
  for (const run of journal.run) {
    for (const touch of run.touched ?? []) {
      for (const object of touch.objects) {
        if ((object.kind === "Deployment" || object.kind === "StatefulSet") && object.namespace) {
          workloads.push({ kind: object.kind, namespace: object.namespace, name: object.name });
        }
      }
    }
  }
  return {
    workloads: unique(workloads, objectKey),
    podSelectors: unique(podSelectors, (s) => `${s.namespace}/${s.labelSelector}`),
    services: unique(services, (s) => `${s.activity}`),
  };
}

/** A Deployment or StatefulSet as read (plain API JSON), with the pods its selector matches now. */
export interface WorkloadReading {
  object: Json;
  pods: Json[];
}

/** What advice-reading.ts read: the workloads, the PodDisruptionBudgets of their namespaces. */
export interface AdviceReading {
  workloads: WorkloadReading[];
  /** Every PodDisruptionBudget of each workload's namespace. */
  budgets: Array<{ namespace: string; items: Json[] }>;
  /** The Services the load activities addressed, as read (present only when they exist). */
  services: LoadService[];
}

const record = (value: unknown): Json => (isRecord(value) ? value : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

function refOf(object: Json): TouchedObject {
  const metadata = record(object.metadata);
  return {
    kind: String(object.kind ?? ""),
    ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}),
    name: String(metadata.name ?? ""),
  };
}

const describe = (object: TouchedObject) =>
  `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;

/** Whether a LabelSelector (matchLabels and matchExpressions) selects these labels; an empty one selects all. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = record(selector.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  for (const expression of list(selector.matchExpressions)) {
    const key = String(expression.key ?? "");
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = Object.hasOwn(labels, key);
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A label map (metadata.labels, a selector's matchLabels) with its values as strings. */
const stringLabels = (labels: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(record(labels)).map(([key, value]) => [key, String(value)]));

/** An object's labels. */
export const labelsOf = (object: Json): Record<string, string> =>
  stringLabels(record(object.metadata).labels);

/** `app=web,tier=front`: labels as a selector a user can paste (and a list can take); "" for none. */
export const selectorText = (labels: unknown): string =>
  Object.entries(stringLabels(labels))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");

const isTerminating = (pod: Json) => record(pod.metadata).deletionTimestamp != null;

function workloadFindings(reading: WorkloadReading, budgets: readonly Json[]): AdviceFinding[] {
  const { object: workload } = reading;
  const ref = refOf(workload);
  const name = describe(ref);
  const spec = record(workload.spec);
  const template = record(spec.template);
  const templateLabels = labelsOf(template);
  const podSpec = record(template.spec);
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const findings: AdviceFinding[] = [];
  const add = (check: AdviceFinding["check"], seen: string, change: string) =>
    findings.push({ check, object: ref, seen, change });

  if (replicas === 1) {
    add(
      "single-replica",
      `${name} runs 1 replica (spec.replicas): every restart, eviction or node loss is an outage.`,
      "Run at least 2 replicas, 3 to survive losing one during a rollout; set spec.replicas (or the HorizontalPodAutoscaler's minReplicas).",
    );
  }

  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const guarding = budgets.filter((budget) => selects(record(budget.spec).selector, templateLabels));
  if (replicas >= 1 && guarding.length === 0) {
    add(
      "no-disruption-budget",
      `No PodDisruptionBudget in namespace ${namespace} selects the pods of ${name} (${budgets.length} read): a node drain may evict all of them at once.`,
      `Add a PodDisruptionBudget with maxUnavailable: 1 and selector ${selectorText(templateLabels) || "matching the pods"}${replicas === 1 ? ", once it runs 2 or more replicas (with 1 it would block every drain)" : ""}.`,
    );
  }

  const containers = list(podSpec.containers);
  const unprobed = containers.filter((container) => !isRecord(container.readinessProbe));
  if (unprobed.length > 0) {
    const names = unprobed.map((container) => String(container.name ?? "?")).join(", ");
    add(
      "no-readiness-probe",
      `Container${unprobed.length === 1 ? "" : "s"} ${names} of ${name} ${unprobed.length === 1 ? "has" : "have"} no readinessProbe: a pod gets traffic as soon as it starts, before it can answer.`,
      `Give ${names} a readinessProbe (an httpGet on the port it serves), so the Service sends requests only to pods that answer.`,
    );
  }

  const scheduled = reading.pods.filter((pod) => !isTerminating(pod) && text(record(pod.spec).nodeName));
  const nodes = new Set(scheduled.map((pod) => String(record(pod.spec).nodeName)));
  if (scheduled.length >= 2 && nodes.size === 1) {
    add(
      "replicas-on-one-node",
      `All ${scheduled.length} pods of ${name} run on node ${[...nodes][0]}: losing that node loses every replica.`,
      "Spread the pods over nodes: topologySpreadConstraints with topologyKey: kubernetes.io/hostname (and topology.kubernetes.io/zone where there are zones).",
    );
  }

  const affinity = record(podSpec.affinity);
  const spread = list(podSpec.topologySpreadConstraints);
  if (replicas >= 2 && !isRecord(affinity.podAntiAffinity) && spread.length === 0) {
    add(
      "no-spread",
      `${name} has neither podAntiAffinity nor topologySpreadConstraints: its ${replicas} replicas share a node whenever the scheduler finds that best.`,
      `Add topologySpreadConstraints: maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector matching ${selectorText(templateLabels) || "the pods"}.`,
    );
  }
  return findings;
}

// --- from the journal -----------------------------------------------------------------------------

interface TimedState {
  met: boolean | null;
  start: number;
  end: number;
  missed: string[];
}

function timed(state: SteadyState | RecoveryCheck): TimedState | undefined {
  const starts = state.probes.map((probe) => Date.parse(probe.start)).filter(Number.isFinite);
  const ends = state.probes.map((probe) => Date.parse(probe.end)).filter(Number.isFinite);
  const start = "start" in state ? Date.parse(state.start) : Math.min(...starts);
  const end = "end" in state ? Date.parse(state.end) : Math.max(...ends);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  const missed = state.probes
    .filter((probe) => probe.tolerance_met === false || probe.status === "failed")
    .map((probe) => probe.activity.name);
  return { met: state.steady_state_met, start, end, missed };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** When the hypothesis missed after the fault and how long until it was met again, in words. */
function recoveryFinding(journal: Journal): { seen: string } | undefined {
  const injectedAt = Math.min(...journal.run.map((run) => Date.parse(run.start)).filter(Number.isFinite));
  if (!journal.chaos_action.fault_injected || !Number.isFinite(injectedAt)) return undefined;
  const recovery = journal.chaos_action.recovery;
  const states = [
    ...journal.steady_states.during,
    ...(journal.steady_states.after ? [journal.steady_states.after] : []),
    ...(recovery?.checks ?? []),
  ]
    .map(timed)
    .filter((state): state is TimedState => state !== undefined && state.end >= injectedAt)
    .sort((a, b) => a.start - b.start);
  const firstMiss = states.find((state) => state.met === false);
  if (!firstMiss) return undefined;
  const probes = [...new Set(firstMiss.missed)].join(", ") || "the hypothesis";
  const since = `${seconds(firstMiss.start - injectedAt)} after the method started`;
  if (recovery?.checked && recovery.recovered === false) {
    return {
      seen: `The hypothesis missed (${probes}) from ${since} and did not hold again within the recovery timeout of ${recovery.timeout ?? "?"} s after rollbacks and undo.`,
    };
  }
  const metAgain = states.find((state) => state.start > firstMiss.start && state.met === true);
  if (!metAgain) {
    return {
      seen: `The hypothesis missed (${probes}) from ${since} and was not met again before the run ended.`,
    };
  }
  return {
    seen: `The hypothesis missed (${probes}) from ${since} and held again ${seconds(metAgain.end - firstMiss.start)} later; it tolerates no miss at all.`,
  };
}

interface LoadOutput {
  requests: number;
  failed: number;
  success_ratio?: number;
  p99_ms?: number;
  errors?: Record<string, number>;
}

function loadOutput(run: ActivityRun): LoadOutput | undefined {
  const provider = run.activity.provider as { type?: string; module?: string };
  if (provider.type !== "python" || provider.module !== LOAD_MODULE || !isRecord(run.output))
    return undefined;
  const { requests, failed } = run.output;
  if (typeof requests !== "number" || typeof failed !== "number") return undefined;
  return run.output as unknown as LoadOutput;
}

function errorsText(errors: Record<string, number> | undefined): string {
  const entries = Object.entries(errors ?? {}).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? "" : ` (${entries.map(([kind, count]) => `${kind}: ${count}`).join(", ")})`;
}

/** Every finding: those of each workload read, then those of the run's own results. */
export function adviceFindings(reading: AdviceReading, journal: Journal): AdviceFinding[] {
  const findings: AdviceFinding[] = [];
  for (const workload of reading.workloads) {
    const namespace = refOf(workload.object).namespace ?? DEFAULT_NAMESPACE;
    const budgets = reading.budgets.find((entry) => entry.namespace === namespace)?.items ?? [];
    findings.push(...workloadFindings(workload, budgets));
  }
  const workloads = reading.workloads.map((workload) => refOf(workload.object));
  const primary = workloads[0];
  const others = workloads.length > 1 ? ` (targets read: ${workloads.map(describe).join(", ")})` : "";

  const recovery = recoveryFinding(journal);
  const serviceObject = (service: LoadService): TouchedObject => ({
    kind: "Service",
    namespace: service.namespace,
    name: service.name,
  });
  const recoveryObject = primary ?? (reading.services[0] && serviceObject(reading.services[0]));
  if (recovery && recoveryObject) {
    findings.push({
      check: "slow-recovery",
      object: recoveryObject,
      seen: `${recovery.seen}${others}`,
      change:
        "Shorten the gap: more replicas so that one lost pod is not missed, a readinessProbe with a short periodSeconds so replacements get traffic as soon as they answer, and a faster start (smaller image, lighter start-up work); or, where a short dip is acceptable, say so in the hypothesis's tolerance.",
    });
  }

  for (const run of journal.run) {
    const output = loadOutput(run);
    if (!output || output.failed <= 0) continue;
    const service = reading.services.find((entry) => entry.activity === run.activity.name);
    const object = service ? serviceObject(service) : primary;
    if (!object) continue;
    const noEndpoint =
      (output.errors?.http_503 ?? 0) > 0
        ? " A 503 from the service proxy means no Ready endpoint was left."
        : "";
    findings.push({
      check: "requests-lost",
      object,
      seen: `${output.failed} of ${output.requests} requests of ${run.activity.name} failed during the fault${errorsText(output.errors)}; p99 ${output.p99_ms ?? "?"} ms.${noEndpoint}`,
      change:
        "Keep Ready pods behind the Service through the fault: at least 2 replicas spread over nodes, a PodDisruptionBudget, a readinessProbe, and a preStop sleep of a few seconds so a stopping pod leaves the endpoints before it stops serving.",
    });
  }
  return findings;
}

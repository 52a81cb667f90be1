// What an action did to which objects, read from its journal entry: the TouchRecords our Kubernetes
// actions made (`touched`: objects, before and after), else, for journals without them (Chaos
// Toolkit's own), the output as the Python function returned it: the names of what it changed
// (terminate_pods returns the deleted pods' names) or a list of objects.
import { isRecord } from "../common/record.ts";
import type { ActivityRun, TouchRecord } from "../engine/journal.ts";

export interface Target {
  kind?: string;
  namespace?: string;
  name: string;
  uid?: string;
  node?: string;
  /** What happened to it: "deleted", "cordoned", "scaled 3 → 1". */
  change?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;

function changeOf(item: Record<string, unknown>): string | undefined {
  const change = text(item.change) ?? text(item.action) ?? text(item.effect);
  const from = item.from ?? item.previous ?? item.previousReplicas;
  const to = item.to ?? item.replicas;
  if (from !== undefined && to !== undefined && (typeof from === "number" || typeof from === "string")) {
    return `${change ?? "changed"} ${String(from)} → ${String(to)}`;
  }
  return change;
}

/** An item of a Chaos Toolkit output: a name, or an object named as the function returned it. */
function targetOf(item: unknown, fallbackNamespace: string | undefined, fallbackKind: string | undefined) {
  if (typeof item === "string" && item !== "") {
    return { kind: fallbackKind, namespace: fallbackNamespace, name: item } satisfies Target;
  }
  if (!isRecord(item)) return undefined;
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  const name = text(item.name) ?? text(item.pod_name) ?? text(metadata.name);
  if (name === undefined) return undefined;
  const target: Target = {
    kind: text(item.kind) ?? fallbackKind,
    namespace: text(item.namespace) ?? text(metadata.namespace) ?? fallbackNamespace,
    name,
    uid: text(item.uid) ?? text(metadata.uid),
    node: text(item.node) ?? text(item.nodeName),
    change: changeOf(item),
  };
  return target;
}

function argumentsOf(run: ActivityRun): Record<string, unknown> {
  const provider = run.activity.provider;
  return provider.type === "python" && isRecord(provider.arguments) ? provider.arguments : {};
}

/** chaosk8s function names say what they return names of. */
function kindFromFunction(run: ActivityRun): string | undefined {
  const provider = run.activity.provider;
  if (provider.type !== "python") return undefined;
  const module = provider.module;
  if (module.includes(".pod.")) return "Pod";
  if (module.includes(".node.")) return "Node";
  if (module.includes(".deployment.")) return "Deployment";
  if (module.includes(".statefulset.")) return "StatefulSet";
  if (module.includes(".daemonset.")) return "DaemonSet";
  if (module.includes(".service.")) return "Service";
  return undefined;
}

function summary(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** `{replicas: 3}` → `{replicas: 1}` reads "replicas 3 → 1"; a plain `after` reads as it is. */
function recordChange(record: TouchRecord): string | undefined {
  const { before, after } = record;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changes = keys.flatMap((key) => {
      const from = summary(before[key]);
      const to = summary(after[key]);
      return from !== to ? [`${key} ${from ?? "unset"} → ${to ?? "unset"}`] : [];
    });
    return changes.length > 0 ? changes.join(", ") : undefined;
  }
  return summary(after);
}

/** A TouchRecord stands for each of its objects, changed as its before/after say. */
function touchedTargets(records: readonly TouchRecord[]): Target[] {
  return records.flatMap((record) => {
    const change = recordChange(record);
    return record.objects.map((object) => ({ ...object, ...(change ? { change } : {}) }));
  });
}

/** The objects an activity touched, or an empty list when its journal entry does not say. */
export function targetsOf(run: ActivityRun): Target[] {
  if (run.touched) return touchedTargets(run.touched);
  if (!Array.isArray(run.output)) return [];
  const args = argumentsOf(run);
  const namespace = text(args.ns) ?? text(args.namespace);
  const kind = kindFromFunction(run);
  return run.output.flatMap((item) => {
    const target = targetOf(item, kind === "Node" ? undefined : namespace, kind);
    return target ? [target] : [];
  });
}

/** `Pod shop/checkout-x2k4p (uid 0f3c2a51) on kind-worker2: deleted`. */
export function describeTarget(target: Target): string {
  const where = target.namespace ? `${target.namespace}/${target.name}` : target.name;
  const parts = [target.kind ? `${target.kind} ${where}` : where];
  if (target.uid) parts.push(`(uid ${target.uid.slice(0, 8)})`);
  if (target.node) parts.push(`on ${target.node}`);
  const described = parts.join(" ");
  return target.change ? `${described}: ${target.change}` : described;
}

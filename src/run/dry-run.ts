// A dry run's plan: each activity of the (substituted) experiment, what each Kubernetes action of the
// method would touch, and what would stop the real run (missing RBAC, the blast-radius guard, targets
// that cannot be resolved, a fault that would reach nothing). Pure: the cluster's answers come in as
// a ClusterPlan; the verdict and the text follow from the plan.
import { activityTarget } from "../engine/events.ts";
import { allowsNoTarget } from "../engine/injection.ts";
import type { Activity, ActivityDefinition, Experiment } from "../experiment/format.ts";
import { describeTarget, formatTargetList, targetCount } from "../kubernetes/guard.ts";
import { describeActivity } from "../report/progress.ts";
import type { ClusterPlan, ResolvedAction } from "./cluster-gate.ts";
import type { DryRunPlan, PlannedActivity } from "./outcome.ts";

/** Activities by name, as refs resolve them: method activities, then hypothesis probes (which win). */
function definitions(experiment: Experiment): Map<string, ActivityDefinition> {
  const table = new Map<string, ActivityDefinition>();
  for (const entry of [...experiment.method, ...(experiment["steady-state-hypothesis"]?.probes ?? [])]) {
    if (!("ref" in entry)) table.set(entry.name, entry as ActivityDefinition);
  }
  return table;
}

function planned(entry: Activity, table: Map<string, ActivityDefinition>): PlannedActivity | undefined {
  const activity = "ref" in entry ? table.get(entry.ref) : entry;
  if (!activity) return undefined;
  return {
    name: activity.name,
    type: activity.type,
    target: activityTarget(activity),
    background: !("ref" in entry) && entry.background === true,
  };
}

/** An action that may create objects a later fault looks for: anything but a Kubernetes fault. */
function mayCreate(activity: ActivityDefinition, resolved: ResolvedAction | undefined): boolean {
  if (activity.type !== "action") return false;
  return resolved ? !resolved.fault : true;
}

/** The plan of the experiment, with what the cluster answered (none when it has no Kubernetes activity). */
export function buildPlan(
  experiment: Experiment,
  cluster: ClusterPlan | undefined,
  options: { allowNoTarget: boolean },
): DryRunPlan {
  const table = definitions(experiment);
  const list = (entries: readonly Activity[]) => entries.flatMap((entry) => planned(entry, table) ?? []);
  const refusals: string[] = [];
  if (cluster?.missingPermissions) refusals.push(cluster.missingPermissions);

  const method: PlannedActivity[] = [];
  let creator: string | undefined;
  for (const entry of experiment.method) {
    const activity = "ref" in entry ? table.get(entry.ref) : entry;
    const item = planned(entry, table);
    if (!activity || !item) continue;
    const resolved = cluster?.actions.find((action) => action.activityName === activity.name);
    if (resolved?.unresolved) {
      item.unresolved = resolved.unresolved;
      refusals.push(resolved.unresolved);
    }
    if (resolved?.targetSet) {
      const { namespaces, objects, total, candidates, missing = [] } = resolved.targetSet;
      item.targets = { namespaces, objects, ...(total === undefined ? {} : { total }), candidates, missing };
    }
    if (resolved?.noTarget) {
      const reason = `${resolved.noTarget} (action '${activity.name}')`;
      const verdict =
        options.allowNoTarget || allowsNoTarget(activity) ? "allowed" : creator ? "uncertain" : "refused";
      item.noTarget = { reason, verdict };
      if (verdict === "refused") refusals.push(reason);
    }
    if (!creator && mayCreate(activity, resolved)) creator = activity.name;
    method.push(item);
  }
  if (cluster?.guardRefusal) refusals.push(cluster.guardRefusal);
  return {
    hypothesis: list(experiment["steady-state-hypothesis"]?.probes ?? []),
    method,
    rollbacks: list(experiment.rollbacks ?? []),
    ...(cluster?.missingPermissions ? { missingPermissions: cluster.missingPermissions } : {}),
    ...(cluster?.guardRefusal ? { guardRefusal: cluster.guardRefusal } : {}),
    leases: cluster?.leases ?? [],
    refusals,
  };
}

const line = ({ type, name, target, background }: PlannedActivity): string =>
  describeActivity({ kind: type, name, target, background });

const NO_TARGET_NOTE = {
  refused: "the real run would fail: no fault injected",
  allowed: "allowed",
  uncertain: "an earlier action may create what it looks for",
} as const;

/** The plan as the CLI and the log print it: the experiment's activities, then each action's targets. */
export function formatPlan(title: string, plan: DryRunPlan, withCluster: boolean): string {
  const lines: string[] = [];
  if (plan.hypothesis.length > 0) {
    lines.push(`  steady-state hypothesis "${title}":`);
    for (const probe of plan.hypothesis) lines.push(`    - ${line(probe)}`);
  }
  lines.push("  method:");
  for (const activity of plan.method) lines.push(`    - ${line(activity)}`);
  if (plan.rollbacks.length > 0) {
    lines.push("  rollbacks:");
    for (const activity of plan.rollbacks) lines.push(`    - ${line(activity)}`);
  }
  if (!withCluster) return lines.join("\n");

  lines.push(plan.missingPermissions ?? "RBAC: every permission the experiment needs is allowed.");
  const resolved = plan.method.filter((activity) => activity.targets || activity.unresolved);
  if (resolved.length === 0) lines.push("No action of the method targets cluster objects.");
  else lines.push("Targets (resolved without changing anything):");
  for (const activity of resolved) {
    if (activity.unresolved) {
      lines.push(`- ${activity.name}: ${activity.unresolved}`);
      continue;
    }
    const targets = activity.targets!;
    const where = targets.namespaces.length > 0 ? ` in ${targets.namespaces.join(", ")}` : "";
    const count = targetCount(targets);
    lines.push(`- ${activity.name} (${activity.target})${where}: ${count} of ${targets.candidates} matching`);
    lines.push(...formatTargetList(targets.objects, "    ", 50, count));
    for (const object of targets.missing) lines.push(`    ${describeTarget(object)}: missing`);
    if (activity.noTarget) {
      lines.push(`    ${activity.noTarget.reason}: ${NO_TARGET_NOTE[activity.noTarget.verdict]}`);
    }
  }
  if (plan.guardRefusal) lines.push(plan.guardRefusal);
  if (plan.leases.length > 0)
    lines.push(`A run would hold Lease ${plan.leases.join(", ")} (a dry run takes none).`);
  return lines.join("\n");
}

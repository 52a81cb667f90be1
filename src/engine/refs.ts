// `ref` resolution (chaoslib caching.py): a name → activity table built from the method, then the
// hypothesis probes (a probe of the same name overrides a method activity).
import type {
  Activity,
  ActivityDefinition,
  Experiment,
  HypothesisProbe,
  Tolerance,
} from "../experiment/format.ts";

export class UnresolvedReference extends Error {
  override name = "UnresolvedReference";
}

export type ActivityTable = ReadonlyMap<string, ActivityDefinition>;

export type ResolvedProbe = ActivityDefinition & { tolerance: Tolerance };

export function activityTable(experiment: Experiment): ActivityTable {
  const table = new Map<string, ActivityDefinition>();
  for (const activity of experiment.method) if (!("ref" in activity)) table.set(activity.name, activity);
  for (const probe of experiment["steady-state-hypothesis"]?.probes ?? []) {
    if (!("ref" in probe)) table.set(probe.name, probe);
  }
  return table;
}

function lookup(ref: string, table: ActivityTable, where: string): ActivityDefinition {
  const found = table.get(ref);
  if (!found)
    throw new UnresolvedReference(
      `referenced activity '${ref}' in ${where} could not be found in the experiment`,
    );
  return found;
}

export function resolveActivities(
  activities: readonly Activity[],
  table: ActivityTable,
  where: string,
): ActivityDefinition[] {
  return activities.map((activity) => ("ref" in activity ? lookup(activity.ref, table, where) : activity));
}

/** Hypothesis probes with refs resolved; a ref keeps its own tolerance. */
export function resolveProbes(probes: readonly HypothesisProbe[], table: ActivityTable): ResolvedProbe[] {
  return probes.map((probe) =>
    "ref" in probe
      ? { ...lookup(probe.ref, table, "the steady-state hypothesis"), tolerance: probe.tolerance }
      : (probe as ResolvedProbe),
  );
}

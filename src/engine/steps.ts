// The method and the rollbacks as the engine runs them: a list of steps (refs resolved), run in
// order, background ones concurrently, each journaled in the order it started.
import type { Activity, ActivityDefinition } from "../experiment/format.ts";
import { type ActivityEnvironment, type ActivityResult, runActivity } from "./activity.ts";
import type { ActivityRun } from "./journal.ts";
import { type ActivityTable, resolveActivities } from "./refs.ts";

/** A method or rollback activity, its ref resolved. */
export interface Step {
  activity: ActivityDefinition;
  /**
   * Chaos Toolkit reads `background` on the entry as written: a `ref` runs in the foreground even
   * when the activity it names is a background one.
   */
  background: boolean;
}

export function steps(entries: readonly Activity[], table: ActivityTable, where: string): Step[] {
  const resolved = resolveActivities(entries, table, where);
  return entries.map((entry, index) => ({
    activity: resolved[index]!,
    background: !("ref" in entry) && entry.background === true,
  }));
}

/** Runs activities in order, background ones concurrently; journal entries in start order. */
export async function runActivities(
  activities: readonly Step[],
  env: ActivityEnvironment,
  phase: "method" | "rollbacks",
  shouldStop: () => boolean,
  onResult: (activity: ActivityDefinition, result: ActivityResult) => void = () => {},
): Promise<ActivityRun[]> {
  const slots: Array<{ run?: ActivityRun }> = [];
  const background: Promise<void>[] = [];
  for (const { activity, background: inBackground } of activities) {
    if (env.signal.aborted || shouldStop()) break;
    const slot: { run?: ActivityRun } = {};
    slots.push(slot);
    const task = runActivity(activity, env, phase, { background: inBackground }).then((result) => {
      if (!result) return;
      slot.run = result.run;
      onResult(activity, result);
    });
    if (inBackground) background.push(task);
    else await task;
  }
  await Promise.all(background);
  return slots.flatMap((slot) => (slot.run ? [slot.run] : []));
}

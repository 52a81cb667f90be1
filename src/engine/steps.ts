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

export interface StepsOptions {
  /**
   * Cuts the steps short (fail-fast): the foreground step in progress and background actions are
   * aborted with its reason (a RunStopped), background probes are asked to finish.
   */
  cut?: AbortSignal;
}

/**
 * Runs activities in order, background ones concurrently; journal entries in start order.
 *
 * A background probe (the load generator beside the fault) ends with the steps it observes: once the
 * steps after it (foreground ones and background actions) are done, or the steps are cut short, or
 * the run stops, its `finish` signal is aborted and it returns what it measured. One that no step
 * follows runs to its own end. Background actions are awaited, as Chaos Toolkit does.
 */
export async function runActivities(
  activities: readonly Step[],
  env: ActivityEnvironment,
  phase: "method" | "rollbacks",
  shouldStop: () => boolean,
  onResult: (activity: ActivityDefinition, result: ActivityResult) => void = () => {},
  options: StepsOptions = {},
): Promise<ActivityRun[]> {
  const { cut } = options;
  const stepEnv = cut ? { ...env, signal: AbortSignal.any([env.signal, cut]) } : env;
  const slots: Array<{ run?: ActivityRun }> = [];
  const observers: Array<{ task: Promise<void>; finish: AbortController; followed: boolean }> = [];
  const backgroundActions: Promise<void>[] = [];
  for (const { activity, background: inBackground } of activities) {
    if (stepEnv.signal.aborted || shouldStop()) break;
    const slot: { run?: ActivityRun } = {};
    slots.push(slot);
    const observer = inBackground && activity.type === "probe";
    if (!observer) for (const earlier of observers) earlier.followed = true;
    const finish = new AbortController();
    const activityEnv: ActivityEnvironment = observer
      ? { ...env, call: { ...env.call, finish: AbortSignal.any([finish.signal, stepEnv.signal]) } }
      : stepEnv;
    const task = runActivity(activity, activityEnv, phase, { background: inBackground }).then((result) => {
      if (!result) return;
      slot.run = result.run;
      onResult(activity, result);
    });
    if (observer) observers.push({ task, finish, followed: false });
    else if (inBackground) backgroundActions.push(task);
    else await task;
  }
  await Promise.all(backgroundActions);
  for (const observer of observers) {
    if (observer.followed || stepEnv.signal.aborted) observer.finish.abort();
  }
  await Promise.all(observers.map((observer) => observer.task));
  return slots.flatMap((slot) => (slot.run ? [slot.run] : []));
}

// Whether a method action injected its fault (DESIGN.md → Failure kinds): a Kubernetes fault that
// reached no object, or a process that exited non-zero, injected nothing, so the experiment proves
// nothing and fails. Chaos Toolkit lets both pass. A fault reaching nothing may be allowed, for the run
// (--allow-no-target) or for one activity (`chaos_action: {allow_no_target: true}`). Pure.
import { isRecord } from "../common/record.ts";
import type { ActivityDefinition } from "../experiment/format.ts";
import { ACTIVITY_SETTINGS_KEY } from "../experiment/format-names.ts";
import { exitFailure } from "../providers/process.ts";
import type { ActivityRun } from "./journal.ts";

/** The activity's own `chaos_action: {allow_no_target: true}`. */
export function allowsNoTarget(activity: ActivityDefinition): boolean {
  const settings = (activity as Record<string, unknown>)[ACTIVITY_SETTINGS_KEY];
  return isRecord(settings) && settings.allow_no_target === true;
}

/** Why a method action that succeeded injected nothing; undefined when it did (or may have). */
export function notInjected(
  activity: ActivityDefinition,
  run: ActivityRun,
  options: { allowNoTarget: boolean },
): string | undefined {
  if (activity.type !== "action" || run.status !== "succeeded") return undefined;
  if (activity.provider.type === "process") {
    const failure = exitFailure(run.output);
    return failure && `action '${activity.name}': process '${activity.provider.path}' ${failure}`;
  }
  const missed = (run.touched ?? []).findLast((record) => record.missed !== undefined)?.missed;
  if (missed === undefined || options.allowNoTarget || allowsNoTarget(activity)) return undefined;
  return `${missed} (action '${activity.name}'; allow it with --allow-no-target or ${ACTIVITY_SETTINGS_KEY}: {allow_no_target: true} on the activity)`;
}

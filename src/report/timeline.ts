// When things happened in one experiment, read from its journal: every activity, pause, hypothesis
// check, rollback and undo step as a span of time, and the moments a reviewer asks about first: when
// the fault was injected, when a probe first missed, and when the hypothesis held again.
import type { ActivityRun, Journal, Recovery, SteadyState } from "../engine/journal.ts";

/** Where a step belongs, in the order they happen. */
export type Lane = "before" | "method" | "during" | "after" | "rollbacks" | "undo" | "recovery";

export type StepKind = "action" | "probe" | "pause" | "undo" | "check";

/** `ok`: ran without error (an action, an undo step); `met`/`missed`: a tolerance was checked. */
export type StepResult = "ok" | "met" | "missed" | "error" | "interrupted" | "pending";

export interface TimelineStep {
  lane: Lane;
  kind: StepKind;
  result: StepResult;
  /** The activity's name, the undo step's description, "pause 5 s", "check". */
  label: string;
  /** How many checks in a row this step stands for (hypothesis checks of one probe, recovery checks). */
  count: number;
  /** Milliseconds since the journal's start. */
  start: number;
  end: number;
}

export interface KeyTimes {
  /** The first method action's start: the fault may have reached the system from here on. */
  injected?: { at: number; action: string };
  /** The first probe that missed its tolerance or errored: after the injection, or before it when none was made. */
  firstMiss?: { at: number; probe: string; lane: Lane; error: boolean };
  /** The end of the first of the checks that ended the recovery, or of the `after` check that held again. */
  heldAgain?: { at: number; by: "recovery" | "after" };
  recovery?: Recovery;
}

export interface Timeline {
  /** Milliseconds from the journal's start to its end. */
  duration: number;
  steps: TimelineStep[];
  times: KeyTimes;
}

function seconds(value: unknown): number {
  const parsed = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

function probeResult(run: ActivityRun): StepResult {
  if (run.status === undefined) return "interrupted";
  if (run.status === "failed") return "error";
  if (run.tolerance_met === false) return "missed";
  return run.tolerance_met === true ? "met" : "ok";
}

function activityResult(run: ActivityRun): StepResult {
  return run.activity.type === "probe"
    ? probeResult(run)
    : run.status === undefined
      ? "interrupted"
      : run.status === "failed"
        ? "error"
        : "ok";
}

const isMiss = (run: ActivityRun) => run.status === "failed" || run.tolerance_met === false;

export function timelineOf(journal: Journal): Timeline {
  const origin = Date.parse(journal.start);
  const journalEnd = Date.parse(journal.end);
  const at = (iso: string): number | undefined => {
    const time = Date.parse(iso);
    return Number.isFinite(time) && Number.isFinite(origin) ? time - origin : undefined;
  };
  const duration = Number.isFinite(journalEnd - origin) ? journalEnd - origin : journal.duration * 1000;
  const steps: TimelineStep[] = [];

  /** An activity, with its pauses: before it starts and after it ends (cut short by what ended the run). */
  const addActivity = (lane: Lane, run: ActivityRun) => {
    const start = at(run.start);
    const end = at(run.end);
    if (start === undefined || end === undefined) return;
    const before = seconds(run.activity.pauses?.before) * 1000;
    const after = seconds(run.activity.pauses?.after) * 1000;
    if (before > 0) steps.push(pauseStep(lane, before, Math.max(0, start - before), start));
    steps.push({
      lane,
      kind: run.activity.type === "probe" ? "probe" : "action",
      result: activityResult(run),
      label: run.activity.name,
      count: 1,
      start,
      end,
    });
    if (after > 0 && run.status !== undefined) {
      steps.push(pauseStep(lane, after, end, Math.min(end + after, Math.max(end, duration))));
    }
  };

  for (const probe of journal.steady_states.before?.probes ?? []) addActivity("before", probe);
  for (const run of journal.run) addActivity("method", run);
  steps.push(...streaks("during", journal.steady_states.during));
  for (const probe of journal.steady_states.after?.probes ?? []) addActivity("after", probe);
  for (const run of journal.rollbacks) addActivity("rollbacks", run);
  for (const undo of journal.undo ?? []) {
    const start = at(undo.start);
    const end = at(undo.end);
    if (start === undefined || end === undefined) continue;
    const result = undo.status === "succeeded" ? "ok" : undo.status === "pending" ? "pending" : "error";
    steps.push({ lane: "undo", kind: "undo", result, label: undo.description, count: 1, start, end });
  }
  const recovery = journal.chaos_action?.recovery;
  steps.push(...recoverySteps(recovery, at));

  return { duration: Math.max(0, duration), steps, times: keyTimes(journal, at, recovery) };

  /** Hypothesis checks during the method, one step per probe and run of equal results. */
  function streaks(lane: Lane, states: readonly SteadyState[]): TimelineStep[] {
    const found: TimelineStep[] = [];
    const last = new Map<string, TimelineStep>();
    for (const run of states.flatMap((state) => state.probes)) {
      const start = at(run.start);
      const end = at(run.end);
      if (start === undefined || end === undefined) continue;
      const result = probeResult(run);
      const previous = last.get(run.activity.name);
      if (previous && previous.result === result) {
        previous.count += 1;
        previous.end = Math.max(previous.end, end);
        continue;
      }
      const step: TimelineStep = {
        lane,
        kind: "probe",
        result,
        label: run.activity.name,
        count: 1,
        start,
        end,
      };
      found.push(step);
      last.set(run.activity.name, step);
    }
    return found;
  }
}

function pauseStep(lane: Lane, length: number, start: number, end: number): TimelineStep {
  const label = `pause ${Number((length / 1000).toFixed(3))} s`;
  return { lane, kind: "pause", result: "ok", label, count: 1, start, end };
}

function recoverySteps(
  recovery: Recovery | undefined,
  at: (iso: string) => number | undefined,
): TimelineStep[] {
  const steps: TimelineStep[] = [];
  for (const check of recovery?.checks ?? []) {
    const start = at(check.start);
    const end = at(check.end);
    if (start === undefined || end === undefined) continue;
    const result: StepResult =
      check.steady_state_met === true
        ? "met"
        : check.probes.some((probe) => probe.status === "failed")
          ? "error"
          : "missed";
    const previous = steps[steps.length - 1];
    if (previous && previous.result === result) {
      previous.count += 1;
      previous.end = Math.max(previous.end, end);
    } else {
      steps.push({ lane: "recovery", kind: "check", result, label: "check", count: 1, start, end });
    }
  }
  return steps;
}

function keyTimes(
  journal: Journal,
  at: (iso: string) => number | undefined,
  recovery: Recovery | undefined,
): KeyTimes {
  const times: KeyTimes = recovery ? { recovery } : {};
  const first = journal.run.find((run) => run.activity.type === "action" && at(run.start) !== undefined);
  if (first && journal.chaos_action?.fault_injected !== false) {
    times.injected = { at: at(first.start)!, action: first.activity.name };
  }

  const candidates: { run: ActivityRun; lane: Lane }[] = [
    ...journal.steady_states.during.flatMap((state) =>
      state.probes.map((run) => ({ run, lane: "during" as const })),
    ),
    ...(journal.steady_states.after?.probes ?? []).map((run) => ({ run, lane: "after" as const })),
  ];
  const before = (journal.steady_states.before?.probes ?? []).map((run) => ({
    run,
    lane: "before" as const,
  }));
  const misses = (times.injected ? candidates : before)
    .filter(({ run }) => isMiss(run) && at(run.end) !== undefined)
    .sort((a, b) => at(a.run.end)! - at(b.run.end)!);
  const miss = misses[0];
  if (miss) {
    times.firstMiss = {
      at: at(miss.run.end)!,
      probe: miss.run.activity.name,
      lane: miss.lane,
      error: miss.run.status === "failed",
    };
  }

  if (recovery?.recovered) {
    const checks = recovery.checks;
    let index = checks.length;
    while (index > 0 && checks[index - 1]!.steady_state_met === true) index -= 1;
    const end = checks[index] ? at(checks[index]!.end) : undefined;
    if (end !== undefined) times.heldAgain = { at: end, by: "recovery" };
  } else if (
    !recovery &&
    times.firstMiss &&
    times.injected &&
    journal.steady_states.after?.steady_state_met === true
  ) {
    const ends = journal.steady_states.after.probes.flatMap((probe) => at(probe.end) ?? []);
    if (ends.length > 0) times.heldAgain = { at: Math.max(...ends), by: "after" };
  }
  return times;
}

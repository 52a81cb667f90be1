// A journal read back from a file, for `chaos-action report`: ours, or Chaos Toolkit's own (no `undo`,
// no `chaos_action`), checked enough that the report can trust its shape. Pure: the caller reads the file.
import { isRecord } from "../common/record.ts";
import type { ActivityRun, ChaosActionInfo, Journal } from "../engine/journal.ts";
import { verdictOf } from "../engine/verdict.ts";
import type { ReportOutcome } from "./markdown.ts";

/** A journal file that cannot be reported: the message names the file and what is wrong. */
export class JournalFileError extends Error {
  override name = "JournalFileError";
}

const VERDICTS = new Set(["passed", "deviated", "failed"]);

function isActivityRun(value: unknown): boolean {
  if (!isRecord(value) || !isRecord(value.activity)) return false;
  const { activity } = value;
  return (
    typeof activity.name === "string" &&
    typeof activity.type === "string" &&
    isRecord(activity.provider) &&
    typeof value.start === "string" &&
    typeof value.end === "string"
  );
}

const isObjectRef = (value: unknown): boolean =>
  isRecord(value) && typeof value.kind === "string" && typeof value.name === "string";

function isAdvice(value: unknown): boolean {
  if (!isRecord(value) || typeof value.available !== "boolean") return false;
  if (!Array.isArray(value.read) || !value.read.every(isObjectRef) || !Array.isArray(value.findings))
    return false;
  return value.findings.every(
    (finding) =>
      isRecord(finding) &&
      typeof finding.check === "string" &&
      isObjectRef(finding.object) &&
      typeof finding.seen === "string" &&
      typeof finding.change === "string",
  );
}

/** What is missing or of the wrong type, as `key (expected)`; empty when the shape is usable. */
function shapeProblems(data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  expect(isRecord(data.experiment), "`experiment` (an object)");
  expect(typeof data.status === "string", "`status` (a string)");
  expect(typeof data.start === "string", "`start` (a time)");
  expect(typeof data.end === "string", "`end` (a time)");
  expect(Array.isArray(data.run), "`run` (a list)");
  expect(data.rollbacks === undefined || Array.isArray(data.rollbacks), "`rollbacks` (a list)");
  expect(data.undo === undefined || Array.isArray(data.undo), "`undo` (a list)");
  const states = data.steady_states;
  expect(states === undefined || states === null || isRecord(states), "`steady_states` (an object)");
  const stateRecord = isRecord(states) ? states : {};
  const isState = (state: unknown) => isRecord(state) && Array.isArray(state.probes);
  const { before, after, during } = stateRecord;
  expect(
    [before, after].every((state) => state === undefined || state === null || isState(state)) &&
      (during === undefined || (Array.isArray(during) && during.every(isState))),
    "`steady_states` (before, after and during each with `probes`)",
  );
  const runs = [
    ...(Array.isArray(data.run) ? data.run : []),
    ...(Array.isArray(data.rollbacks) ? data.rollbacks : []),
    ...[
      stateRecord.before,
      stateRecord.after,
      ...(Array.isArray(stateRecord.during) ? stateRecord.during : []),
    ].flatMap((state) => (isRecord(state) && Array.isArray(state.probes) ? state.probes : [])),
  ];
  expect(
    runs.every(isActivityRun),
    "activity runs (each with `activity` of a `name`, `type` and `provider`, and `start`/`end`)",
  );
  const ours = data.chaos_action;
  if (ours !== undefined) {
    const valid =
      isRecord(ours) &&
      typeof ours.verdict === "string" &&
      VERDICTS.has(ours.verdict) &&
      typeof ours.reason === "string";
    expect(valid, "`chaos_action` (with `verdict` passed, deviated or failed, and `reason`)");
    if (isRecord(ours) && ours.advice !== undefined) {
      expect(isAdvice(ours.advice), "`chaos_action.advice` (`available`, `read` and `findings` of objects)");
    }
  }
  return problems;
}

/** Chaos Toolkit's journals say no verdict in words: the first probe that missed, or the status. */
function reasonOf(journal: Journal, verdict: string): string {
  if (verdict === "passed") return "held";
  if (verdict === "deviated") {
    const missed = [
      ...(journal.steady_states.after?.probes ?? []),
      ...journal.steady_states.during.flatMap((s) => s.probes),
    ].find((probe: ActivityRun) => probe.tolerance_met === false);
    return missed ? `deviated: ${missed.activity.name}` : "deviated";
  }
  return `failed: the journal's status is ${journal.status}`;
}

/** The outcome a saved journal stands for, as the report shows it. */
export function outcomeOfJournalFile(text: string, path: string): ReportOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new JournalFileError(`${path}: not a journal: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(data)) throw new JournalFileError(`${path}: not a journal: expected a JSON object`);
  const problems = shapeProblems(data);
  if (problems.length > 0) {
    throw new JournalFileError(`${path}: not a journal: missing or wrong ${problems.join(", ")}`);
  }
  const raw = data as unknown as Journal;
  const states = (raw.steady_states ?? {}) as Partial<Journal["steady_states"]>;
  const start = Date.parse(raw.start);
  const end = Date.parse(raw.end);
  const journal: Journal = {
    ...raw,
    duration:
      typeof raw.duration === "number"
        ? raw.duration
        : Number.isFinite(end - start)
          ? (end - start) / 1000
          : 0,
    steady_states: {
      before: states.before ?? null,
      after: states.after ?? null,
      during: states.during ?? [],
    },
    rollbacks: raw.rollbacks ?? [],
    undo: raw.undo ?? [],
  };
  if (!raw.chaos_action) {
    const verdict = verdictOf(journal);
    journal.chaos_action = {
      version: "",
      file: path,
      verdict,
      reason: reasonOf(journal, verdict),
      fault_injected: journal.run.some((run) => run.activity?.type === "action"),
      hypothesis_strategy: "default",
      rollback_strategy: "default",
    } satisfies ChaosActionInfo;
  }
  const info = journal.chaos_action;
  return {
    file: info.file || path,
    title: typeof journal.experiment.title === "string" ? journal.experiment.title : undefined,
    verdict: info.verdict,
    reason: info.reason,
    journal,
    journalPath: path,
    issues: [],
  };
}

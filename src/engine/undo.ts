// The undo log (DESIGN.md → "Undo survives the runner"): every change a native action makes is
// written to a JSON file, fsync'd, *before* the change, and stays pending unless the server refused
// the change; the run replays the pending steps in reverse on every exit, retrying failures until a
// deadline, and whatever is still pending (a step that kept failing, or the runner was killed) is
// replayed by the action's post step or `chaos-action cleanup --undo-file F` through replayUndoFile.
import { open, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { backoffMs } from "../common/backoff.ts";
import { errorMessage } from "../common/error-message.ts";
import { randomHex, randomUuid } from "../common/random-id.ts";
import type { Clock, UndoDone, UndoRegistry, UndoStep } from "../providers/native.ts";
import { isoTime, systemClock } from "./clock.ts";
import type { UndoRun } from "./journal.ts";

/**
 * Replays one step. Replaying a step twice, or one whose change never happened, must succeed (the
 * outcome of the change may have been unknown). An error whose `retryable` property is `false`
 * (the server refused for good: the object is gone, the request is invalid) is not retried. Answers a
 * conflict when it left the object alone (it no longer holds what we set). `signal` ends when the
 * attempt's time is up, and the step's requests with it: an abandoned attempt must not land after the
 * steps replayed next (older changes to the same object).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: an executor that only restores answers nothing.
export type UndoExecutor = (step: UndoStep, signal: AbortSignal) => Promise<UndoDone | undefined | void>;

export interface UndoEntry extends UndoStep {
  runId: string;
  /** `failed` only in files written by earlier versions: a step that cannot be undone stays `pending`. */
  state: "pending" | "done" | "failed" | "discarded";
  registered: string;
  /** Replay attempts so far, and the last one's error while the step is still pending. */
  attempts?: number;
  error?: string;
  /** Done by leaving the object alone: it no longer held what we set. */
  conflict?: string;
}

export interface UndoFileContent {
  version: 1;
  entries: UndoEntry[];
}

export interface ReplayOptions {
  /** Retries of a failing step end here (ms on `clock`); every pending step is tried at least once. */
  deadline?: number;
  clock?: Clock;
  random?: () => number;
}

export interface UndoLog extends UndoRegistry {
  readonly file: string;
  /**
   * Replays this run's pending steps, newest first; a failing step does not stop the others, and is
   * retried with backoff until the deadline, then left `pending` in the file for `cleanup`.
   */
  replay(options?: ReplayOptions): Promise<UndoRun[]>;
}

/** Where a run keeps its undo steps when it is given no file: unguessable, so nobody can plant it first. */
export const temporaryUndoFile = (): string =>
  path.join(tmpdir(), `chaos-action-undo-${process.pid}-${randomUuid()}.json`);

/** Retries of a failing undo step end this long after the replay starts, unless a deadline is given. */
export const DEFAULT_UNDO_SECONDS = 120;
/** One attempt that has no answer after this long counts as failed (and is retried). */
export const UNDO_ATTEMPT_SECONDS = 30;
/** A bound on the rounds of retries whatever the clock says (a clock that stands still in tests). */
const MAX_ROUNDS = 50;

export class UndoFileError extends Error {
  override name = "UndoFileError";
}

async function readUndoFile(file: string): Promise<UndoFileContent> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, entries: [] };
    throw new UndoFileError(`cannot read the undo file ${file}: ${errorMessage(error)}`);
  }
  try {
    const content = JSON.parse(text) as UndoFileContent;
    if (content?.version !== 1 || !Array.isArray(content.entries)) throw new Error("unexpected content");
    return content;
  } catch (error) {
    throw new UndoFileError(`the undo file ${file} is not a chaos-action undo file: ${errorMessage(error)}`);
  }
}

// Write to a temporary file, fsync it, then rename over the original: the file is always whole.
async function writeUndoFile(file: string, content: UndoFileContent): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  try {
    const dir = await open(path.dirname(file), "r");
    await dir.sync().finally(() => dir.close());
  } catch {
    // Not every platform can fsync a directory; the file itself is already on disk.
  }
}

/** Serialises the work on one file within this process (read-modify-write cycles, removal). */
const queues = new Map<string, Promise<unknown>>();
function enqueue<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(work);
  queues.set(
    file,
    next.catch(() => {}),
  );
  return next;
}

function update<T>(file: string, change: (content: UndoFileContent) => T): Promise<T> {
  return enqueue(file, async () => {
    const content = await readUndoFile(file);
    const result = change(content);
    await writeUndoFile(file, content);
    return result;
  });
}

interface Attempt {
  entry: UndoEntry;
  start: number;
  end: number;
  attempts: number;
  error?: string;
  /** The server refused for good: no more attempts. */
  final?: boolean;
  /** Left alone on purpose: the object no longer holds what we set. */
  conflict?: string;
}

/** One try of one step, bounded: a request that never answers must not hold the undo forever. */
async function attempt(
  execute: UndoExecutor,
  step: UndoStep,
  clock: Clock,
  limitMs: number,
): Promise<{ error?: string; final?: boolean; conflict?: string }> {
  const timer = new AbortController();
  const stop = new AbortController();
  const tooLong = clock.sleep(limitMs, timer.signal).then(
    () => {
      const late = new Error(`no answer within ${limitMs / 1000}s`);
      stop.abort(late);
      throw late;
    },
    () => {},
  );
  const running = execute(step, stop.signal);
  try {
    const done = await Promise.race([running, tooLong]);
    return done?.conflict ? { conflict: done.conflict } : {};
  } catch (failure) {
    // A change already sent may still answer for a moment once stopped (cluster requests: 5 s): the
    // next step waits for it, so the two cannot land out of order.
    if (stop.signal.aborted) await settledWithin(running, STOPPED_STEP_WAIT_MS, clock);
    const final = (failure as { retryable?: unknown } | null)?.retryable === false;
    return { error: errorMessage(failure), ...(final ? { final } : {}) };
  } finally {
    timer.abort();
  }
}

/** How long a stopped step may take to end before the replay goes on without it. */
const STOPPED_STEP_WAIT_MS = 10_000;

async function settledWithin(work: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  const timer = new AbortController();
  await Promise.race([work.catch(() => {}), clock.sleep(ms, timer.signal).catch(() => {})]);
  timer.abort();
}

async function replayEntries(
  file: string,
  select: (entry: UndoEntry) => boolean,
  execute: UndoExecutor,
  options: Required<ReplayOptions>,
): Promise<UndoRun[]> {
  const { clock, deadline, random } = options;
  const content = await readUndoFile(file);
  const pending = content.entries.filter((entry) => entry.state === "pending" && select(entry)).reverse();
  const results = new Map<string, Attempt>();
  // Every step is tried once, newest first; those that failed are tried again, in rounds with
  // growing pauses, until the deadline. What still fails stays pending for `cleanup`.
  let round = pending;
  for (let count = 1; round.length > 0 && count <= MAX_ROUNDS; count++) {
    const failed: UndoEntry[] = [];
    for (const entry of round) {
      const step: UndoStep = {
        id: entry.id,
        kind: entry.kind,
        description: entry.description,
        data: entry.data,
      };
      const start = clock.now();
      const limit = Math.max(1000, Math.min(UNDO_ATTEMPT_SECONDS * 1000, deadline - start));
      const { error, final, conflict } = await attempt(execute, step, clock, limit);
      const previous = results.get(entry.id);
      const result: Attempt = {
        entry,
        start: previous?.start ?? start,
        end: clock.now(),
        attempts: (entry.attempts ?? 0) + count,
        ...(error === undefined ? {} : { error }),
        ...(final ? { final } : {}),
        ...(conflict ? { conflict } : {}),
      };
      results.set(entry.id, result);
      await update(file, (latest) => {
        const stored = latest.entries.find((candidate) => candidate.id === entry.id);
        if (!stored) return;
        stored.attempts = result.attempts;
        if (error === undefined) {
          stored.state = "done";
          delete stored.error;
          if (conflict) stored.conflict = conflict;
        } else stored.error = error;
      });
      if (error !== undefined && !final) failed.push(entry);
    }
    round = failed;
    if (round.length === 0) break;
    const pause = backoffMs(count, random);
    if (clock.now() + pause >= deadline) break;
    await clock.sleep(pause);
  }
  return pending.map((entry) => {
    const result = results.get(entry.id)!;
    return {
      id: entry.id,
      description: entry.description,
      status: result.error !== undefined ? "pending" : result.conflict ? "skipped" : "succeeded",
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.conflict ? { conflict: result.conflict } : {}),
      attempts: result.attempts,
      start: isoTime(result.start),
      end: isoTime(result.end),
      duration: (result.end - result.start) / 1000,
    };
  });
}

function replayOptions(options: ReplayOptions, fallback: Clock): Required<ReplayOptions> {
  const clock = options.clock ?? fallback;
  return {
    clock,
    deadline: options.deadline ?? clock.now() + DEFAULT_UNDO_SECONDS * 1000,
    random: options.random ?? Math.random,
  };
}

export function createUndoLog(options: {
  file: string;
  runId: string;
  execute: UndoExecutor;
  /** For the timestamps of registrations (and of replays without a clock of their own). */
  now?: () => number;
}): UndoLog {
  const { file, runId, execute } = options;
  const now = options.now ?? Date.now;
  const clock: Clock = { now, sleep: systemClock.sleep };
  return {
    file,
    register(step) {
      return update(file, (content) => {
        const count = content.entries.filter((entry) => entry.runId === runId).length;
        const entry: UndoEntry = {
          id: `${runId}:${count + 1}`,
          kind: step.kind,
          description: step.description,
          data: step.data,
          runId,
          state: "pending",
          registered: isoTime(now()),
        };
        content.entries.push(entry);
        return { id: entry.id, kind: entry.kind, description: entry.description, data: entry.data };
      });
    },
    async amend(step) {
      await update(file, (content) => {
        const entry = content.entries.find((candidate) => candidate.id === step.id);
        if (entry?.state === "pending") entry.data = step.data;
      });
    },
    async discard(step) {
      await update(file, (content) => {
        const entry = content.entries.find((candidate) => candidate.id === step.id);
        if (entry?.state === "pending") entry.state = "discarded";
      });
    },
    replay: (replay = {}) =>
      replayEntries(file, (entry) => entry.runId === runId, execute, replayOptions(replay, clock)),
  };
}

/** Replays every pending step of an undo file (any run), newest first. A missing file has nothing to replay. */
export function replayUndoFile(
  file: string,
  execute: UndoExecutor,
  options: ReplayOptions = {},
): Promise<UndoRun[]> {
  return replayEntries(file, () => true, execute, replayOptions(options, systemClock));
}

/**
 * The steps of the file still pending (any run). When none is, the file has done its work and is
 * removed; a missing file has none.
 */
export function settleUndoFile(file: string): Promise<UndoEntry[]> {
  return enqueue(file, async () => {
    const content = await readUndoFile(file);
    const pending = content.entries.filter((entry) => entry.state === "pending" || entry.state === "failed");
    if (pending.length === 0) await rm(file, { force: true });
    return pending;
  });
}

// The undo log (DESIGN.md → "Undo survives the runner"): every change a native action makes is
// written to a JSON file, fsync'd, *before* the change; the run replays the pending steps in reverse
// on every exit, and whatever is still pending (the runner was killed) is replayed by the action's
// post step or `chaos-action cleanup --undo-file F` through replayUndoFile.
import { randomUUID } from "node:crypto";
import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { errorMessage } from "../common/error-message.ts";
import type { UndoRegistry, UndoStep } from "../providers/native.ts";
import { isoTime } from "./clock.ts";
import type { UndoRun } from "./journal.ts";

export type UndoExecutor = (step: UndoStep) => Promise<void>;

export interface UndoEntry extends UndoStep {
  runId: string;
  state: "pending" | "done" | "failed" | "discarded";
  registered: string;
  error?: string;
}

export interface UndoFileContent {
  version: 1;
  entries: UndoEntry[];
}

export interface UndoLog extends UndoRegistry {
  readonly file: string;
  /** Replays this run's pending steps, newest first; a failing step does not stop the others. */
  replay(): Promise<UndoRun[]>;
}

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
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
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

/** Serialises read-modify-write cycles of one file within this process. */
const queues = new Map<string, Promise<unknown>>();
function update<T>(file: string, change: (content: UndoFileContent) => T): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(async () => {
    const content = await readUndoFile(file);
    const result = change(content);
    await writeUndoFile(file, content);
    return result;
  });
  queues.set(
    file,
    next.catch(() => {}),
  );
  return next;
}

async function replayEntries(
  file: string,
  select: (entry: UndoEntry) => boolean,
  execute: UndoExecutor,
  now: () => number,
): Promise<UndoRun[]> {
  const content = await readUndoFile(file);
  const pending = content.entries.filter((entry) => entry.state === "pending" && select(entry)).reverse();
  const runs: UndoRun[] = [];
  for (const entry of pending) {
    const step: UndoStep = {
      id: entry.id,
      kind: entry.kind,
      description: entry.description,
      data: entry.data,
    };
    const start = now();
    let error: string | undefined;
    try {
      await execute(step);
    } catch (failure) {
      error = errorMessage(failure);
    }
    const end = now();
    await update(file, (latest) => {
      const stored = latest.entries.find((candidate) => candidate.id === entry.id);
      if (!stored) return;
      stored.state = error === undefined ? "done" : "failed";
      if (error !== undefined) stored.error = error;
    });
    runs.push({
      id: step.id,
      description: step.description,
      status: error === undefined ? "succeeded" : "failed",
      ...(error === undefined ? {} : { error }),
      start: isoTime(start),
      end: isoTime(end),
      duration: (end - start) / 1000,
    });
  }
  return runs;
}

export function createUndoLog(options: {
  file: string;
  runId: string;
  execute: UndoExecutor;
  now?: () => number;
}): UndoLog {
  const { file, runId, execute } = options;
  const now = options.now ?? Date.now;
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
    async discard(step) {
      await update(file, (content) => {
        const entry = content.entries.find((candidate) => candidate.id === step.id);
        if (entry?.state === "pending") entry.state = "discarded";
      });
    },
    replay: () => replayEntries(file, (entry) => entry.runId === runId, execute, now),
  };
}

/** Replays every pending step of an undo file (any run), newest first. A missing file has nothing to replay. */
export function replayUndoFile(
  file: string,
  execute: UndoExecutor,
  now: () => number = Date.now,
): Promise<UndoRun[]> {
  return replayEntries(file, () => true, execute, now);
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createUndoLog, replayUndoFile, type UndoFileContent } from "../../src/engine/undo.ts";
import type { UndoStep } from "../../src/providers/native.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "undo-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const tempFile = () => path.join(mkdtempSync(path.join(scratch, "undo-test-")), "undo.json");
const read = (file: string): UndoFileContent => JSON.parse(readFileSync(file, "utf8"));

describe("the undo log", () => {
  it("writes each step to the file before register returns", async () => {
    const file = tempFile();
    const log = createUndoLog({ file, runId: "r1", execute: async () => {} });
    const step = await log.register({
      kind: "k8s.scale",
      description: "scale web back to 3",
      data: { replicas: 3 },
    });
    expect(step).toEqual({
      id: "r1:1",
      kind: "k8s.scale",
      description: "scale web back to 3",
      data: { replicas: 3 },
    });
    expect(read(file)).toMatchObject({
      version: 1,
      entries: [{ id: "r1:1", runId: "r1", state: "pending", kind: "k8s.scale", data: { replicas: 3 } }],
    });
  });

  it("replays pending steps newest first, goes on after a failure, and marks them in the file", async () => {
    const file = tempFile();
    const executed: string[] = [];
    const log = createUndoLog({
      file,
      runId: "r1",
      now: () => Date.UTC(2026, 0, 1),
      execute: async (step: UndoStep) => {
        executed.push(step.id);
        // Refused for good (the node is gone): not retried, left pending.
        if (step.kind === "bad") throw Object.assign(new Error("node n1 not found"), { retryable: false });
      },
    });
    await log.register({ kind: "ok", description: "first", data: {} });
    await log.register({ kind: "bad", description: "second", data: {} });
    const discarded = await log.register({ kind: "ok", description: "third (never happened)", data: {} });
    await log.discard(discarded);
    await log.register({ kind: "ok", description: "fourth", data: {} });

    const runs = await log.replay();
    expect(executed).toEqual(["r1:4", "r1:2", "r1:1"]);
    expect(runs.map((r) => [r.description, r.status, r.error])).toEqual([
      ["fourth", "succeeded", undefined],
      ["second", "pending", "node n1 not found"],
      ["first", "succeeded", undefined],
    ]);
    expect(runs[0]).toMatchObject({ start: "2026-01-01T00:00:00.000+00:00", duration: 0 });
    expect(read(file).entries.map((e) => [e.id, e.state])).toEqual([
      ["r1:1", "done"],
      ["r1:2", "pending"],
      ["r1:3", "discarded"],
      ["r1:4", "done"],
    ]);
    // only the step left pending is replayed again
    expect((await log.replay()).map((r) => r.description)).toEqual(["second"]);
  });

  it("concurrent registrations are all kept", async () => {
    const file = tempFile();
    const log = createUndoLog({ file, runId: "r", execute: async () => {} });
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => log.register({ kind: "k", description: `s${n}`, data: { n } })),
    );
    expect(
      read(file)
        .entries.map((e) => e.id)
        .sort(),
    ).toEqual(["r:1", "r:2", "r:3", "r:4", "r:5"]);
  });

  it("a log replays only its own run; replayUndoFile replays whatever is pending (the post step)", async () => {
    const file = tempFile();
    const executed: string[] = [];
    const execute = async (step: UndoStep) => {
      executed.push(step.id);
    };
    const first = createUndoLog({ file, runId: "a", execute });
    const second = createUndoLog({ file, runId: "b", execute });
    await first.register({ kind: "k", description: "a1", data: {} });
    await second.register({ kind: "k", description: "b1", data: {} });
    await first.register({ kind: "k", description: "a2", data: {} });
    await second.replay();
    expect(executed).toEqual(["b:1"]);
    // the runner was killed before `a` replayed: the post step does it
    const runs = await replayUndoFile(file, execute);
    expect(runs.map((r) => r.id)).toEqual(["a:2", "a:1"]);
    expect(executed).toEqual(["b:1", "a:2", "a:1"]);
    expect(await replayUndoFile(file, execute)).toEqual([]);
  });

  it("a missing file has nothing to replay; a foreign file is a clear error", async () => {
    const file = tempFile();
    expect(await replayUndoFile(file, async () => {})).toEqual([]);
    writeFileSync(file, '{"hello": 1}');
    await expect(replayUndoFile(file, async () => {})).rejects.toThrow(
      `the undo file ${file} is not a chaos-action undo file`,
    );
  });
});

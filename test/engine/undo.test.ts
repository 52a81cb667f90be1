import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backoffMs } from "../../src/common/backoff.ts";
import {
  createUndoLog,
  replayUndoFile,
  settleUndoFile,
  type UndoFileContent,
} from "../../src/engine/undo.ts";
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

describe("retries of a failing undo step", () => {
  /** Virtual time: a sleep not aborted meanwhile moves it forward, on the next turn. */
  const jumpClock = () => {
    const start = Date.UTC(2026, 0, 1);
    let now = start;
    return {
      now: () => now,
      sleep: (ms: number, signal?: AbortSignal) =>
        new Promise<void>((resolve, reject) =>
          setImmediate(() => {
            if (signal?.aborted) return reject(signal.reason);
            now += ms;
            resolve();
          }),
        ),
      get elapsed() {
        return now - start;
      },
    };
  };

  it("retries with growing pauses until it succeeds", async () => {
    const file = tempFile();
    let calls = 0;
    const log = createUndoLog({
      file,
      runId: "r",
      execute: async () => {
        if (++calls < 4) throw new Error("503 Service Unavailable");
      },
    });
    await log.register({ kind: "k", description: "delete the policy", data: {} });
    const clock = jumpClock();
    const runs = await log.replay({ clock, deadline: clock.now() + 60_000, random: () => 1 });
    expect(runs).toMatchObject([{ status: "succeeded", attempts: 4 }]);
    // 500 + 1000 + 2000 ms of pauses, jitter at its top.
    expect(clock.elapsed).toBe(3500);
    expect(read(file).entries).toMatchObject([{ state: "done", attempts: 4 }]);
    expect(read(file).entries[0]!.error).toBeUndefined();
  });

  it("gives up at the deadline and leaves the step pending with its last error; the others still run", async () => {
    const file = tempFile();
    const executed: string[] = [];
    const log = createUndoLog({
      file,
      runId: "r",
      execute: async (step) => {
        executed.push(step.description);
        if (step.description === "stuck") throw new Error("500 Internal Server Error");
      },
    });
    await log.register({ kind: "k", description: "fine", data: {} });
    await log.register({ kind: "k", description: "stuck", data: {} });
    const clock = jumpClock();
    const runs = await log.replay({ clock, deadline: clock.now() + 20_000, random: () => 0 });
    expect(runs.map((r) => [r.description, r.status])).toEqual([
      ["stuck", "pending"],
      ["fine", "succeeded"],
    ]);
    expect(executed.slice(0, 2)).toEqual(["stuck", "fine"]);
    expect(clock.elapsed).toBeLessThan(20_000);
    expect(runs[0]!.attempts).toBe(executed.filter((d) => d === "stuck").length);
    expect(runs[0]!.attempts).toBeGreaterThan(3);
    expect(read(file).entries.map((e) => [e.state, e.error])).toEqual([
      ["done", undefined],
      ["pending", "500 Internal Server Error"],
    ]);
  });

  it("an attempt without an answer counts as failed", async () => {
    const file = tempFile();
    const log = createUndoLog({ file, runId: "r", execute: () => new Promise(() => {}) });
    await log.register({ kind: "k", description: "hangs", data: {} });
    const clock = jumpClock();
    const runs = await log.replay({ clock, deadline: clock.now() });
    expect(runs).toMatchObject([{ status: "pending", attempts: 1, error: "no answer within 1s" }]);
  });

  it("an attempt whose time is up is stopped through its signal, and the next step waits for it to end", async () => {
    const file = tempFile();
    const seen: Array<[string, string]> = [];
    const log = createUndoLog({
      file,
      runId: "r",
      execute: (step, signal) => {
        if (step.description === "fine") {
          seen.push(["fine starts", signal.aborted ? "aborted" : "live"]);
          return Promise.resolve();
        }
        // Like a change already sent: it answers a moment after it is stopped.
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            seen.push(["hangs stopped", String((signal.reason as Error).message)]);
            setTimeout(() => {
              seen.push(["hangs ended", ""]);
              reject(signal.reason);
            }, 150);
          }),
        );
      },
    });
    await log.register({ kind: "k", description: "fine", data: {} });
    await log.register({ kind: "k", description: "hangs", data: {} });
    // Real time: the stopped step's answer comes on a real timer (the attempt's limit is 1 s).
    const runs = await log.replay({ deadline: Date.now() });
    expect(seen).toEqual([
      ["hangs stopped", "no answer within 1s"],
      ["hangs ended", ""],
      ["fine starts", "live"],
    ]);
    expect(runs.map((r) => r.status)).toEqual(["pending", "succeeded"]);
  });

  it("settleUndoFile keeps a file with pending steps and removes one whose steps are all done", async () => {
    const file = tempFile();
    const log = createUndoLog({ file, runId: "r", execute: async () => {} });
    await log.register({ kind: "k", description: "scale back", data: {} });
    expect((await settleUndoFile(file)).map((e) => e.description)).toEqual(["scale back"]);
    expect(existsSync(file)).toBe(true);
    await log.replay();
    expect(await settleUndoFile(file)).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(await settleUndoFile(file)).toEqual([]);
  });
});

describe("backoffMs", () => {
  it("doubles from the base, is capped, and jitters within the upper half", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffMs(n, () => 1))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([1, 2, 6].map((n) => backoffMs(n, () => 0))).toEqual([250, 500, 5000]);
  });
});

// SIGINT/SIGTERM reach the run through the real executable (src/cli/bin.ts under Node's type stripping):
// the method stops, the rollbacks run, the journal says `interrupted`, the exit status is 1.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "..", "src", "cli", "bin.ts");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "signals-test-"));
  await writeFile(
    join(dir, "slow.yaml"),
    `title: slow
description: a long action, then a rollback that leaves a mark
method:
  - {type: action, name: nap, provider: {type: process, path: sleep, arguments: ["30"]}}
rollbacks:
  - {type: action, name: mark, provider: {type: process, path: touch, arguments: ["${join(dir, "rolled-back")}"]}}
runtime:
  rollbacks: {strategy: always}
`,
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** An experiment that runs to its verdict at once. */
const writeQuickExperiment = () =>
  writeFile(
    join(dir, "quick.yaml"),
    'title: quick\ndescription: one quick action\nmethod:\n  - {type: action, name: noop, provider: {type: process, path: "true"}}\n',
  );

describe.each(["SIGINT", "SIGTERM"] as const)("%s", (signal) => {
  it("stops the method, runs the rollbacks, writes an interrupted journal and exits 1", async () => {
    const journal = join(dir, `${signal}.json`);
    await rm(join(dir, "rolled-back"), { force: true });
    const child = spawn(process.execPath, [bin, "run", "slow.yaml", "--journal-path", journal], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir },
    });
    let stderr = "";
    const started = new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        if (stderr.includes("▸ action nap")) resolve();
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await Promise.race([started, exit]);
      child.kill(signal);
      expect(await exit).toBe(1);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    expect(stderr).toContain(`${signal} received`);
    const written = JSON.parse(await readFile(journal, "utf8"));
    expect(written.status).toBe("interrupted");
    expect(written.chaos_action.reason).toBe(`failed: interrupted by ${signal}`);
    expect(written.rollbacks.map((r: { status: string }) => r.status)).toEqual(["succeeded"]);
    await expect(readFile(join(dir, "rolled-back"))).resolves.toBeDefined();
  }, 20_000);
});

/**
 * The fewest SIGINT and SIGTERM listeners the process had right after it removed one: 0 means a moment
 * in which a signal would have taken its default action and killed the process.
 */
function fewestListenersAfterRemoval(args: string[]): { SIGINT: number; SIGTERM: number } {
  const script = `
    const fewest = { SIGINT: Infinity, SIGTERM: Infinity };
    const off = process.removeListener.bind(process);
    process.removeListener = process.off = (name, listener) => {
      off(name, listener);
      if (name in fewest) fewest[name] = Math.min(fewest[name], process.listenerCount(name));
      return process;
    };
    process.on("exit", () => process._rawDebug("FEWEST " + JSON.stringify(fewest)));
  `;
  const run = spawnSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(script)}`, ...args],
    {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir },
      timeout: 20_000,
    },
  );
  const line = run.stderr.split("\n").find((text) => text.startsWith("FEWEST "));
  if (!line) throw new Error(`no listener count printed:\n${run.stderr}`);
  const fewest = JSON.parse(line.slice("FEWEST ".length)) as Record<string, number | null>;
  // JSON writes Infinity (never removed) as null.
  return {
    SIGINT: fewest.SIGINT ?? Number.POSITIVE_INFINITY,
    SIGTERM: fewest.SIGTERM ?? Number.POSITIVE_INFINITY,
  };
}

describe("from the verdict to the exit", () => {
  it("a signal always finds a listener: none in between would kill the process and lose its exit status", async () => {
    await writeQuickExperiment();
    const fewest = fewestListenersAfterRemoval([
      bin,
      "run",
      "quick.yaml",
      "--journal-path",
      join(dir, "quick.json"),
    ]);
    // The run removed its own listeners (the check saw it) and one still listened.
    expect(fewest.SIGTERM).toBe(1);
    expect(fewest.SIGINT).toBe(1);
  });

  it("a SIGTERM just after the verdict is printed leaves the exit status the verdict's", async () => {
    // Left to exit when its event loop drains, Node closes its signal handlers for a teardown of tens
    // of milliseconds, and a signal then killed the process: every time, with the signal 5 ms after
    // the last line.
    await writeQuickExperiment();
    const child = spawn(
      process.execPath,
      [bin, "run", "quick.yaml", "--journal-path", join(dir, "late.json")],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir },
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      const before = stderr;
      stderr += chunk;
      if (!before.includes("journal: ") && stderr.includes("journal: ")) {
        setTimeout(() => child.kill("SIGTERM"), 5);
      }
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    expect(stderr).toContain("journal: ");
    expect(signal).toBeNull();
    expect(code).toBe(0);
  }, 20_000);

  it("sees a moment without a listener when there is one (the check can fail)", () => {
    const fewest = fewestListenersAfterRemoval([
      "-e",
      'const h = () => {}; process.on("SIGTERM", h); process.off("SIGTERM", h);',
    ]);
    expect(fewest.SIGTERM).toBe(0);
  });
});

// SIGINT/SIGTERM reach the run through the real executable (src/cli/bin.ts under Node's type stripping):
// the method stops, the rollbacks run, the journal says `interrupted`, the exit status is 1.
import { spawn } from "node:child_process";
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

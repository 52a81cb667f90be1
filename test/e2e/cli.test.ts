// End-to-end: the bundled CLI (dist/cli.js) as a person or a script runs it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dist = process.env.CHAOS_ACTION_DIST ?? join(root, "dist");
const cli = join(dist, "cli.js");

describe.skipIf(!existsSync(cli))("the bundled CLI", () => {
  it("exits 2 on bad flags, listing each, before any cluster starts", () => {
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        cli,
        "run",
        "experiments/terminate-pod.yaml",
        "--cluster",
        "sim",
        "--max-affected",
        "0",
        "--timeout",
        "0",
      ],
      { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH }, timeout: 20_000 },
    );
    const elapsed = performance.now() - started;
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("error: --max-affected expects a count of at least 1 object");
    expect(run.stderr).toContain("error: --timeout expects a positive number of seconds");
    expect(run.stderr).not.toContain("Started the simulated cluster");
    // A whole process that only parses: starting the simulated cluster alone takes seconds.
    expect(elapsed).toBeLessThan(3_000);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// The safeguards control through the CLI, with process probes and the real clock: a repeating
// safeguard trips during a long method action, which is stopped; the rollbacks still run.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "safeguards-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const experiment = `title: Stop when the error budget is spent
description: The method spends it; the safeguard stops the run.
configuration:
  marker: spent
controls:
  - name: stop-conditions
    provider:
      type: python
      module: chaosaddons.controls.safeguards
      arguments:
        probes:
          - type: probe
            name: budget-left
            frequency: 0.1
            tolerance: 0
            provider:
              type: process
              path: sh
              arguments: ["-c", "test ! -e \${marker}"]
method:
  - type: action
    name: spend-the-budget
    provider:
      type: process
      path: touch
      arguments: ["\${marker}"]
  - type: action
    name: long-fault
    provider:
      type: process
      path: sleep
      arguments: ["20"]
rollbacks:
  - type: action
    name: restore-the-budget
    provider:
      type: process
      path: rm
      arguments: ["\${marker}"]
`;

it("a tripped safeguard aborts the run within its frequency; rollbacks run; exit 1", async () => {
  await writeFile(join(dir, "budget.yaml"), experiment);
  const stderr: string[] = [];
  const started = Date.now();
  const code = await main(
    [
      "run",
      "--var",
      `marker=${join(dir, "spent")}`,
      "--journal-path",
      join(dir, "journal.json"),
      "budget.yaml",
    ],
    {
      stdout: () => {},
      stderr: (text) => stderr.push(text),
      cwd: dir,
      env: { PATH: process.env.PATH },
      onSignal: () => () => {},
    },
  );
  expect(code, stderr.join("\n")).toBe(1);
  expect(Date.now() - started).toBeLessThan(10_000);
  const journal = JSON.parse(await readFile(join(dir, "journal.json"), "utf8"));
  expect(journal.status).toBe("aborted");
  expect(journal.chaos_action.reason).toMatch(/^failed: safeguard 'budget-left' was not met/);
  expect(journal.run.map((r: { activity: { name: string } }) => r.activity.name)).toEqual([
    "spend-the-budget",
    "long-fault",
  ]);
  expect(journal.rollbacks).toMatchObject([
    { activity: { name: "restore-the-budget" }, status: "succeeded" },
  ]);
  expect(stderr.join("\n")).toContain("safeguard");
});

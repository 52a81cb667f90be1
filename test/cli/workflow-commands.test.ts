import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-commands-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Found by the fuzz suite (seed 1356543075): a dry run printed a title whose second line was a
// workflow command, and a CI runner reading the CLI's output would have set an output.
it("prints no line a CI runner would read as a workflow command, whatever the experiment holds", async () => {
  await writeFile(
    join(dir, "titled.yaml"),
    'title: |-\n  first\n  ::set-output name=x::y\ndescription: d\nmethod:\n  - {type: action, name: "a\\n##[group]b", provider: {type: process, path: "true"}}\n',
  );
  const lines: string[] = [];
  const code = await main(["run", "--dry-run", "--journal-path", "journals", "titled.yaml"], {
    stdout: (text) => lines.push(...text.split("\n")),
    stderr: (text) => lines.push(...text.split("\n")),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  });
  expect(code).toBe(0);
  expect(lines.some((line) => line.includes("set-output name=x::y"))).toBe(true);
  expect(lines.some((line) => line.includes("group]b"))).toBe(true);
  expect(lines.filter((line) => /^\s*(::|##\[)/.test(line))).toEqual([]);
});

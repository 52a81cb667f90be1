import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { fuzzFile } from "./experiments.ts";
import { lineProblems } from "./properties.ts";
import { describeFailures, settings, type Tally } from "./settings.ts";

/** Most output one dry run may print: 100 issues of bounded lines, a table, a plan. */
const MAX_OUTPUT = 1_000_000;

let dir: string;
let closedPort: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fuzz-dry-run-"));
  // Experiments that need a cluster get one that refuses connections at once.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function check(text: string, format: "yaml" | "json", index: number): Promise<string[]> {
  const file = `case-${index}.${format}`;
  await writeFile(join(dir, file), text);
  const lines: string[] = [];
  let code: number;
  try {
    code = await main(["run", "--dry-run", "--journal-path", "journals", file], {
      stdout: (t) => lines.push(...t.split("\n")),
      stderr: (t) => lines.push(...t.split("\n")),
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        KUBERNETES_HOST: `https://127.0.0.1:${closedPort}`,
        KUBERNETES_API_KEY: "t",
      },
      onSignal: () => () => {},
    });
  } catch (error) {
    return [`main threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
  const problems = lines.flatMap(lineProblems);
  const output = lines.join("\n");
  if (![0, 1, 2].includes(code)) problems.push(`exit ${code}`);
  if (output.length > MAX_OUTPUT) problems.push(`${output.length} characters of output`);
  if (code === 2 && !output.includes(file)) problems.push(`exit 2 without naming ${file}`);
  const internal = lines.find((line) => /RangeError|TypeError|Maximum call stack/.test(line));
  if (internal) problems.push(`an internal error reached the output: ${internal.slice(0, 300)}`);
  return problems;
}

describe(`fuzz: run --dry-run (${settings.dryRuns} files, seed ${settings.seed})`, () => {
  it(
    "exits 0, 1 or 2 with bounded output naming the file, never a workflow command",
    async () => {
      const tally: Tally = { cases: 0, failures: [] };
      await fc.assert(
        fc.asyncProperty(fuzzFile, async ({ text, format }) => {
          const problems = await check(text, format, tally.cases++);
          if (problems.length > 0) tally.failures.push({ problems, sample: text });
        }),
        { numRuns: settings.dryRuns, seed: settings.seed },
      );
      console.log(
        `fuzz: ${tally.cases} files through run --dry-run, ${tally.failures.length} crashes (seed ${settings.seed})`,
      );
      expect(describeFailures(tally)).toBe("");
    },
    60_000 + settings.dryRuns * 500,
  );
});

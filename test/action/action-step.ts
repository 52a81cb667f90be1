// The action's main step run in this process as the runner runs it, with the real @actions/core:
// INPUT_* variables, an event file, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and the log on stdout.
// The caller restores process.env, the working directory and process.exitCode after each test.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { vi } from "vitest";
import { run } from "../../src/action/main.ts";

export interface StepResult {
  log: string;
  outputs: Record<string, string>;
  summary: string;
  failed: boolean;
}

/** GITHUB_OUTPUT / GITHUB_STATE files: `name<<DELIMITER\nvalue\nDELIMITER\n`. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== delimiter; index++) value.push(lines[index] ?? "");
    values[name ?? ""] = value.join("\n");
  }
  return values;
}

/**
 * Runs the main step in `cwd`, its runner files in a fresh directory under `work`. The comment is off
 * and there is no token unless `inputs` say otherwise.
 */
export async function runStep(
  work: string,
  cwd: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  event: { name: string; payload: object },
): Promise<StepResult> {
  const dir = await mkdtemp(join(work, "step-"));
  // @actions/core keeps the first summary path it reads for the whole process: one file per `work`,
  // emptied for each step.
  const files = { output: join(dir, "output"), state: join(dir, "state"), summary: join(work, "summary.md") };
  await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
  await writeFile(join(dir, "event.json"), JSON.stringify(event.payload));
  const path = process.env.PATH;
  process.env = {
    PATH: path,
    HOME: dir,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_RUN_ID: "77",
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    "INPUT_GITHUB-TOKEN": "",
    INPUT_COMMENT: "never",
    ...env,
  };
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const log: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    log.push(String(chunk));
    return true;
  });
  // The runner starts the step in the workspace.
  process.chdir(cwd);
  try {
    await run(process.env, cwd);
  } finally {
    vi.restoreAllMocks();
  }
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  return {
    log: log.join(""),
    outputs: parseFileCommands(await readFile(files.output, "utf8")),
    summary: await readFile(files.summary, "utf8"),
    failed,
  };
}

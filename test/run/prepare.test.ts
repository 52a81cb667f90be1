// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// Prepare once: every file is read, validated and resolved one time; the validation view, the run and
// the report consume that preparation, and nothing goes back to the files.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExperimentFile } from "../../src/experiment/load.ts";
import { runOptions } from "../../src/run/options.ts";
import { runPrepared } from "../../src/run/pipeline.ts";
import { isPrepared, prepareExperiments, validationResult } from "../../src/run/prepare.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "prepare-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const experiment = (title: string) => `title: ${title}
description: d
configuration:
  greeting: {type: env, key: GREETING}
steady-state-hypothesis:
  title: answers
  probes:
    - {type: probe, name: says, tolerance: 0, provider: {type: process, path: echo, arguments: ["\${greeting}"]}}
method:
  - {type: action, name: greet, provider: {type: process, path: echo, arguments: ["\${greeting}", "\${who}"]}}
`;

function counting() {
  const reads = new Map<string, number>();
  const load = (path: string) => {
    reads.set(path, (reads.get(path) ?? 0) + 1);
    return loadExperimentFile(path);
  };
  return { reads, load };
}

const reporter = { info: () => {}, warn: () => {}, error: () => {} };

describe("prepareExperiments", () => {
  it("reads and resolves each file once; validating and running use that one preparation", async () => {
    await writeFile(join(dir, "a.yaml"), experiment("a"));
    await writeFile(join(dir, "b.yaml"), experiment("b"));
    await writeFile(join(dir, "vars.yaml"), "configuration:\n  who: world\n");
    const { reads, load } = counting();
    const options = runOptions({
      targets: ["a.yaml", "b.yaml"],
      varFiles: ["vars.yaml"],
      journalPath: "out",
    });
    const preparation = await prepareExperiments({
      ...options,
      cwd: dir,
      env: { PATH: process.env.PATH, GREETING: "hello" },
      reporter,
      load,
    });

    expect(preparation.usable).toBe(true);
    if (!preparation.usable) return;
    const [first] = preparation.experiments;
    expect(first && isPrepared(first)).toBe(true);
    if (!first || !isPrepared(first)) return;
    // Resolved and substituted once, here: the guard, the preflight and a dry run read `substituted`.
    expect(first.resolved.configuration).toEqual({ greeting: "hello", who: "world" });
    expect(first.substituted.method[0]).toMatchObject({
      provider: { arguments: ["hello", "world"] },
    });

    // Nothing goes back to disk: without the files, the views and the run still see what was prepared.
    await rm(join(dir, "a.yaml"));
    await rm(join(dir, "b.yaml"));
    await rm(join(dir, "vars.yaml"));
    expect(validationResult(preparation)).toMatchObject({
      verdict: "passed",
      outcomes: [
        { file: "a.yaml", reason: "valid" },
        { file: "b.yaml", reason: "valid" },
      ],
    });
    const result = await runPrepared(preparation, {
      options,
      cwd: dir,
      env: { PATH: process.env.PATH },
      cluster: { mode: "auto" },
      reporter,
    });
    expect(result.verdict).toBe("passed");
    expect(result.outcomes.map((o) => [o.file, o.reason])).toEqual([
      ["a.yaml", "held"],
      ["b.yaml", "held"],
    ]);
    expect(result.outcomes[0]!.journal!.run[0]!.output).toMatchObject({ stdout: "hello world\n" });
    expect([...reads.values()]).toEqual([1, 1]);
  });

  it("keeps an invalid file's outcome beside the prepared ones, in path order", async () => {
    await writeFile(join(dir, "c.yaml"), experiment("c"));
    await writeFile(join(dir, "d.yaml"), "title: d\ndescription: d\nmethod: [{type: action, name: x}]\n");
    const { reads, load } = counting();
    const preparation = await prepareExperiments({
      ...runOptions({ targets: ["c.yaml", "d.yaml"] }),
      cwd: dir,
      env: { PATH: process.env.PATH, GREETING: "hi" },
      reporter,
      load,
    });
    const validation = validationResult(preparation);
    expect(validation.verdict).toBe("invalid");
    expect(validation.outcomes.map((o) => [o.file, o.verdict])).toEqual([
      ["c.yaml", "passed"],
      ["d.yaml", "invalid"],
    ]);
    const run = await runPrepared(preparation, {
      options: runOptions({ targets: ["c.yaml", "d.yaml"] }),
      cwd: dir,
      env: {},
      cluster: { mode: "auto" },
      reporter,
    });
    expect(run.outcomes.map((o) => [o.file, o.verdict, o.reason])).toEqual([
      ["d.yaml", "invalid", expect.stringMatching(/^invalid: /)],
      ["c.yaml", "skipped", "skipped: not run because another experiment is invalid"],
    ]);
    expect([...reads.values()]).toEqual([1, 1]);
  });

  it("a run with no experiment is one invalid outcome, never a pass", async () => {
    const preparation = await prepareExperiments({
      ...runOptions({ targets: ["nothing/*.yaml"] }),
      cwd: dir,
      env: {},
      reporter,
    });
    expect(preparation.usable).toBe(false);
    expect(validationResult(preparation).verdict).toBe("invalid");
  });
});

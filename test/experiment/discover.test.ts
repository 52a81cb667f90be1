import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverExperiments } from "../../src/experiment/discover.ts";
import { NoExperimentsError } from "../../src/experiment/errors.ts";

const root = mkdtempSync(join(tmpdir(), "chaos-discover-"));

function write(path: string, text: string) {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(() => {
  write("experiments/b-second.yaml", "title: b\nmethod: []\n");
  write("experiments/a-first.json", '{"title": "a", "method": []}');
  write("experiments/nested/c-third.yml", "method: []\n");
  write("experiments/values.yaml", "replicas: 3\n");
  write("experiments/list.yaml", "- 1\n");
  write("experiments/broken.yaml", "title: [unclosed\n");
  write("experiments/README.md", "# not an experiment\n");
  write("experiments/node_modules/dep/x.yaml", "title: hidden\nmethod: []\n");
  write("other/z.yaml", "title: z\nmethod: []\n");
  write("other/a.yaml", "title: a\nmethod: []\n");
  write("empty/notes.txt", "nothing\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("discoverExperiments", () => {
  it("expands the default experiments/ directory recursively, in path order, skipping non-experiments", async () => {
    const result = await discoverExperiments([], { cwd: root });
    expect(result.files).toEqual([
      "experiments/a-first.json",
      "experiments/b-second.yaml",
      "experiments/broken.yaml",
      "experiments/nested/c-third.yml",
    ]);
    expect(result.skipped).toEqual([
      { file: "experiments/list.yaml", reason: "not an experiment (the document is not a mapping)" },
      { file: "experiments/values.yaml", reason: "not an experiment (it has neither a title nor a method)" },
    ]);
  });

  it("keeps explicitly named files whatever they hold, and sorts everything by path", async () => {
    const result = await discoverExperiments(["other/z.yaml", "experiments/values.yaml", "other/a.yaml"], {
      cwd: root,
    });
    expect(result.files).toEqual(["experiments/values.yaml", "other/a.yaml", "other/z.yaml"]);
    expect(result.skipped).toEqual([]);
  });

  it("expands globs, skipping what is plainly not an experiment", async () => {
    const result = await discoverExperiments(["experiments/*"], { cwd: root });
    expect(result.files).toEqual([
      "experiments/a-first.json",
      "experiments/b-second.yaml",
      "experiments/broken.yaml",
    ]);
    expect(result.skipped.map((s) => s.file)).toEqual([
      "experiments/README.md",
      "experiments/list.yaml",
      "experiments/values.yaml",
    ]);
    expect(result.skipped[0]?.reason).toBe("not a .json, .yaml or .yml file");
  });

  it("removes duplicates between targets", async () => {
    const result = await discoverExperiments(["other", "other/*.yaml", "other/a.yaml"], { cwd: root });
    expect(result.files).toEqual(["other/a.yaml", "other/z.yaml"]);
  });

  it("returns absolute paths for files outside the working directory", async () => {
    const result = await discoverExperiments([join(root, "other")], { cwd: join(root, "experiments") });
    expect(result.files).toEqual([join(root, "other", "a.yaml"), join(root, "other", "z.yaml")]);
  });

  it("fails when nothing matches", async () => {
    await expect(discoverExperiments(["empty"], { cwd: root })).rejects.toThrow(NoExperimentsError);
    await expect(discoverExperiments(["nothing/*.yaml"], { cwd: root })).rejects.toThrow(
      /no experiment files found in nothing\/\*\.yaml/,
    );
    await expect(discoverExperiments(["missing.yaml"], { cwd: root })).rejects.toThrow(
      "no such file or directory: missing.yaml",
    );
    await expect(discoverExperiments([], { cwd: join(root, "other") })).rejects.toThrow(
      "no such file or directory: experiments/",
    );
  });

  it("says how many files were skipped when only non-experiments matched", async () => {
    await expect(
      discoverExperiments(["experiments/values.yaml", "experiments/v*.yaml"], { cwd: root }),
    ).resolves.toEqual({
      files: ["experiments/values.yaml"],
      skipped: [],
    });
    await expect(discoverExperiments(["experiments/v*.yaml"], { cwd: root })).rejects.toThrow(
      /\(1 file\(s\) skipped as not experiments\)/,
    );
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../src/cli/args.ts";
import { type CliIo, main } from "../../src/cli/main.ts";
import { renderReport } from "../../src/report/markdown.ts";
import { journal, outcomeOf } from "../report/journals.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "journals");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-report-"));
  await writeFile(
    join(dir, "ok.yaml"),
    "title: ok\ndescription: d\nsteady-state-hypothesis:\n  title: h\n  probes:\n    - {type: probe, name: says-hi, tolerance: 0, provider: {type: process, path: echo, arguments: [hi]}}\nmethod:\n  - {type: action, name: act, provider: {type: process, path: 'true'}}\n",
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  };
  return { value, out, err };
}

describe("chaos-action report", () => {
  it("prints the report of saved journals on stdout, as the run rendered it", async () => {
    const { value, out, err } = io();
    const files = ["terminate-pod-held.json", "single-replica-deviated.json"].map((name) =>
      join(fixtures, name),
    );
    expect(await main(["report", ...files], value)).toBe(0);
    expect(err).toEqual([]);
    const expected = renderReport({
      verdict: "deviated",
      outcomes: [outcomeOf("terminate-pod-held"), outcomeOf("single-replica-deviated")],
    });
    expect(`${out.join("\n")}\n`).toBe(expected);
    expect(out.join("\n")).toContain("```mermaid\ngantt");
  });

  it("reports the journal of a run made by the CLI", async () => {
    const run = io();
    expect(await main(["run", "ok.yaml", "--journal-path", "ok.json"], run.value)).toBe(0);
    const { value, out } = io();
    expect(await main(["report", "ok.json"], value)).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/^## ✅ Chaos gate: the system held\n\n1 experiment: 1 held/);
    expect(text).toContain("| fault injected | first miss | held again |");
    expect(text).toContain("by `act`");
  });

  it("reads Chaos Toolkit's own journals, without our keys", async () => {
    const theirs = journal("single-replica-deviated") as unknown as Record<string, unknown>;
    delete theirs.chaos_action;
    delete theirs.undo;
    await writeFile(join(dir, "chaostoolkit.json"), JSON.stringify(theirs));
    const { value, out } = io();
    expect(await main(["report", "chaostoolkit.json"], value)).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("## ❌ Chaos gate: the system deviated from its steady state");
    expect(text).toContain("deviated: web-pods-running");
    expect(text).toContain("`chaostoolkit.json`");
  });

  it("exits 2 naming each file that is missing, not JSON or not a journal", async () => {
    await writeFile(join(dir, "broken.json"), "{ not json");
    await writeFile(join(dir, "other.json"), JSON.stringify({ title: "an experiment, not a journal" }));
    await writeFile(
      join(dir, "bad-verdict.json"),
      JSON.stringify({ ...journal("terminate-pod-held"), chaos_action: { verdict: "great" } }),
    );
    const { value, out, err } = io();
    const code = await main(
      ["report", "missing.json", "broken.json", "other.json", "bad-verdict.json"],
      value,
    );
    expect(code).toBe(2);
    expect(out).toEqual([]);
    const text = err.join("\n");
    expect(text).toMatch(/^error: missing\.json: cannot be read \(.*ENOENT/m);
    expect(text).toMatch(/^error: broken\.json: not a journal: not valid JSON/m);
    expect(text).toMatch(
      /^error: other\.json: not a journal: missing or wrong `experiment` \(an object\), `status`/m,
    );
    expect(text).toMatch(/^error: bad-verdict\.json: not a journal: missing or wrong `chaos_action`/m);
  });

  it("needs at least one journal", () => {
    expect(parseCommandLine(["report", "a.json", "b.json"])).toEqual({
      command: "report",
      journals: ["a.json", "b.json"],
    });
    expect(() => parseCommandLine(["report"])).toThrow(UsageError);
    expect(parseCommandLine(["report", "--help"])).toEqual({ command: "help", topic: "report" });
  });
});

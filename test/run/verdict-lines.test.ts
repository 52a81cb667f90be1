import { describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import type { RunResult } from "../../src/run/outcome.ts";
import { errorRunLine, verdictLines } from "../../src/run/verdict-lines.ts";

const journal = {
  start: "2026-12-07T01:00:00.000Z",
  end: "2026-12-07T01:00:09.500Z",
  duration: 9.5,
  chaos_action: { cluster: { source: "in-cluster", server: "https://10.96.0.1:443", version: "v1.32.0" } },
} as unknown as Journal;

describe("verdicts as JSON lines", () => {
  it("gives one line per experiment, then the run's with counts, cluster and what was left changed", () => {
    const result: RunResult = {
      verdict: "deviated",
      outcomes: [
        {
          file: "a.yaml",
          title: "A",
          verdict: "passed",
          reason: "held",
          issues: [],
          journal,
          journalPath: "j/a.json",
        },
        { file: "b.yaml", verdict: "deviated", reason: "deviated: probe p", issues: [], journal },
        { file: "c.yaml", verdict: "skipped", reason: "skipped: b.yaml did not recover", issues: [] },
      ],
      undo: { file: "/tmp/u.json", pending: ["scale deployment default/web back to 3"] },
    };
    const lines = verdictLines(result, { exitCode: 1, version: "1.2.3" }).map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        type: "experiment",
        file: "a.yaml",
        title: "A",
        verdict: "passed",
        reason: "held",
        start: journal.start,
        end: journal.end,
        duration: 9.5,
        journal: "j/a.json",
      },
      {
        type: "experiment",
        file: "b.yaml",
        verdict: "deviated",
        reason: "deviated: probe p",
        start: journal.start,
        end: journal.end,
        duration: 9.5,
      },
      { type: "experiment", file: "c.yaml", verdict: "skipped", reason: "skipped: b.yaml did not recover" },
      {
        type: "run",
        verdict: "deviated",
        exitCode: 1,
        counts: { passed: 1, deviated: 1, skipped: 1 },
        cluster: { server: "https://10.96.0.1:443", version: "v1.32.0" },
        leftChanged: ["scale deployment default/web back to 3"],
        version: "1.2.3",
      },
    ]);
  });

  it("gives the run's line alone when it stopped before any verdict", () => {
    expect(JSON.parse(errorRunLine("cluster unreachable", { exitCode: 1, version: "1.2.3" }))).toEqual({
      type: "run",
      verdict: "failed",
      exitCode: 1,
      counts: {},
      error: "cluster unreachable",
      version: "1.2.3",
    });
  });
});

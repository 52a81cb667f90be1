// Hand-made journals and outcomes from test/fixtures/journals/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Journal } from "../../src/engine/journal.ts";
import type { ReportOutcome } from "../../src/report/markdown.ts";

const directory = join(import.meta.dirname, "..", "fixtures", "journals");

export function journal(name: string): Journal {
  return JSON.parse(readFileSync(join(directory, `${name}.json`), "utf8")) as Journal;
}

export function outcomeOf(name: string): ReportOutcome {
  const loaded = journal(name);
  return {
    file: loaded.chaos_action.file,
    title: loaded.experiment.title,
    verdict: loaded.chaos_action.verdict,
    reason: loaded.chaos_action.reason,
    journal: loaded,
    issues: [],
  };
}

export const invalidOutcome: ReportOutcome = {
  file: "experiments/broken.yaml",
  verdict: "invalid",
  reason: "invalid: method[0].provider.url is required",
  issues: [
    {
      severity: "error",
      file: "experiments/broken.yaml",
      line: 12,
      column: 7,
      path: "method[0].provider.url",
      message: "is required for an http provider",
    },
  ],
};

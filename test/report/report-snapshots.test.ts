// The report of each verdict, as a reviewer reads it: figures, timeline and tables. The snapshots are
// Markdown files beside this test, to be read (and previewed) as they would appear on GitHub.
import { describe, expect, it } from "vitest";
import { type ReportOutcome, renderReport } from "../../src/report/markdown.ts";
import { invalidOutcome, outcomeOf } from "./journals.ts";

const context = {
  repositoryUrl: "https://github.com/acme/shop",
  runUrl: "https://github.com/acme/shop/actions/runs/42",
};

const dryRun: ReportOutcome = {
  file: "experiments/checkout/kill-pod.yaml",
  title: "Killing one checkout pod keeps checkout serving",
  verdict: "skipped",
  reason: "skipped: dry run",
  issues: [],
};

const cases: [string, ReportOutcome["verdict"], ReportOutcome[]][] = [
  ["passed", "passed", [outcomeOf("terminate-pod-held")]],
  ["deviated", "deviated", [outcomeOf("single-replica-deviated")]],
  ["deviated-during-then-recovered", "deviated", [outcomeOf("continuous-miss-recovered")]],
  ["deviated-never-recovered", "deviated", [outcomeOf("never-recovers")]],
  ["failed-before-method", "failed", [outcomeOf("unhealthy-before-failed")]],
  ["failed-interrupted", "failed", [outcomeOf("interrupted-with-undo")]],
  ["invalid", "invalid", [invalidOutcome]],
  ["skipped-dry-run", "skipped", [dryRun]],
];

describe("report snapshots", () => {
  for (const [name, verdict, outcomes] of cases) {
    it(`renders a ${name} run`, async () => {
      await expect(renderReport({ verdict, outcomes }, context)).toMatchFileSnapshot(
        `./__snapshots__/${name}.md`,
      );
    });
  }
});

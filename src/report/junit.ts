// JUnit XML for test reporters and dashboards: one test case per experiment. A deviation is a
// <failure> naming the probe that missed; a run that proved nothing or a file that did not validate
// is an <error>; a dry run is <skipped>.
import type { ActivityRun, Journal } from "../engine/journal.ts";
import { redact } from "../experiment/redact.ts";
import { formatTolerance, type ReportInput, type ReportOutcome } from "./markdown.ts";

function xml(value: string): string {
  return (
    value
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      // Characters XML 1.0 cannot carry at all.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

function missedProbes(journal: Journal): ActivityRun[] {
  const states = [journal.steady_states.before, ...journal.steady_states.during, journal.steady_states.after];
  return states.flatMap((state) => state?.probes.filter((probe) => probe.tolerance_met === false) ?? []);
}

function missDetail(probe: ActivityRun): string {
  return `probe ${probe.activity.name}: got ${JSON.stringify(probe.output) ?? "nothing"}, expected ${formatTolerance(probe.activity.tolerance)}`;
}

function caseBody(outcome: ReportOutcome): string {
  const journal = outcome.journal;
  switch (outcome.verdict) {
    case "passed":
      return "";
    case "skipped":
      return `<skipped message="${xml(outcome.reason)}"/>`;
    case "deviated": {
      const details = journal ? missedProbes(journal).map(missDetail).join("\n") : "";
      return `<failure message="${xml(outcome.reason)}" type="deviated">${xml(details)}</failure>`;
    }
    case "failed":
    case "invalid": {
      const details = outcome.issues.map(
        (issue) =>
          `${issue.file}${issue.line !== undefined ? `:${issue.line}:${issue.column ?? 1}` : ""} ${issue.path}: ${issue.message}`,
      );
      const failedActivities = journal
        ? [...journal.run, ...journal.rollbacks]
            .filter((run) => run.status === "failed")
            .map((run) => `${run.activity.name}: ${run.exception?.at(-1)?.trim() ?? "failed"}`)
        : [];
      const body = [...details, ...failedActivities].join("\n");
      return `<error message="${xml(outcome.reason)}" type="${outcome.verdict}">${xml(body)}</error>`;
    }
  }
}

/** The whole JUnit document; `secrets` are masked as in the markdown report. */
export function renderJUnit(
  result: ReportInput,
  options: { suiteName?: string; secrets?: readonly string[] } = {},
): string {
  const outcomes = result.outcomes;
  const count = (verdicts: string[]) =>
    outcomes.filter((outcome) => verdicts.includes(outcome.verdict)).length;
  const time = outcomes.reduce((sum, outcome) => sum + (outcome.journal?.duration ?? 0), 0);
  const suite = options.suiteName ?? "chaos-action";
  const cases = outcomes.map((outcome) => {
    const name = outcome.title ?? outcome.journal?.experiment.title ?? outcome.file;
    const attributes = `name="${xml(name)}" classname="${xml(outcome.file)}" file="${xml(outcome.file)}" time="${(outcome.journal?.duration ?? 0).toFixed(3)}"`;
    const body = caseBody(outcome);
    return body === ""
      ? `    <testcase ${attributes}/>`
      : `    <testcase ${attributes}>\n      ${body}\n    </testcase>`;
  });
  const totals = `tests="${outcomes.length}" failures="${count(["deviated"])}" errors="${count(["failed", "invalid"])}" skipped="${count(["skipped"])}" time="${time.toFixed(3)}"`;
  const document = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" ${totals}>`,
    `  <testsuite name="${xml(suite)}" ${totals}>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
  return redact(document, options.secrets ?? []);
}

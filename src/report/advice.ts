// The advice of one experiment (journal → chaos_action.advice): a collapsible section of the report,
// one row per finding with the object it read and what to change, and the same findings as plain
// lines for the CLI and the action's log. Pure.
import type { Advice, AdviceCheck, Journal, TouchedObject } from "../engine/journal.ts";
import { cell, clip, code, escapeMarkdown } from "./escape.ts";

/** Each check in a few words, as a reader scans the list. */
export const CHECK_TITLE: Record<AdviceCheck, string> = {
  "single-replica": "single replica",
  "no-disruption-budget": "no PodDisruptionBudget",
  "no-readiness-probe": "no readiness probe",
  "replicas-on-one-node": "all replicas on one node",
  "no-spread": "no anti-affinity or topology spread",
  "slow-recovery": "recovery slower than the hypothesis tolerated",
  "requests-lost": "requests lost during the fault",
};

export const objectName = (object: TouchedObject): string =>
  `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;

const MAX_TEXT = 400;

/** The report's section, or nothing when the journal has no advice. */
export function adviceSection(journal: Journal): string[] {
  const advice = journal.chaos_action.advice;
  if (!advice) return [];
  if (!advice.available) {
    return [
      `**Advice** not available: ${escapeMarkdown(clip(advice.reason ?? "unknown reason", MAX_TEXT))}`,
      "",
    ];
  }
  const read = `${advice.read.length} object${advice.read.length === 1 ? "" : "s"} read`;
  if (advice.findings.length === 0) {
    return [`**Advice**: no findings (${read}${readList(advice)}).`, ""];
  }
  const count = `${advice.findings.length} finding${advice.findings.length === 1 ? "" : "s"}`;
  const lines = [
    "<details>",
    `<summary>💡 Advice: ${count} (${read})</summary>`,
    "",
    "| finding | object | seen | change |",
    "|---|---|---|---|",
  ];
  for (const finding of advice.findings) {
    lines.push(
      `| ${CHECK_TITLE[finding.check]} | ${cell(code(objectName(finding.object)))} | ${cell(escapeMarkdown(clip(finding.seen, MAX_TEXT)))} | ${cell(escapeMarkdown(clip(finding.change, MAX_TEXT)))} |`,
    );
  }
  return [...lines, "", "</details>", ""];
}

function readList(advice: Advice): string {
  if (advice.read.length === 0) return "";
  return `: ${advice.read
    .slice(0, 10)
    .map((object) => code(objectName(object)))
    .join(", ")}${advice.read.length > 10 ? ", …" : ""}`;
}

/** The findings as log lines: "advice: <check>: <object>: seen → change". */
export function adviceLines(advice: Advice | undefined): string[] {
  if (!advice) return [];
  if (!advice.available) return [`advice not available: ${advice.reason ?? "unknown reason"}`];
  if (advice.findings.length === 0) return [`advice: no findings on the ${advice.read.length} objects read`];
  return advice.findings.map(
    (finding) =>
      `advice: ${CHECK_TITLE[finding.check]} (${objectName(finding.object)}): ${finding.seen} Change: ${finding.change}`,
  );
}

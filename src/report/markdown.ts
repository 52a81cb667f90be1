// The one renderer: run outcomes and their journals → one markdown report, used for the job summary,
// the PR comment, the CLI and the `report` output alike. Pure: no clock, no environment, no I/O.

import type { ActivityRun, Journal, SteadyState, UndoRun } from "../engine/journal.ts";
import type { Verdict } from "../engine/verdict.ts";
import type { ActivityDefinition, Tolerance } from "../experiment/format.ts";
import { redact } from "../experiment/redact.ts";
import { describeTarget, targetsOf } from "./targets.ts";

export interface ReportIssue {
  severity: "error" | "warning";
  file: string;
  line?: number;
  column?: number;
  path: string;
  message: string;
}

/** Structurally the engine's ExperimentOutcome: the report needs no more than this. */
export interface ReportOutcome {
  file: string;
  title?: string;
  verdict: Verdict;
  reason: string;
  journal?: Journal;
  journalPath?: string;
  issues: readonly ReportIssue[];
}

export interface ReportInput {
  verdict: Verdict;
  outcomes: readonly ReportOutcome[];
}

export interface ReportContext {
  /** The commit the run gated, when the journals do not say. */
  commit?: string;
  /** `https://github.com/owner/repo`: makes the commit a link. */
  repositoryUrl?: string;
  /** Where the full report lives (the job summary of the run). */
  runUrl?: string;
  /** Print the API server address. Off for public repositories: the context name is enough. */
  showServer?: boolean;
  /** Values that must never appear; replaced by `***`. */
  secrets?: readonly string[];
  /** A line under the header, e.g. the comment key of a matrix leg. */
  subtitle?: string;
}

export const COMMENT_LIMIT = 65_536;

const ICON: Record<Verdict, string> = {
  passed: "✅",
  deviated: "❌",
  failed: "🔥",
  invalid: "⛔",
  skipped: "⏭️",
};

const HEADLINE: Record<Verdict, string> = {
  passed: "the system held",
  deviated: "the system deviated from its steady state",
  failed: "the run failed and proved nothing",
  invalid: "invalid experiments, nothing ran",
  skipped: "dry run, nothing was touched",
};

const WORD: Record<Verdict, string> = {
  passed: "held",
  deviated: "deviated",
  failed: "failed",
  invalid: "invalid",
  skipped: "skipped",
};

const ORDER: Verdict[] = ["invalid", "failed", "deviated", "passed", "skipped"];

// --- formatting ---------------------------------------------------------------------------------------

function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Text for a table cell: one line, pipes escaped. */
function cell(value: string): string {
  return value.replace(/\r?\n/g, " ").replaceAll("|", "\\|");
}

/** Inline code that survives backticks in the value. */
function code(value: string): string {
  const fence = value.includes("`") ? "``" : "`";
  const padded = value.startsWith("`") || value.endsWith("`") ? ` ${value} ` : value;
  return `${fence}${padded}${fence}`;
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function compact(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

export function formatTolerance(tolerance: Tolerance | undefined): string {
  if (tolerance === undefined) return "–";
  if (typeof tolerance !== "object" || tolerance === null) return compact(tolerance);
  if (Array.isArray(tolerance)) {
    if (tolerance.length === 2 && tolerance.every((bound) => typeof bound === "number")) {
      return `between ${tolerance[0]} and ${tolerance[1]}`;
    }
    return `one of ${compact(tolerance)}`;
  }
  const target = "target" in tolerance && tolerance.target ? ` on ${tolerance.target}` : "";
  switch (tolerance.type) {
    case "regex":
      return `matches /${tolerance.pattern}/${target}`;
    case "range":
      return `in range [${tolerance.range[0]}, ${tolerance.range[1]}]${target}`;
    case "jsonpath": {
      const expect = tolerance.expect !== undefined ? ` = ${compact(tolerance.expect)}` : "";
      const count = tolerance.count !== undefined ? ` (${tolerance.count} matches)` : "";
      return `${tolerance.path}${expect}${count}${target}`;
    }
    case "probe":
      return `probe ${tolerance.name}`;
  }
}

/** `http GET https://…`, `chaosk8s.pod.actions.terminate_pods`, `process sleep`. */
export function describeProvider(activity: ActivityDefinition): string {
  const provider = activity.provider;
  switch (provider.type) {
    case "python":
      return `${provider.module}.${provider.func}`;
    case "http":
      return `http ${(provider.method ?? "GET").toUpperCase()} ${provider.url}`;
    case "process":
      return `process ${provider.path}`;
  }
}

function lastLine(lines: readonly string[] | undefined): string | undefined {
  if (!lines || lines.length === 0) return undefined;
  const trimmed = lines.map((line) => line.trim()).filter((line) => line !== "");
  return trimmed[trimmed.length - 1];
}

function activityResult(run: ActivityRun): string {
  if (run.status === undefined) return "⏹️ interrupted";
  if (run.status === "failed") return `⚠️ failed: ${clip(lastLine(run.exception) ?? "no error message", 200)}`;
  return "✅ succeeded";
}

function probeValue(run: ActivityRun): string {
  if (run.status === "failed") return `error: ${clip(lastLine(run.exception) ?? "no error message", 120)}`;
  if (run.status === undefined) return "interrupted";
  const output = run.output;
  // HTTP probes: the status code is what a tolerance usually checks.
  if (typeof output === "object" && output !== null && "status" in output && "body" in output) {
    const http = output as { status: unknown; body: unknown };
    return `status ${compact(http.status)}, body ${clip(compact(http.body), 60)}`;
  }
  return clip(compact(output), 100);
}

function probeResult(run: ActivityRun): string {
  if (run.status === "failed") return "⚠️ error";
  if (run.status === undefined) return "⏹️ interrupted";
  if (run.tolerance_met === true) return "✅ met";
  if (run.tolerance_met === false) return "❌ missed";
  return "–";
}

// --- sections -----------------------------------------------------------------------------------------

function hypothesisRows(phase: string, state: SteadyState): string[] {
  return state.probes.map(
    (probe) =>
      `| ${phase} | ${cell(probe.activity.name)} | ${cell(code(probeValue(probe)))} | ${cell(code(formatTolerance(probe.activity.tolerance)))} | ${probeResult(probe)} |`,
  );
}

/** The `during` checks are many: one row per probe with how often it missed, and the first miss. */
function duringRows(states: readonly SteadyState[]): string[] {
  const byProbe = new Map<string, ActivityRun[]>();
  for (const state of states) {
    for (const probe of state.probes) {
      const runs = byProbe.get(probe.activity.name) ?? [];
      runs.push(probe);
      byProbe.set(probe.activity.name, runs);
    }
  }
  return [...byProbe.entries()].map(([name, runs]) => {
    const missed = runs.filter((run) => run.tolerance_met === false || run.status !== "succeeded");
    const shown = missed[0] ?? runs[runs.length - 1]!;
    const result =
      missed.length === 0 ? `✅ met ${runs.length}×` : `❌ missed ${missed.length} of ${runs.length}`;
    return `| during | ${cell(name)} | ${cell(code(probeValue(shown)))} | ${cell(code(formatTolerance(shown.activity.tolerance)))} | ${result} |`;
  });
}

function hypothesisSection(journal: Journal): string[] {
  const { before, during, after } = journal.steady_states;
  if (!before && !after && during.length === 0) return [];
  const title = journal.experiment["steady-state-hypothesis"]?.title;
  const lines = [
    `**Steady-state hypothesis**${title ? `: ${escapeHtml(title)}` : ""}`,
    "",
    "| when | probe | value | tolerance | result |",
    "|---|---|---|---|---|",
  ];
  if (before) lines.push(...hypothesisRows("before", before));
  if (during.length > 0) lines.push(...duringRows(during));
  if (after) lines.push(...hypothesisRows("after", after));
  if (!after && journal.chaos_action.fault_injected === false && before?.steady_state_met === false) {
    lines.push("", "The hypothesis was not met before the method: no fault was injected.");
  }
  return [...lines, ""];
}

function activityTable(title: string, runs: readonly ActivityRun[]): string[] {
  if (runs.length === 0) return [];
  const lines = [
    `**${title}**`,
    "",
    "| # | activity | targets and effect | result | duration |",
    "|---|---|---|---|---|",
  ];
  runs.forEach((run, index) => {
    const targets = targetsOf(run).map(describeTarget);
    const effect =
      targets.length > 0
        ? targets.map((target) => escapeHtml(target)).join("<br>")
        : run.activity.type === "probe"
          ? `returned ${code(clip(compact(run.output), 80))}`
          : "–";
    const activity = `${run.activity.type} **${escapeHtml(run.activity.name)}**<br>${code(describeProvider(run.activity))}`;
    lines.push(
      `| ${index + 1} | ${cell(activity)} | ${cell(effect)} | ${cell(activityResult(run))} | ${formatDuration(run.duration)} |`,
    );
  });
  return [...lines, ""];
}

function undoSection(undo: readonly UndoRun[]): string[] {
  if (undo.length === 0) return [];
  const icon = { succeeded: "✅", failed: "⚠️", skipped: "⏭️", pending: "❌" } as const;
  const lines = [
    "**Undo of chaos-action's own changes**",
    "",
    "| step | result | duration |",
    "|---|---|---|",
  ];
  for (const step of undo) {
    // A pending step is a change still in the cluster: say so, not just the status.
    const status = step.status === "pending" ? "pending, left changed" : step.status;
    const result = `${icon[step.status]} ${status}${step.error ? `: ${clip(step.error, 200)}` : ""}`;
    lines.push(
      `| ${cell(escapeHtml(step.description))} | ${cell(result)} | ${formatDuration(step.duration)} |`,
    );
  }
  return [...lines, ""];
}

function clusterLine(journal: Journal | undefined, context: ReportContext): string | undefined {
  const cluster = journal?.chaos_action.cluster;
  if (!cluster) return undefined;
  const name = cluster.context ?? (context.showServer ? cluster.server : undefined) ?? cluster.source;
  const details = [cluster.version ? `Kubernetes ${cluster.version}` : undefined];
  if (context.showServer && cluster.server && cluster.context) details.push(cluster.server);
  const extra = details.filter((detail) => detail !== undefined).join(", ");
  return `cluster ${code(name)}${extra ? ` (${extra})` : ""}`;
}

function commitText(sha: string | undefined, context: ReportContext): string | undefined {
  if (!sha) return undefined;
  const short = code(sha.slice(0, 7));
  return context.repositoryUrl
    ? `commit [${short}](${context.repositoryUrl}/commit/${sha})`
    : `commit ${short}`;
}

function issueLine(issue: ReportIssue): string {
  const where = [issue.file, issue.line, issue.line !== undefined ? issue.column : undefined]
    .filter((part) => part !== undefined)
    .join(":");
  const path = issue.path ? ` at ${code(issue.path)}` : "";
  const icon = issue.severity === "error" ? "⛔" : "⚠️";
  return `- ${icon} ${code(where)}${path}: ${escapeHtml(issue.message)}`;
}

function outcomeTitle(outcome: ReportOutcome): string {
  return escapeHtml(outcome.title ?? outcome.journal?.experiment.title ?? outcome.file);
}

function outcomeBody(outcome: ReportOutcome, context: ReportContext): string[] {
  const journal = outcome.journal;
  const meta = [
    code(outcome.file),
    journal ? formatDuration(journal.duration) : undefined,
    journal ? `status ${code(journal.status)}` : undefined,
    clusterLine(journal, context),
    commitText(journal?.chaos_action.commit, context),
  ].filter((part) => part !== undefined);
  const lines = [meta.join(" · "), ""];
  if (outcome.issues.length > 0) {
    lines.push(...outcome.issues.map(issueLine), "");
  }
  if (journal) {
    if (journal.chaos_action.fault_injected === false && outcome.verdict === "failed") {
      lines.push("No fault was injected.", "");
    }
    lines.push(...hypothesisSection(journal));
    lines.push(...activityTable("Method", journal.run));
    lines.push(...activityTable("Rollbacks", journal.rollbacks));
    lines.push(...undoSection(journal.undo));
  }
  return lines;
}

function outcomeSection(outcome: ReportOutcome, context: ReportContext): string[] {
  const heading = `${ICON[outcome.verdict]} ${outcomeTitle(outcome)}: ${escapeHtml(outcome.reason)}`;
  const body = outcomeBody(outcome, context);
  // Failures stay open; what passed folds away.
  if (outcome.verdict === "passed" || outcome.verdict === "skipped") {
    return ["<details>", `<summary>${heading}</summary>`, "", ...body, "</details>", ""];
  }
  return [`### ${heading}`, "", ...body];
}

function counts(outcomes: readonly ReportOutcome[]): string {
  const parts = ORDER.flatMap((verdict) => {
    const count = outcomes.filter((outcome) => outcome.verdict === verdict).length;
    return count > 0 ? [`${count} ${WORD[verdict]}`] : [];
  });
  const total = `${outcomes.length} experiment${outcomes.length === 1 ? "" : "s"}`;
  return parts.length > 0 ? `${total}: ${parts.join(", ")}` : "no experiment matched";
}

export function sortFailuresFirst(outcomes: readonly ReportOutcome[]): ReportOutcome[] {
  return outcomes
    .map((outcome, index) => ({ outcome, index }))
    .sort((a, b) => ORDER.indexOf(a.outcome.verdict) - ORDER.indexOf(b.outcome.verdict) || a.index - b.index)
    .map(({ outcome }) => outcome);
}

/** Error messages may quote the API server (`connect ECONNREFUSED 10.0.0.1:6443`); public reports do not. */
function hideServers(text: string, journals: readonly Journal[]): string {
  const hosts = new Set<string>();
  for (const journal of journals) {
    const server = journal.chaos_action.cluster?.server;
    if (!server) continue;
    try {
      const url = new URL(server);
      hosts.add(url.origin);
      hosts.add(url.host);
    } catch {
      hosts.add(server);
    }
  }
  return [...hosts]
    .sort((a, b) => b.length - a.length)
    .reduce((hidden, host) => hidden.split(host).join("(the API server)"), text);
}

/** The whole report. */
export function renderReport(input: ReportInput, context: ReportContext = {}): string {
  const sorted = sortFailuresFirst(input.outcomes);
  const journals = sorted.flatMap((outcome) => (outcome.journal ? [outcome.journal] : []));
  const total = journals.reduce((sum, journal) => sum + journal.duration, 0);
  const commit =
    journals.find((journal) => journal.chaos_action.commit)?.chaos_action.commit ?? context.commit;
  const meta = [
    counts(sorted),
    commitText(commit, context),
    clusterLine(journals[0], context),
    journals.length > 0 ? formatDuration(total) : undefined,
  ].filter((part) => part !== undefined);

  const lines = [`## ${ICON[input.verdict]} Chaos gate: ${HEADLINE[input.verdict]}`, ""];
  if (context.subtitle) lines.push(`<sub>${escapeHtml(context.subtitle)}</sub>`, "");
  lines.push(meta.join(" · "), "");

  if (sorted.length > 1) {
    lines.push("| | experiment | result | duration |", "|---|---|---|---|");
    for (const outcome of sorted) {
      const duration = outcome.journal ? formatDuration(outcome.journal.duration) : "–";
      lines.push(
        `| ${ICON[outcome.verdict]} | ${cell(outcomeTitle(outcome))}<br>${cell(code(outcome.file))} | ${cell(escapeHtml(outcome.reason))} | ${duration} |`,
      );
    }
    lines.push("");
  }
  for (const outcome of sorted) lines.push(...outcomeSection(outcome, context));
  const text = redact(`${lines.join("\n").trimEnd()}\n`, context.secrets ?? []);
  return context.showServer ? text : hideServers(text, journals);
}

/**
 * The report of a run that broke before any experiment reached a verdict (cluster set-up, manifests,
 * connection). `reason` is left out where the report is public: it may quote the API server's address,
 * so the text points at the job summary instead.
 */
export function renderRunFailure(reason: string | undefined, context: ReportContext = {}): string {
  const lines = [`## ${ICON.failed} Chaos gate: ${HEADLINE.failed}`, ""];
  if (context.subtitle) lines.push(`<sub>${escapeHtml(context.subtitle)}</sub>`, "");
  lines.push("The run stopped before any experiment reached a verdict.", "");
  if (reason !== undefined) {
    const fence = "`".repeat(Math.max(3, ...(reason.match(/`+/g) ?? []).map((run) => run.length + 1)));
    lines.push(`${fence}text`, reason, fence);
  } else {
    lines.push(
      context.runUrl
        ? `The reason is in the [job summary](${context.runUrl}).`
        : "The reason is in the job summary.",
    );
  }
  return redact(`${lines.join("\n")}\n`, context.secrets ?? []);
}

/**
 * Caps a report at `limit` characters (GitHub refuses longer comments), cutting at a line, closing
 * any `<details>` left open, and pointing at the full report.
 */
export function capReport(markdown: string, limit: number = COMMENT_LIMIT, fullReportUrl?: string): string {
  if (markdown.length <= limit) return markdown;
  const pointer = fullReportUrl
    ? `\n\n> ✂️ The report was cut to fit a comment: the full report is in the [job summary](${fullReportUrl}).\n`
    : "\n\n> ✂️ The report was cut to fit a comment: the full report is in the job summary.\n";
  const closing = "\n</details>";
  let kept = markdown.slice(0, Math.max(0, limit - pointer.length));
  for (;;) {
    const cut = kept.lastIndexOf("\n");
    kept = cut > 0 ? kept.slice(0, cut) : "";
    const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
    const closed = kept + closing.repeat(Math.max(0, open));
    if (closed.length + pointer.length <= limit || kept === "") return closed + pointer;
  }
}

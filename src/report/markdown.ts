// The one renderer: run outcomes and their journals → one markdown report, used for the job summary,
// the PR comment, the CLI and the `report` output alike. Pure: no clock, no environment, no I/O.

import type { ActivityRun, Journal, SteadyState, UndoRun } from "../engine/journal.ts";
import type { Verdict } from "../engine/verdict.ts";
import type { ActivityDefinition, Tolerance } from "../experiment/format.ts";
import { redact } from "../experiment/redact.ts";
import { adviceSection } from "./advice.ts";
import { type Detail, fitReport, type SizeLimit } from "./budget.ts";
import { cell, clip, code, escapeHtml, escapeMarkdown, fence } from "./escape.ts";
import { protectedEvictionLines } from "./evictions.ts";
import { ganttOf } from "./gantt.ts";
import { describeTarget, targetsOf } from "./targets.ts";
import { type Timeline, timelineOf } from "./timeline.ts";
import { trafficCharts } from "./traffic-chart.ts";

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
  /** The workflow run: linked from the header, and where the full report lives (its job summary). */
  runUrl?: string;
  /** Where the journals can be downloaded (an artifact), linked from the header. */
  journalUrl?: string;
  /** The most the report may take: detail is dropped per experiment, then the text cut between blocks. */
  limit?: SizeLimit;
  /** Print the API server address. Off for public repositories: the context name is enough. */
  showServer?: boolean;
  /** Values that must never appear; replaced by `***`. */
  secrets?: readonly string[];
  /** A line under the header, e.g. the comment key of a matrix leg. */
  subtitle?: string;
}

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
  if (run.status === "failed") {
    return `⚠️ failed: ${escapeMarkdown(clip(lastLine(run.exception) ?? "no error message", 200))}`;
  }
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
      `| ${phase} | ${cell(escapeMarkdown(probe.activity.name))} | ${cell(code(probeValue(probe)))} | ${cell(code(formatTolerance(probe.activity.tolerance)))} | ${probeResult(probe)} |`,
  );
}

/** The `during` and recovery checks are many: one row per probe with how often it missed, and the first miss. */
function repeatedRows(phase: string, states: readonly SteadyState[]): string[] {
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
    return `| ${phase} | ${cell(escapeMarkdown(name))} | ${cell(code(probeValue(shown)))} | ${cell(code(formatTolerance(shown.activity.tolerance)))} | ${result} |`;
  });
}

function hypothesisSection(journal: Journal): string[] {
  const { before, during, after } = journal.steady_states;
  const recovery = journal.chaos_action.recovery?.checks ?? [];
  if (!before && !after && during.length === 0 && recovery.length === 0) return [];
  const title = journal.experiment["steady-state-hypothesis"]?.title;
  const lines = [
    `**Steady-state hypothesis**${title ? `: ${escapeMarkdown(title)}` : ""}`,
    "",
    "| when | probe | value | tolerance | result |",
    "|---|---|---|---|---|",
  ];
  if (before) lines.push(...hypothesisRows("before", before));
  if (during.length > 0) lines.push(...repeatedRows("during", during));
  if (after) lines.push(...hypothesisRows("after", after));
  if (recovery.length > 0) lines.push(...repeatedRows("recovery", recovery));
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
        ? targets.map((target) => escapeMarkdown(target)).join("<br>")
        : run.activity.type === "probe"
          ? `returned ${code(clip(compact(run.output), 80))}`
          : "–";
    const activity = `${run.activity.type} **${escapeMarkdown(run.activity.name)}**<br>${code(describeProvider(run.activity))}`;
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
    const error = step.error ? `: ${escapeMarkdown(clip(step.error, 200))}` : "";
    lines.push(
      `| ${cell(escapeMarkdown(step.description))} | ${cell(`${icon[step.status]} ${status}${error}`)} | ${formatDuration(step.duration)} |`,
    );
  }
  return [...lines, ""];
}

/** `07:00:00 UTC`: the wall clock a reviewer matches with dashboards. */
function utcClock(journal: Journal, offset: number): string {
  const origin = Date.parse(journal.start);
  if (!Number.isFinite(origin)) return "";
  return ` (${new Date(origin + offset).toISOString().slice(11, 19)} UTC)`;
}

/** Recovery in words, for the third figure. */
function heldAgainFigure(timeline: Timeline, journal: Journal): string {
  const { injected, firstMiss, heldAgain, recovery } = timeline.times;
  const since = (at: number) =>
    injected ? `${formatDuration((at - injected.at) / 1000)} after injection` : "";
  if (recovery && !recovery.checked) {
    return `recovery not checked${recovery.reason ? `: ${escapeMarkdown(recovery.reason)}` : ""}`;
  }
  if (recovery?.recovered === false) {
    const within = recovery.timeout !== undefined ? ` within ${formatDuration(recovery.timeout)}` : "";
    const checks = `${recovery.checks.length} check${recovery.checks.length === 1 ? "" : "s"}`;
    return `❌ did not recover${within} (${checks})`;
  }
  if (recovery?.recovered && heldAgain) {
    const after =
      recovery.seconds !== undefined ? `, ${formatDuration(recovery.seconds)} after rollbacks and undo` : "";
    const checks = `${recovery.checks.length} check${recovery.checks.length === 1 ? "" : "s"}`;
    return `✅ ${since(heldAgain.at) || formatDuration(heldAgain.at / 1000)}${after} (${checks})`;
  }
  if (heldAgain?.by === "after") return `✅ ${since(heldAgain.at)}, at the check after the method`;
  if (injected && !firstMiss && journal.steady_states.after?.steady_state_met === true)
    return "✅ held throughout";
  return injected ? "recovery not checked" : "–";
}

/** The three moments a reviewer asks about first, as figures. */
function figures(journal: Journal, timeline: Timeline): string[] {
  const { injected, firstMiss } = timeline.times;
  const fault = injected
    ? `${formatDuration(injected.at / 1000)} into the run${utcClock(journal, injected.at)}, by ${code(injected.action)}`
    : "no fault injected";
  let miss = injected ? "none: every check met" : "–";
  if (firstMiss) {
    const what = `${code(firstMiss.probe)}${firstMiss.error ? " (error)" : ""}`;
    const where = { before: "before the method", after: "at the check after the method" }[
      firstMiss.lane as string
    ];
    miss = injected
      ? `❌ ${formatDuration((firstMiss.at - injected.at) / 1000)} after injection: ${what}${where ? `, ${where}` : ""}`
      : `❌ ${where ?? formatDuration(firstMiss.at / 1000)}: ${what}`;
  }
  return [
    "| fault injected | first miss | held again |",
    "|---|---|---|",
    `| ${cell(fault)} | ${cell(miss)} | ${cell(heldAgainFigure(timeline, journal))} |`,
    "",
  ];
}

function timelineChart(timeline: Timeline): string[] {
  const gantt = ganttOf(timeline);
  if (!gantt) return [];
  const lines = [fence("mermaid", gantt.source), ""];
  if (gantt.left > 0)
    lines.push(`_${gantt.left} more checks and pauses are in the tables below, not in the chart._`, "");
  return lines;
}

function clusterLine(journal: Journal | undefined, context: ReportContext): string | undefined {
  const cluster = journal?.chaos_action.cluster;
  if (!cluster) return undefined;
  const name = cluster.context ?? (context.showServer ? cluster.server : undefined) ?? cluster.source;
  const details = [cluster.version ? `Kubernetes ${escapeMarkdown(cluster.version)}` : undefined];
  if (context.showServer && cluster.server && cluster.context) details.push(escapeMarkdown(cluster.server));
  const extra = details.filter((detail) => detail !== undefined).join(", ");
  return `cluster ${code(name)}${extra ? ` (${extra})` : ""}`;
}

function commitText(sha: string | undefined, context: ReportContext): string | undefined {
  if (!sha) return undefined;
  const short = code(sha.slice(0, 7));
  return context.repositoryUrl && /^[0-9a-f]{7,64}$/i.test(sha)
    ? `commit [${short}](${context.repositoryUrl}/commit/${sha})`
    : `commit ${short}`;
}

function issueLine(issue: ReportIssue): string {
  const where = [issue.file, issue.line, issue.line !== undefined ? issue.column : undefined]
    .filter((part) => part !== undefined)
    .join(":");
  const path = issue.path ? ` at ${code(issue.path)}` : "";
  const icon = issue.severity === "error" ? "⛔" : "⚠️";
  return `- ${icon} ${code(where)}${path}: ${escapeMarkdown(issue.message)}`;
}

function titleOf(outcome: ReportOutcome): string {
  return outcome.title ?? outcome.journal?.experiment.title ?? outcome.file;
}

/** Where the full report is, for what a shortened one leaves out. */
function fullReportLink(context: ReportContext): string {
  return context.runUrl ? `the [job summary](${context.runUrl})` : "the job summary";
}

const MAX_ISSUES_BRIEF = 10;
/** Titles longer than this are clipped in headings and the overview. */
const MAX_TITLE = 200;

function outcomeBody(outcome: ReportOutcome, context: ReportContext, detail: Detail): string[] {
  const journal = outcome.journal;
  const meta = [
    code(outcome.file),
    journal ? formatDuration(journal.duration) : undefined,
    journal ? `status ${code(journal.status)}` : undefined,
    clusterLine(journal, context),
    commitText(journal?.chaos_action.commit, context),
  ].filter((part) => part !== undefined);
  const lines = [meta.join(" · "), ""];
  const issues = detail === "full" ? outcome.issues : outcome.issues.slice(0, MAX_ISSUES_BRIEF);
  if (issues.length > 0) lines.push(...issues.map(issueLine), "");
  if (issues.length < outcome.issues.length) {
    lines.push(
      `_${outcome.issues.length - issues.length} more problems are in ${fullReportLink(context)}._`,
      "",
    );
  }
  if (!journal) return lines;
  if (journal.chaos_action.fault_injected === false && outcome.verdict === "failed") {
    lines.push("No fault was injected.", "");
  }
  const timeline = timelineOf(journal);
  lines.push(...figures(journal, timeline));
  lines.push(...protectedEvictionLines(journal));
  if (detail === "brief") {
    lines.push(`_The timeline, probes and activities are in ${fullReportLink(context)}._`, "");
    return lines;
  }
  lines.push(...timelineChart(timeline));
  lines.push(...trafficCharts(journal));
  lines.push(...hypothesisSection(journal));
  lines.push(...activityTable("Method", journal.run));
  lines.push(...activityTable("Rollbacks", journal.rollbacks));
  lines.push(...undoSection(journal.undo ?? []));
  lines.push(...adviceSection(journal));
  return lines;
}

function outcomeSection(outcome: ReportOutcome, context: ReportContext, detail: Detail): string[] {
  if (detail === "none") return [];
  const body = outcomeBody(outcome, context, detail);
  // Failures stay open; what passed folds away. Markdown is not read inside <summary>: HTML-escaped only.
  if (outcome.verdict === "passed" || outcome.verdict === "skipped") {
    const summary = `${ICON[outcome.verdict]} ${escapeHtml(clip(titleOf(outcome), MAX_TITLE))}: ${escapeHtml(outcome.reason)}`;
    return ["<details>", `<summary>${summary}</summary>`, "", ...body, "</details>", ""];
  }
  const heading = `${ICON[outcome.verdict]} ${escapeMarkdown(clip(titleOf(outcome), MAX_TITLE))}: ${escapeMarkdown(outcome.reason)}`;
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

function header(input: ReportInput, sorted: readonly ReportOutcome[], context: ReportContext): string[] {
  const journals = sorted.flatMap((outcome) => (outcome.journal ? [outcome.journal] : []));
  const total = journals.reduce((sum, journal) => sum + journal.duration, 0);
  const commit =
    journals.find((journal) => journal.chaos_action.commit)?.chaos_action.commit ?? context.commit;
  const meta = [
    counts(sorted),
    commitText(commit, context),
    clusterLine(journals[0], context),
    journals.length > 0 ? formatDuration(total) : undefined,
    context.runUrl ? `[workflow run](${context.runUrl})` : undefined,
    context.journalUrl ? `[journals](${context.journalUrl})` : undefined,
  ].filter((part) => part !== undefined);

  const lines = [`## ${ICON[input.verdict]} Chaos gate: ${HEADLINE[input.verdict]}`, ""];
  if (context.subtitle) lines.push(`<sub>${escapeHtml(context.subtitle)}</sub>`, "");
  lines.push(meta.join(" · "), "");
  if (sorted.length > 1) {
    lines.push("| | experiment | result | duration |", "|---|---|---|---|");
    for (const outcome of sorted) {
      const duration = outcome.journal ? formatDuration(outcome.journal.duration) : "–";
      const title = escapeMarkdown(clip(titleOf(outcome), MAX_TITLE));
      const reason = escapeMarkdown(clip(outcome.reason.split("\n")[0] ?? "", 300));
      lines.push(
        `| ${ICON[outcome.verdict]} | ${cell(title)}<br>${cell(code(outcome.file))} | ${cell(reason)} | ${duration} |`,
      );
    }
    lines.push("");
  }
  return lines;
}

/** What a shortened report says it left out. */
function shortenedNote(details: readonly Detail[], context: ReportContext): string[] {
  const brief = details.filter((detail) => detail === "brief").length;
  const none = details.filter((detail) => detail === "none").length;
  if (brief + none === 0) return [];
  const parts = [
    brief > 0 ? `${brief} experiment${brief === 1 ? "" : "s"} without timeline and tables` : undefined,
    none > 0 ? `${none} only in the table above` : undefined,
  ].filter((part) => part !== undefined);
  return [`> ✂️ Shortened to fit: ${parts.join(", ")}. Everything is in ${fullReportLink(context)}.`, ""];
}

/** The experiments' indices by verdict, least important first: what held before what deviated before what failed. */
function importanceGroups(sorted: readonly ReportOutcome[]): number[][] {
  return [...ORDER]
    .reverse()
    .map((verdict) => sorted.flatMap((outcome, index) => (outcome.verdict === verdict ? [index] : [])));
}

/**
 * Every string of the input with its secrets masked. Masking must come before rendering: escaping
 * (`my\_token`), clipping and chart labels change the text a secret would be found in afterwards.
 */
function redactStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, secrets)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item, secrets)]),
    ) as T;
  }
  return value;
}

/** The whole report, within `context.limit` when one is given. */
export function renderReport(input: ReportInput, context: ReportContext = {}): string {
  const secrets = context.secrets ?? [];
  const outcomes = secrets.length > 0 ? redactStrings(input.outcomes, secrets) : input.outcomes;
  const sorted = sortFailuresFirst(outcomes);
  const journals = sorted.flatMap((outcome) => (outcome.journal ? [outcome.journal] : []));
  const finish = (text: string) => {
    const redacted = redact(text, context.secrets ?? []);
    return context.showServer ? redacted : hideServers(redacted, journals);
  };
  const head = header(input, sorted, context);
  const cache = new Map<string, string[]>();
  const section = (index: number, detail: Detail) => {
    const key = `${index}:${detail}`;
    if (!cache.has(key)) cache.set(key, outcomeSection(sorted[index]!, context, detail));
    return cache.get(key)!;
  };
  const render = (details: readonly Detail[]) => {
    const lines = [...head, ...shortenedNote(details, context)];
    details.forEach((detail, index) => {
      lines.push(...section(index, detail));
    });
    return finish(`${lines.join("\n").trimEnd()}\n`);
  };
  if (!context.limit) return render(sorted.map(() => "full"));
  return fitReport(importanceGroups(sorted), render, context.limit, {
    canDrop: sorted.length > 1,
    fullReportUrl: context.runUrl,
  });
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
    lines.push(fence("text", reason));
  } else {
    lines.push(`The reason is in ${fullReportLink(context)}.`);
  }
  return redact(`${lines.join("\n")}\n`, context.secrets ?? []);
}

// A timeline as a Mermaid `gantt` chart, which GitHub draws in comments and job summaries. Times are
// written as time since the experiment's start on a clock without a date or time zone, so the axis
// reads "seconds into the run" wherever the reader is.
import type { Lane, Timeline, TimelineStep } from "./timeline.ts";

/** More bars than this and the chart stops being readable at a glance: the rest are left to the tables. */
export const MAX_BARS = 40;

// Short: Mermaid leaves about 75 pixels for a section's name.
const SECTION: Record<Lane, string> = {
  before: "Before",
  method: "Method",
  during: "During",
  after: "After",
  rollbacks: "Rollbacks",
  undo: "Undo",
  recovery: "Recovery",
};

const LANES: Lane[] = ["before", "method", "during", "after", "rollbacks", "undo", "recovery"];

/**
 * A label Mermaid reads as plain text: no `:` (ends the label), `#` and `%` (comments), `;`, quotes,
 * brackets or entities, on one line. Every label of user text starts with a symbol, so none can
 * start a line with a keyword (`section`, `title`, `click`…).
 */
export function mermaidLabel(text: string, max = 48): string {
  const plain = text
    .replace(/[:;#%"'`<>&{}\\[\]|\r\n\t]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const clipped = plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
  return clipped === "" ? "(unnamed)" : clipped;
}

/** `HH:mm:ss.SSS` since the start; the chart's dateFormat. */
function clock(milliseconds: number): string {
  const total = Math.min(Math.max(0, Math.round(milliseconds)), 24 * 3600 * 1000 - 1);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const secs = Math.floor(total / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(total % 1000, 3)}`;
}

function axisFormat(span: number): string {
  if (span < 10_000) return "%-S.%L s";
  if (span < 3_600_000) return "%M:%S";
  return "%H:%M:%S";
}

function symbol(step: TimelineStep): string {
  if (step.kind === "pause") return "";
  if (step.result === "missed") return "✗";
  if (step.result === "error" || step.result === "pending") return "⚠";
  if (step.result === "interrupted") return "■";
  if (step.kind === "probe" || step.kind === "check") return "✓";
  if (step.lane === "rollbacks") return "↩";
  if (step.kind === "undo") return "↺";
  return "▶";
}

/** Mermaid's tags: `crit` red, `done` grey, `active` light; none is the theme's main colour. */
function tags(step: TimelineStep): string {
  if (step.result === "missed" || step.result === "error" || step.result === "pending") return "crit, ";
  if (step.result === "interrupted") return "crit, ";
  if (step.kind === "pause" || step.kind === "probe" || step.kind === "check") return "done, ";
  if (step.lane === "method") return "active, ";
  return "";
}

function text(step: TimelineStep): string {
  const word = step.result === "pending" ? " pending" : step.result === "interrupted" ? " interrupted" : "";
  const times = step.count > 1 ? ` ×${step.count}` : "";
  return `${symbol(step)} ${mermaidLabel(step.label)}${word}${times}`.trimStart();
}

/**
 * Which bars stay first when there are too many: what was done and the checks before and after the
 * method, then the recovery, then the checks during the method that missed, pauses, and last those that met.
 */
function rank(step: TimelineStep): number {
  if (step.lane !== "during" && step.lane !== "recovery" && step.kind !== "pause") return 0;
  if (step.lane === "recovery") return 1;
  if (step.kind === "pause") return 3;
  return step.result === "met" || step.result === "ok" ? 4 : 2;
}

/** The bars to draw: all of them, or the most telling `MAX_BARS`. */
function chosen(steps: readonly TimelineStep[]): { bars: TimelineStep[]; left: number } {
  if (steps.length <= MAX_BARS) return { bars: [...steps], left: 0 };
  const ranked = [...steps].sort((a, b) => rank(a) - rank(b) || a.start - b.start);
  const kept = new Set(ranked.slice(0, MAX_BARS));
  return { bars: steps.filter((step) => kept.has(step)), left: steps.length - MAX_BARS };
}

export interface Gantt {
  /** The chart's source, without the fence. */
  source: string;
  /** Steps not drawn (over MAX_BARS). */
  left: number;
}

/** The chart, or undefined when the journal has nothing with a time to draw. */
export function ganttOf(timeline: Timeline): Gantt | undefined {
  const { bars, left } = chosen(timeline.steps);
  if (bars.length === 0) return undefined;
  const span = Math.max(timeline.duration, ...bars.map((step) => step.end), 1);
  // A bar of 0 ms is not drawn at all: every bar is at least a two-hundredth of the chart.
  const least = Math.max(1, Math.round(span / 200));
  const lines = [
    "gantt",
    "    dateFormat HH:mm:ss.SSS",
    `    axisFormat ${axisFormat(span)}`,
    "    todayMarker off",
  ];
  const { injected, firstMiss, heldAgain } = timeline.times;
  const milestones = new Map<Lane, string[]>();
  const mark = (lane: Lane, label: string, at: number, tag: string) => {
    const point = clock(at);
    milestones.set(lane, [
      ...(milestones.get(lane) ?? []),
      `    ${label} :${tag}milestone, ${point}, ${point}`,
    ]);
  };
  if (injected) mark("method", "⚡ fault injected", injected.at, "");
  if (firstMiss) mark(firstMiss.lane, "✗ first miss", firstMiss.at, "crit, ");
  if (heldAgain) mark(heldAgain.by, "✓ held again", heldAgain.at, "done, ");

  for (const lane of LANES) {
    const inLane = bars.filter((step) => step.lane === lane);
    const marks = milestones.get(lane) ?? [];
    if (inLane.length === 0 && marks.length === 0) continue;
    lines.push(`    section ${SECTION[lane]}`);
    for (const step of inLane) {
      const end = Math.max(step.end, step.start + least);
      lines.push(`    ${text(step)} :${tags(step)}${clock(step.start)}, ${clock(end)}`);
    }
    lines.push(...marks);
  }
  return { source: lines.join("\n"), left };
}

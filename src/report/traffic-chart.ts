// The traffic a load activity (chaosaction.load.probes) measured during the method, as two Mermaid
// `xychart-beta` charts GitHub draws: the per-second success ratio and the per-second p99 latency.
// xychart has no annotations, so bars mark the fault window: the seconds in which the method's
// actions ran, from the first one's start to the last one's end.
import type { ActivityRun, Journal } from "../engine/journal.ts";
import { LOAD_MODULE } from "../experiment/format-names.ts";
import { fence } from "./escape.ts";
import { mermaidLabel } from "./gantt.ts";

/** More points than this are merged into buckets of several seconds. */
export const MAX_POINTS = 60;

interface Second {
  t: number;
  requests: number;
  succeeded: number;
  p99: number;
}

interface Point {
  /** First second of the bucket. */
  t: number;
  /** Percent of the requests started in the bucket that succeeded. */
  success: number;
  /** The highest per-second p99 in the bucket, ms. */
  p99: number;
  fault: boolean;
}

const isSecond = (value: unknown): value is Second => {
  const s = value as Partial<Second> | null;
  return (
    typeof s === "object" &&
    s !== null &&
    [s.t, s.requests, s.succeeded, s.p99].every((n) => typeof n === "number" && Number.isFinite(n))
  );
};

/** The per-second series of a load activity's output, or undefined when the run is not one. */
function seriesOf(run: ActivityRun): Second[] | undefined {
  const provider = run.activity.provider as { type?: string; module?: string };
  if (provider.type !== "python" || provider.module !== LOAD_MODULE) return undefined;
  const series = (run.output as { series?: unknown } | null)?.series;
  if (!Array.isArray(series) || series.length === 0 || !series.every(isSecond)) return undefined;
  return series;
}

/** Seconds after `origin` at which the method's actions started and ended. */
function faultWindow(journal: Journal, origin: number): { from: number; to: number } | undefined {
  const actions = journal.run.filter((run) => run.activity.type === "action");
  if (actions.length === 0) return undefined;
  const from = Math.min(...actions.map((run) => Date.parse(run.start))) - origin;
  const to = Math.max(...actions.map((run) => Date.parse(run.end))) - origin;
  return Number.isFinite(from) && Number.isFinite(to) ? { from: from / 1000, to: to / 1000 } : undefined;
}

export function trafficPoints(series: readonly Second[], window?: { from: number; to: number }): Point[] {
  const last = Math.max(...series.map((s) => s.t));
  const width = Math.max(1, Math.ceil((last + 1) / MAX_POINTS));
  const buckets = new Map<number, Second[]>();
  for (const second of series) {
    const t = Math.floor(second.t / width) * width;
    buckets.set(t, [...(buckets.get(t) ?? []), second]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, seconds]) => {
      const requests = seconds.reduce((sum, s) => sum + s.requests, 0);
      const succeeded = seconds.reduce((sum, s) => sum + s.succeeded, 0);
      return {
        t,
        success: requests === 0 ? 100 : Math.round((succeeded / requests) * 1000) / 10,
        p99: Math.max(...seconds.map((s) => s.p99)),
        // The bucket [t, t + width) overlaps the window.
        fault: window !== undefined && t < window.to && t + width > window.from,
      };
    });
}

function chart(
  title: string,
  axis: string,
  points: Point[],
  value: (p: Point) => number,
  top: number,
): string {
  const values = points.map(value);
  const bars = points.map((p) => (p.fault ? top : 0));
  return [
    "xychart-beta",
    `  title "${mermaidLabel(title, 80)}"`,
    `  x-axis "seconds into the load" [${points.map((p) => `"${p.t}"`).join(", ")}]`,
    `  y-axis "${axis}" 0 --> ${top}`,
    `  bar [${bars.join(", ")}]`,
    `  line [${values.join(", ")}]`,
  ].join("\n");
}

/** Markdown: the charts of each load activity of the method; nothing when there is none. */
export function trafficCharts(journal: Journal): string[] {
  const lines: string[] = [];
  for (const run of journal.run) {
    const series = seriesOf(run);
    if (!series) continue;
    const window = faultWindow(journal, Date.parse(run.start));
    const points = trafficPoints(series, window);
    const name = mermaidLabel(run.activity.name);
    const topLatency = Math.max(1, Math.ceil(Math.max(...points.map((p) => p.p99)) * 1.1));
    lines.push(
      fence(
        "mermaid",
        chart(`${name} - requests that succeeded`, "percent", points, (p) => p.success, 100),
      ),
      "",
      fence(
        "mermaid",
        chart(`${name} - p99 latency`, "ms", points, (p) => p.p99, topLatency),
      ),
      "",
      window
        ? `_Traffic of ${name}: the bars mark the fault window, the method's actions from ${window.from.toFixed(1)} s to ${window.to.toFixed(1)} s into the load._`
        : `_Traffic of ${name}: the method ran no action, so no fault window is marked._`,
      "",
    );
  }
  return lines;
}

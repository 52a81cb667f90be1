// One line per activity as it runs, for the CLI's stderr and the action's log. The report has the details.
import type { RunEvent } from "../engine/events.ts";
import { clip } from "./escape.ts";

const ICON: Record<string, string> = { succeeded: "✓", failed: "✗", interrupted: "■", pending: "✗" };

/** Longest argument text on a start line; the journal has them whole. */
const ARGUMENTS_WIDTH = 160;

/** Longest activity name or target (`GET url`, a process's path) on a line; the journal has them whole. */
const NAME_WIDTH = 200;

/** `action kill-web [chaosk8s.pod.actions.terminate_pods] (background)`: who a line is about. */
export function describeActivity(activity: {
  kind: string;
  name: string;
  target: string;
  background?: boolean;
}): string {
  const background = activity.background ? " (background)" : "";
  return `${activity.kind} ${clip(activity.name, NAME_WIDTH)} [${clip(activity.target, NAME_WIDTH)}]${background}`;
}

/** `ns=shop, replicas=2` for a mapping, the words of a list, a string as it is. */
export function formatArguments(value: unknown): string {
  const scalar = (item: unknown) => (typeof item === "string" ? item : JSON.stringify(item));
  let text: string;
  if (Array.isArray(value)) text = value.map(scalar).join(" ");
  else if (value !== null && typeof value === "object") {
    text = Object.entries(value)
      .map(([key, item]) => `${key}=${scalar(item)}`)
      .join(", ");
  } else text = scalar(value);
  text = text.replaceAll(/\s*\n\s*/g, " ");
  return text.length > ARGUMENTS_WIDTH ? `${text.slice(0, ARGUMENTS_WIDTH - 1)}…` : text;
}

/** "pause 8 s after kill-web" (whole seconds when whole, else one decimal). */
export function formatPause(event: Extract<RunEvent, { type: "pause" }>): string {
  const seconds = Number.isInteger(event.seconds) ? event.seconds : Number(event.seconds.toFixed(1));
  return `pause ${seconds} s ${event.when} ${event.name}`;
}

/**
 * Undefined for the events not worth a line: starts and pauses, unless `showStarts`. A start line
 * carries the substituted arguments, which may hold secrets: the caller redacts what it prints.
 */
export function formatRunEvent(event: RunEvent, options: { showStarts?: boolean } = {}): string | undefined {
  if (event.type === "undo-finished") {
    const { undo } = event;
    const error = undo.error ? `: ${undo.error}` : "";
    return `  undo     ${ICON[undo.status] ?? "-"} ${undo.description} ${undo.status} in ${undo.duration.toFixed(2)}s${error}`;
  }
  if (event.type === "recovery-finished") {
    const checks = `${event.checks} check${event.checks === 1 ? "" : "s"}`;
    if (event.recovered) return `  recovery ✓ recovered in ${event.seconds?.toFixed(2)}s (${checks})`;
    if (!event.checked) return `  recovery - not checked: ${event.reason}`;
    return `  recovery ✗ ${event.reason} (${checks})`;
  }
  const phase = event.phase.padEnd(9);
  if (event.type === "pause") return options.showStarts ? `  ${phase}⏸ ${formatPause(event)}` : undefined;
  const who = describeActivity(event);
  if (event.type === "activity-started") {
    if (!options.showStarts) return undefined;
    const args = event.arguments === undefined ? "" : ` with ${formatArguments(event.arguments)}`;
    return `  ${phase}▸ ${who}${args}`;
  }
  const tolerance =
    event.toleranceMet === undefined ? "" : event.toleranceMet ? ", tolerance met" : ", tolerance NOT met";
  // A probe that ran but missed its tolerance is a miss: ✗, whatever its run's status.
  const icon = event.toleranceMet === false ? "✗" : (ICON[event.verdict] ?? "?");
  const error = event.error ? `: ${event.error}` : "";
  return `  ${phase}${icon} ${who} ${event.verdict}${tolerance} in ${event.durationSeconds.toFixed(2)}s${error}`;
}

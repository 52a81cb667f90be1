// One line per activity as it runs, for the CLI's stderr and the action's log. The report has the details.
import type { RunEvent } from "../engine/events.ts";

const ICON: Record<string, string> = { succeeded: "✓", failed: "✗", interrupted: "■", pending: "✗" };

/** Undefined for the events not worth a line (starts, unless `showStarts`). */
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
  const who = `${event.kind} ${event.name} [${event.target}]${event.background ? " (background)" : ""}`;
  if (event.type === "activity-started") return options.showStarts ? `  ${phase}▸ ${who}` : undefined;
  const tolerance =
    event.toleranceMet === undefined ? "" : event.toleranceMet ? ", tolerance met" : ", tolerance NOT met";
  const error = event.error ? `: ${event.error}` : "";
  return `  ${phase}${ICON[event.verdict] ?? "?"} ${who} ${event.verdict}${tolerance} in ${event.durationSeconds.toFixed(2)}s${error}`;
}

// A CI runner reads every line a step prints and runs the ones that start with `::` (or the older
// `##[`) as workflow commands: set an output, add a mask, stop reading commands. What we print quotes
// experiment files, journals and cluster objects, which we do not trust, so the action's log and the
// CLI's output (which runs in workflow steps too) pass through here.

// After any line break the runner sees a new line; it trims leading whitespace before looking.
const commandStart = /(^|\r\n|\r|\n)([\s\u0085]*)(::|##\[)/g;

/** `text` with a zero-width space inside any `::` or `##[` that would start a line; nothing else changes. */
export function inertCommands(text: string): string {
  return text.replace(
    commandStart,
    (_, lineStart: string, space: string, marker: string) =>
      `${lineStart}${space}${marker[0]}\u200b${marker.slice(1)}`,
  );
}

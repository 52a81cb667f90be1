// The action's plain log lines. The runner reads every line a step prints and runs the ones that
// start with `::` (or the older `##[`) as workflow commands: set an output, add a mask, stop reading
// commands. Our lines quote experiment files, journals and cluster objects, which we do not trust,
// so every plain line goes through here. Annotations (core.warning, core.error) are safe: the
// toolkit escapes their line breaks.
import * as core from "@actions/core";

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

/** core.info for text that may come from users: it can never be read as a workflow command. */
export function info(text: string): void {
  core.info(inertCommands(text));
}

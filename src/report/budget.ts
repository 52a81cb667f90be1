// Keeping a report within a size: GitHub refuses comments over 65,536 characters and job summaries
// over 1 MiB. Detail is dropped per experiment, least important first, and only as a last resort is
// the text cut, between blocks, so no diagram, code block or table is ever cut in half.

export const COMMENT_LIMIT = 65_536;
/** GitHub's cap of one step's job summary, in bytes. */
export const SUMMARY_LIMIT = 1_048_576;

export interface SizeLimit {
  max: number;
  /** GitHub counts comments in characters and summaries in bytes. */
  unit: "characters" | "bytes";
}

/** How much of an experiment the report shows: everything, its verdict and figures, or only its row in the overview. */
export type Detail = "full" | "brief" | "none";

const encoder = new TextEncoder();

export function sizeOf(text: string, unit: SizeLimit["unit"]): number {
  // UTF-16 code units: never fewer than the characters GitHub counts.
  return unit === "bytes" ? encoder.encode(text).length : text.length;
}

/**
 * The most detail that fits: `render` is asked with less and less. `groups` are the experiments'
 * indices, least important group first; a group gives up its detail (down to `brief`, then, when
 * `canDrop`, to `none`) before the next group loses any, later experiments before earlier ones. The
 * text that still does not fit is cut by `capReport`.
 */
export function fitReport(
  groups: readonly (readonly number[])[],
  render: (details: readonly Detail[]) => string,
  limit: SizeLimit,
  options: { canDrop: boolean; fullReportUrl?: string },
): string {
  const details: Detail[] = groups.flat().map(() => "full");
  let text = render(details);
  const fits = () => sizeOf(text, limit.unit) <= limit.max;
  const steps: [Detail, Detail][] = [["full", "brief"]];
  if (options.canDrop) steps.push(["brief", "none"]);
  for (const group of groups) {
    for (const [from, to] of steps) {
      for (const index of [...group].reverse()) {
        if (fits()) return text;
        if (details[index] !== from) continue;
        details[index] = to;
        text = render(details);
      }
    }
  }
  return fits() ? text : capReport(text, limit.max, options.fullReportUrl, limit.unit);
}

/** Where a report may be cut: after line `index`, not inside a fenced block or between two table rows. */
function cutPoints(lines: readonly string[]): boolean[] {
  const allowed: boolean[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const marks = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marks) {
      if (fence === undefined) fence = marks;
      else if (marks[0] === fence[0] && marks.length >= fence.length && line.trim() === marks)
        fence = undefined;
    }
    const next = lines[index + 1];
    const inTable = line.startsWith("|") && next?.startsWith("|") === true;
    allowed.push(fence === undefined && !inTable);
  });
  return allowed;
}

/**
 * Cuts a report to `limit`, between blocks, closing any `<details>` left open, and points at the full
 * report.
 */
export function capReport(
  markdown: string,
  limit: number = COMMENT_LIMIT,
  fullReportUrl?: string,
  unit: SizeLimit["unit"] = "characters",
): string {
  if (sizeOf(markdown, unit) <= limit) return markdown;
  const pointer = fullReportUrl
    ? `\n\n> ✂️ The report was cut to fit: the full report is in the [job summary](${fullReportUrl}).\n`
    : "\n\n> ✂️ The report was cut to fit: the full report is in the job summary.\n";
  const lines = markdown.split("\n");
  const allowed = cutPoints(lines);
  // A first guess by size, then back to the last allowed cut that fits with its closing tags.
  let kept = 0;
  let size = 0;
  const room = limit - sizeOf(pointer, unit);
  while (kept < lines.length && size + sizeOf(lines[kept]!, unit) + 1 <= room) {
    size += sizeOf(lines[kept]!, unit) + 1;
    kept += 1;
  }
  for (let count = kept; count > 0; count--) {
    if (!allowed[count - 1]) continue;
    const text = lines.slice(0, count).join("\n");
    const open = (text.match(/<details>/g) ?? []).length - (text.match(/<\/details>/g) ?? []).length;
    const closed = text + "\n</details>".repeat(Math.max(0, open));
    if (sizeOf(closed, unit) + sizeOf(pointer, unit) <= limit) return closed + pointer;
  }
  return pointer.trimStart();
}

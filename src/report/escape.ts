// User text (titles, probe names, reasons, values) in the report: every way it could turn into markup
// goes through here. Markdown text is escaped with backslashes and its HTML neutralised; text inside
// raw HTML (a `<summary>`) is HTML-escaped only, since Markdown is not parsed there.

/** One line: newlines (and other line breaks) become spaces. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** For text inside raw HTML, where Markdown is not parsed: `&`, `<`, `>` and quotes as entities. */
export function escapeHtml(value: string): string {
  return oneLine(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * For user text in Markdown (paragraphs, headings, list items, table cells): the characters that
 * start emphasis, links, images, code, strikethrough, math or a table cell are backslash-escaped, and
 * `&`, `<`, `>` become entities, so no HTML, entity or autolink of the user's survives.
 */
export function escapeMarkdown(value: string): string {
  return oneLine(value)
    .replace(/[\\`*_[\]{}|~$#!]/g, (character) => `\\${character}`)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** Inline code that survives backticks in the value. */
export function code(value: string): string {
  const line = oneLine(value);
  const fence = line.includes("`") ? "``" : "`";
  const padded = line.startsWith("`") || line.endsWith("`") ? ` ${line} ` : line;
  return `${fence}${padded}${fence}`;
}

/**
 * A table cell: one line, and every pipe not already escaped is escaped (GitHub splits cells on
 * pipes before it reads code spans). A pipe after an odd number of backslashes is escaped already.
 */
export function cell(value: string): string {
  return oneLine(value).replace(/(\\*)\|/g, (match, slashes: string) =>
    slashes.length % 2 === 0 ? `${slashes}\\|` : match,
  );
}

/** A fenced block that no line of `body` can close early. */
export function fence(info: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const marks = "`".repeat(longest + 1);
  return `${marks}${info}\n${body}\n${marks}`;
}

export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

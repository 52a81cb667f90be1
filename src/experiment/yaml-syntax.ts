// Where an unclosed YAML quote or flow collection (`[`, `{`) was opened. The YAML parser reports
// the place it gave up, often a line or more below; the opening is where the author has to look.
import { Parser } from "yaml";

const closedDoubleQuoted = /^"(?:[^"\\]|\\[\s\S])*"$/;
const closedSingleQuoted = /^'(?:[^']|'')*'$/;

interface Token {
  type?: unknown;
  offset?: unknown;
  source?: unknown;
  start?: unknown;
  end?: unknown;
}

function opening(token: Token): number | undefined {
  if (token.type === "flow-collection") {
    const closed =
      Array.isArray(token.end) &&
      token.end.some((t: Token) => t.type === "flow-seq-end" || t.type === "flow-map-end");
    const start = token.start as Token | undefined;
    return closed || typeof start?.offset !== "number" ? undefined : start.offset;
  }
  if (typeof token.source !== "string" || typeof token.offset !== "number") return undefined;
  if (token.type === "double-quoted-scalar" && !closedDoubleQuoted.test(token.source)) return token.offset;
  if (token.type === "single-quoted-scalar" && !closedSingleQuoted.test(token.source)) return token.offset;
  return undefined;
}

/** Offset of the last unclosed quote or flow collection opened before `errorOffset`, if any. */
export function unclosedOpeningBefore(source: string, errorOffset: number): number | undefined {
  let found: number | undefined;
  // Iterative: a file may nest flow collections thousands deep.
  const pending: unknown[] = [...new Parser().parse(source)];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== "object") continue;
    if (!Array.isArray(value)) {
      const at = opening(value as Token);
      if (at !== undefined && at < errorOffset && (found === undefined || at > found)) found = at;
    }
    for (const child of Object.values(value)) pending.push(child);
  }
  return found;
}

// A JSON experiment: parsed by JSON.parse (strict, as Chaos Toolkit's json.load) and located by a
// small scanner (json-positions.ts).
import { ExperimentLoadError, makeIssue, type Position } from "./errors.ts";
import { jsonPositions } from "./json-positions.ts";
import { findJsonSyntaxError } from "./json-syntax.ts";
import { depthMessage, MAX_ISSUES, tooDeep } from "./limits.ts";
import type { LoadedExperiment } from "./loaded.ts";
import { quote } from "./quote.ts";

export function parseJsonText(source: string, file: string): LoadedExperiment {
  const position = positionsIn(source);
  const data = parseJson(source, file, position);
  // The position scanner recurses; nothing deeper than the limit reaches it.
  if (tooDeep(data)) throw new ExperimentLoadError(file, depthMessage);
  const positions = jsonPositions(source);
  const warnings = positions.duplicates
    .slice(0, MAX_ISSUES + 1)
    .map(({ path, key, offset }) =>
      makeIssue("warning", file, position(offset), path, `duplicate key ${quote(key)}: the last one wins`),
    );
  return { file, format: "json", data, locate: (path) => position(positions.locate(path)), warnings };
}

/** Line and column (from 1) of an offset in `text`, as the YAML parser's LineCounter gives them. */
function positionsIn(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

function parseJson(source: string, file: string, position: (offset: number) => Position): unknown {
  try {
    return JSON.parse(source);
  } catch (e) {
    const syntax = findJsonSyntaxError(source);
    const reason = syntax?.message ?? (e as Error).message;
    throw new ExperimentLoadError(
      file,
      `Failed parsing JSON experiment: ${reason}`,
      syntax ? position(syntax.offset) : undefined,
    );
  }
}

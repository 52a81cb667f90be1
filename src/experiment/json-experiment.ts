// A JSON experiment: parsed by JSON.parse (strict, as Chaos Toolkit's json.load) and located by a
// small scanner (json-positions.ts).
import { duplicateKeyWarning, ExperimentLoadError, type Position } from "./errors.ts";
import { jsonPositions } from "./json-positions.ts";
import { findJsonSyntaxError } from "./json-syntax.ts";
import { depthMessage, MAX_ISSUES, tooDeep } from "./limits.ts";
import type { LoadedExperiment } from "./loaded.ts";
import { positionsIn } from "./source-positions.ts";

export function parseJsonText(source: string, file: string): LoadedExperiment {
  const position = positionsIn(source);
  const data = parseJson(source, file, position);
  // The position scanner recurses; nothing deeper than the limit reaches it.
  if (tooDeep(data)) throw new ExperimentLoadError(file, depthMessage);
  const positions = jsonPositions(source);
  const warnings = positions.duplicates
    .slice(0, MAX_ISSUES + 1)
    .map(({ path, key, offset }) => duplicateKeyWarning(file, position(offset), path, key));
  return { file, format: "json", data, locate: (path) => position(positions.locate(path)), warnings };
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

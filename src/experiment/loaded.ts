// What reading an experiment file gives: its data and the source position of any path inside it,
// and the guard every parser runs under (size, depth, internal errors). The parsers themselves are
// json-experiment.ts and yaml-experiment.ts, so a JSON experiment never loads the YAML parser.
import { extname } from "node:path";
import { ExperimentLoadError, type Issue, type Position } from "./errors.ts";
import { depthMessage, sizeProblem } from "./limits.ts";
import type { DocPath } from "./path.ts";

export type ExperimentFormat = "yaml" | "json";

/** A parsed experiment file: its data, and the source position of any path inside it. */
export interface LoadedExperiment {
  /** The path as given by the caller; used in every message. */
  file: string;
  format: ExperimentFormat;
  data: unknown;
  /** Position of the value at `path`, or of its nearest existing ancestor (a missing key points at its parent). */
  locate(path: DocPath): Position;
  /** Problems that do not prevent loading (duplicate keys). */
  warnings: Issue[];
}

/** Parses the text of one format (a byte order mark removed); throws ExperimentLoadError. */
export type FormatParser = (source: string, file: string) => LoadedExperiment;

export function experimentFormatOf(file: string): ExperimentFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  if (ext === ".json") return "json";
  return undefined;
}

/**
 * Parses experiment source text with `parse`; pure (no file system). Any text, however large, deep or
 * broken, ends in what `parse` returns or an ExperimentLoadError naming the file.
 */
export function parseGuarded<Parsed extends LoadedExperiment | undefined>(
  text: string,
  file: string,
  parse: (source: string, file: string) => Parsed,
): Parsed {
  const tooBig = sizeProblem(Buffer.byteLength(text, "utf8"));
  if (tooBig) throw new ExperimentLoadError(file, tooBig);
  try {
    return parse(text.startsWith("\uFEFF") ? text.slice(1) : text, file);
  } catch (error) {
    if (error instanceof ExperimentLoadError) throw error;
    // The parser recurses; a stack overflow is nesting beyond any depth we would accept.
    if (error instanceof RangeError) throw new ExperimentLoadError(file, depthMessage);
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    throw new ExperimentLoadError(
      file,
      `cannot be read (an internal error, please report it): ${name}: ${message}`,
    );
  }
}

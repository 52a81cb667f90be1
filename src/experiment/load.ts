// Reading an experiment file into plain data while keeping where every value came from, so that
// validation can point at `file:line:column`: the file by read-experiment.ts, its text by
// parseExperimentText here (both formats, synchronously: for callers that have the text).
import { parseJsonText } from "./json-experiment.ts";
import { type ExperimentFormat, type LoadedExperiment, parseGuarded } from "./loaded.ts";
import { parsePlainYamlText } from "./plain-yaml-experiment.ts";
import { parseYamlText } from "./yaml-experiment.ts";

export { type ExperimentFormat, experimentFormatOf, type LoadedExperiment } from "./loaded.ts";
export { loadExperimentFile } from "./read-experiment.ts";
export { pyyamlTags } from "./yaml-experiment.ts";

/**
 * Parses experiment source text; pure (no file system). Any text, however large, deep or broken,
 * ends in a LoadedExperiment or an ExperimentLoadError naming the file.
 */
export function parseExperimentText(text: string, file: string, format: ExperimentFormat): LoadedExperiment {
  if (format === "json") return parseGuarded(text, file, parseJsonText);
  return parseGuarded(text, file, parsePlainYamlText) ?? parseGuarded(text, file, parseYamlText);
}

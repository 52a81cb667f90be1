// Reading an experiment file into plain data while keeping where every value came from, so that
// validation can point at `file:line:column`. JSON by json-experiment.ts; YAML by
// plain-yaml-experiment.ts, or yaml-experiment.ts when that declines: each imported only when needed,
// so a run of JSON experiments loads no YAML parser, and of plain YAML ones not the `yaml` package.
import { extname } from "node:path";
import { readTextFile, statFile } from "../common/read-file.ts";
import { ExperimentLoadError } from "./errors.ts";
import { parseJsonText } from "./json-experiment.ts";
import { sizeProblem } from "./limits.ts";
import { experimentFormatOf, type LoadedExperiment, parseGuarded } from "./loaded.ts";

export async function loadExperimentFile(file: string): Promise<LoadedExperiment> {
  const format = experimentFormatOf(file);
  if (format === undefined) {
    throw new ExperimentLoadError(
      file,
      `unsupported file type '${extname(file) || "(none)"}': only files with json, yaml or yml extensions are supported`,
    );
  }
  let text: string;
  try {
    // Checked before reading, so a huge file is never read into memory.
    const tooBig = sizeProblem((await statFile(file)).size);
    if (tooBig) throw new ExperimentLoadError(file, tooBig);
    text = await readTextFile(file);
  } catch (error) {
    if (error instanceof ExperimentLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ExperimentLoadError(file, "file does not exist");
    if (code === "EISDIR") throw new ExperimentLoadError(file, "is a directory, not an experiment file");
    throw new ExperimentLoadError(file, `cannot read the file: ${(error as Error).message}`);
  }
  if (format === "json") return parseGuarded(text, file, parseJsonText);
  const { parsePlainYamlText } = await import("./plain-yaml-experiment.ts");
  const plain = parseGuarded(text, file, parsePlainYamlText);
  return plain ?? parseGuarded(text, file, (await import("./yaml-experiment.ts")).parseYamlText);
}

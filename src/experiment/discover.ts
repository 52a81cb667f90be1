// Turning FILE|DIR|GLOB arguments into the list of experiment files to run, in path order.
import { isAbsolute, join, relative, resolve } from "node:path";
import { statFile } from "../common/read-file.ts";
import { ExperimentLoadError, NoExperimentsError } from "./errors.ts";
import { experimentFormatOf } from "./loaded.ts";
import { loadExperimentFile } from "./read-experiment.ts";

export const DEFAULT_TARGET = "experiments/";

export interface DiscoveryResult {
  /** Experiment files in path order, relative to `cwd` when inside it. */
  files: string[];
  /** Files found through a directory or glob that are plainly not experiments. */
  skipped: { file: string; reason: string }[];
}

export interface DiscoverOptions {
  cwd?: string;
}

const ignore = ["**/node_modules/**", "**/.git/**"];

/**
 * Files named explicitly are always kept (they must load and validate). Files found through a
 * directory or a glob are skipped when they are plainly not experiments: not a JSON/YAML file, or a
 * document with neither `title` nor `method`. Zero files is an error.
 */
export async function discoverExperiments(
  targets: readonly string[],
  options: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  const cwd = options.cwd ?? process.cwd();
  const wanted = targets.length === 0 ? [DEFAULT_TARGET] : targets;
  const explicit = new Set<string>();
  const found = new Set<string>();

  for (const target of wanted) {
    const absolute = resolve(cwd, target);
    const kind = await pathKind(absolute);
    if (kind === "file") {
      explicit.add(absolute);
    } else if (kind === "directory") {
      const { glob } = await import("tinyglobby");
      const matches = await glob("**/*.{json,yaml,yml}", { cwd: absolute, absolute: true, ignore });
      for (const match of matches) found.add(match);
    } else if (await isGlob(target)) {
      const { glob } = await import("tinyglobby");
      const matches = await glob(target, { cwd, absolute: true, ignore, onlyFiles: true });
      for (const match of matches) found.add(match);
    } else {
      throw new NoExperimentsError(`no such file or directory: ${target}`);
    }
  }

  const files: string[] = [];
  const skipped: DiscoveryResult["skipped"] = [];
  const display = (absolute: string) => {
    const rel = relative(cwd, absolute);
    return rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
  };
  const all = [...new Set([...explicit, ...found])].map(display).sort(byPath);
  for (const file of all) {
    if (explicit.has(resolve(cwd, file))) {
      files.push(file);
      continue;
    }
    const reason = await notAnExperiment(join(cwd, file));
    if (reason === undefined) files.push(file);
    else skipped.push({ file, reason });
  }

  if (files.length === 0) {
    const what = wanted.join(", ");
    const extra = skipped.length > 0 ? ` (${skipped.length} file(s) skipped as not experiments)` : "";
    throw new NoExperimentsError(
      `no experiment files found in ${what}: expected .json, .yaml or .yml files with a title and a method${extra}`,
    );
  }
  return { files, skipped };
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The glob matcher loads only for a target that is not a plain file (most runs name files). */
async function isGlob(target: string): Promise<boolean> {
  return (await import("tinyglobby")).isDynamicPattern(target);
}

async function pathKind(path: string): Promise<"file" | "directory" | undefined> {
  try {
    const info = await statFile(path);
    return info.isDirectory() ? "directory" : "file";
  } catch {
    return undefined;
  }
}

/** Why a found file is plainly not an experiment, or undefined when it may be one. */
async function notAnExperiment(file: string): Promise<string | undefined> {
  if (experimentFormatOf(file) === undefined) return "not a .json, .yaml or .yml file";
  try {
    const { data } = await loadExperimentFile(file);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return "not an experiment (the document is not a mapping)";
    }
    if (!("title" in data) && !("method" in data))
      return "not an experiment (it has neither a title nor a method)";
    return undefined;
  } catch (error) {
    // A file that does not even parse is reported by the loader, not silently skipped.
    if (error instanceof ExperimentLoadError) return undefined;
    throw error;
  }
}

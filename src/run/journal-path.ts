// Where each experiment's journal goes (DESIGN.md → Runs of several experiments).
import { join, relative, resolve, sep } from "node:path";

export class JournalPathError extends Error {
  override name = "JournalPathError";
}

/** `experiments/pods/kill.yaml` → `experiments__pods__kill.yaml.journal.json`. */
export function journalFileName(experimentFile: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, experimentFile));
  const safe = rel
    .split(sep)
    .join("/")
    .replace(/^(\.\.\/)+/, "")
    .replaceAll("/", "__");
  return `${safe}.journal.json`;
}

/**
 * One experiment: `journalPath` is the file (or, when it does not end in `.json`, a directory).
 * Several: `journalPath` must be a directory; a `.json` path is an error, never a silent switch.
 * No `journalPath`: `./journal.json` for one experiment (where Chaos Toolkit puts it), else the
 * working directory, one journal named after each experiment.
 */
export function journalPaths(
  experimentFiles: readonly string[],
  cwd: string,
  journalPath?: string,
): string[] {
  if (journalPath === undefined && experimentFiles.length === 1) return [resolve(cwd, "journal.json")];
  const directory = journalPath ?? ".";
  if (journalPath?.endsWith(".json")) {
    if (experimentFiles.length > 1) {
      throw new JournalPathError(
        `--journal-path ${journalPath} is a file, but ${experimentFiles.length} experiments run: give a directory instead`,
      );
    }
    return experimentFiles.map(() => resolve(cwd, journalPath));
  }
  return experimentFiles.map((file) => resolve(cwd, join(directory, journalFileName(file, cwd))));
}

// Where a process provider's `path` is found, as Chaos Toolkit finds it: apart from process.ts, so that
// validation (which checks every path) loads no child_process.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

const isExecutableFile = (file: string): boolean => {
  try {
    // Most PATH entries lack the name: an error thrown for each costs far more than the lookup.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Python `shutil.which`: a name is looked up on PATH, a path (with a `/`) is taken as it is. */
export function resolveExecutable(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  if (name.includes("/")) {
    const file = path.resolve(name);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.resolve(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

// A bundled CommonJS library (the YAML parser) run as a script whose compiled code is kept between
// runs. Node's compile cache keeps what V8 compiled before a module first ran, and V8 compiles a
// function when it is first called: a parser's functions were compiled again by every process, ~6 ms
// of a `validate`. V8 can also serialize a script after it has run, with every function compiled by
// then. That is kept here, in Node's compile cache directory (its name carries V8's version and
// flags), written as the process exits when there was none or V8 refused it. Without a compile cache
// directory (the action enables none) the library is compiled as before and nothing is written.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, getCompileCacheDir } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

export interface CachedScriptOptions {
  /** Where the compiled code is kept; none: nothing is read or written. */
  cacheDir?: string | undefined;
  /** Calls `save` once as the process exits. */
  atExit?: (save: () => void) => void;
}

/**
 * Runs `file`, the text of `(function (exports, require, module, __filename, __dirname) {…})`, and
 * returns its `module.exports`. `key` names the file's content (the build puts a hash of it there):
 * a cache made for other content is never offered to V8, whose own check is on the length alone.
 */
export function requireCachedScript(
  file: URL,
  key: string,
  {
    cacheDir = getCompileCacheDir?.(),
    atExit = (save) => process.once("exit", save),
  }: CachedScriptOptions = {},
): unknown {
  const filename = fileURLToPath(file);
  const source = readFileSync(filename, "utf8");
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `${key}.script-cache`);
  const cachedData = cacheFile === undefined ? undefined : readIfThere(cacheFile);
  const script = new Script(source, { filename, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    atExit(() => writeCache(cacheFile, script));
  }
  const module = { exports: {} as unknown };
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  factory.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  return module.exports;
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

// Written whole or not at all (a concurrent run reads either the old file or the new one), and never
// a reason to fail: without it the next run compiles as this one did.
function writeCache(file: string, script: Script): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // The directory went away or is not ours to write. This runs as the process exits: nothing here
    // may throw and change its exit status.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // A temporary file left behind is never read.
    }
  }
}

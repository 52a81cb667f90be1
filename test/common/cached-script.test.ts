import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { requireCachedScript } from "../../src/common/cached-script.ts";

const dir = mkdtempSync(join(tmpdir(), "cached-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A library whose function is compiled only when first called, as a parser's are. */
const LIBRARY = `(function (exports, require, module, __filename, __dirname) {
  exports.parse = function parse(text) { return text.split(",").map((item) => item.trim()); };
  exports.where = __filename;
  exports.hasPath = typeof require("node:path").join === "function";
})`;

function library(name: string, text = LIBRARY) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return pathToFileURL(file);
}

/** Loads the library; `save` is what would run as the process exits. */
function load(file: URL, key: string, cacheDir: string | undefined) {
  const saves: Array<() => void> = [];
  const exports = requireCachedScript(file, key, { cacheDir, atExit: (save) => saves.push(save) }) as {
    parse: (text: string) => string[];
    where: string;
    hasPath: boolean;
  };
  const save = () => {
    for (const each of saves) each();
  };
  return { exports, save, saves: saves.length };
}

describe("a library run as a script whose compiled code is kept", () => {
  it("runs as CommonJS: its exports, its own file name, require() from beside it", () => {
    const file = library("plain.cjs");
    const { exports } = load(file, "plain-1", undefined);
    expect(exports.parse("a, b")).toEqual(["a", "b"]);
    expect(exports.where).toBe(join(dir, "plain.cjs"));
    expect(exports.hasPath).toBe(true);
  });

  it("writes its code as the process exits, with what ran compiled, and takes it the next time", () => {
    const cacheDir = mkdtempSync(join(dir, "cache-"));
    const file = library("kept.cjs");
    const first = load(file, "kept-1", cacheDir);
    first.exports.parse("x");
    expect(readdirSync(cacheDir)).toEqual([]);
    first.save();
    const cacheFile = join(cacheDir, "kept-1.script-cache");
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    // With what ran compiled: larger than the code of the same library, otherwise named (V8 shares
    // one compilation of the same text within a process), that called nothing.
    const idle = load(
      library("idle.cjs", LIBRARY.replace("function parse", "function idle_")),
      "idle-1",
      cacheDir,
    );
    idle.save();
    expect(statSync(cacheFile).size).toBeGreaterThan(statSync(join(cacheDir, "idle-1.script-cache")).size);
    // Taken: nothing to write at exit.
    const second = load(file, "kept-1", cacheDir);
    expect(second.saves).toBe(0);
    expect(second.exports.parse("c,d")).toEqual(["c", "d"]);
  });

  it("writes it anew where V8 refuses what is there, and never offers a cache made for other content", () => {
    const cacheDir = mkdtempSync(join(dir, "cache-"));
    const file = library("refused.cjs");
    writeFileSync(join(cacheDir, "refused-1.script-cache"), "not V8's code cache");
    const refused = load(file, "refused-1", cacheDir);
    expect(refused.saves).toBe(1);
    refused.save();
    expect(readFileSync(join(cacheDir, "refused-1.script-cache")).length).toBeGreaterThan(100);
    // Same length, other content: the build gives it another key, so the old cache is not read.
    const changed = library("refused.cjs", LIBRARY.replace('split(",")', 'split(";")'));
    const other = load(changed, "refused-2", cacheDir);
    expect(other.saves).toBe(1);
    expect(other.exports.parse("a;b")).toEqual(["a", "b"]);
  });

  it("runs without writing anything where there is no cache directory, or it cannot be written", () => {
    const file = library("nowhere.cjs");
    expect(load(file, "nowhere-1", undefined).saves).toBe(0);
    const gone = join(dir, "gone");
    const unwritable = load(file, "nowhere-1", gone);
    expect(() => unwritable.save()).not.toThrow();
    expect(existsSync(gone)).toBe(false);
  });
});

// The bundled CLI holds V8's compilers off for its first second (src/cli/jit-delay.ts): a short
// command compiles nothing with them, a longer run has them again, and a tiering flag given to Node
// is left as it is. `--trace-opt` makes V8 name every function Maglev or TurboFan compiles on stdout.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dist = process.env.CHAOS_ACTION_DIST ?? join(root, "dist");
const cli = join(dist, "cli.js");

const dir = mkdtempSync(join(tmpdir(), "jit-delay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const experiment = (name: string, method: string) => {
  const file = join(dir, name);
  writeFileSync(file, `title: t\ndescription: d\nmethod:\n  - ${method}\n`);
  return file;
};

/** The functions V8 optimized in a run of `node ...args`, from its --trace-opt lines. */
function optimizedIn(args: string[]): string[] {
  const run = spawnSync(process.execPath, ["--trace-opt", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout
    .split("\n")
    .filter((line) => line.startsWith("[completed compiling"))
    .map((line) => /<JSFunction (\S*)/.exec(line)?.[1] ?? "(anonymous)");
}

/**
 * Node's own path helpers, hot by the time it has resolved the entry's imports (before any code of
 * ours runs): they may be optimized already.
 */
const NODE_RESOLVING = ["isPosixPathSeparator", "normalizeString"];

describe.skipIf(!existsSync(cli))("the bundled CLI's optimizing compilers", () => {
  const local = experiment("local.yaml", "{type: action, name: a, provider: {type: process, path: 'true'}}");

  it("are held off before Node resolves any module of ours: dist/cli.js imports none statically", () => {
    const text = readFileSync(cli, "utf8");
    const ours = [...text.matchAll(/\bimport\s*(?:[\w*{},\s]+from\s*)?["'](\.[^"']*)["']/g)].map((m) => m[1]);
    expect(ours).toEqual([]);
    expect(text).toContain('import("./cli-main.js")');
  });

  it("optimize nothing in a validation, which is over within the delay", () => {
    const optimized = optimizedIn([cli, "validate", local]);
    expect(optimized.filter((name) => !NODE_RESOLVING.includes(name))).toEqual([]);
  });

  it("are left as they are when Node is started with a tiering flag (the check can fail)", () => {
    const optimized = optimizedIn(["--maglev", cli, "validate", local]);
    expect(optimized.filter((name) => !NODE_RESOLVING.includes(name)).length).toBeGreaterThan(0);
  });

  it("go off after a run has loaded Node's modules it needs, whose ahead-of-time code V8 then takes", () => {
    // The hook sees which of Node's modules are loaded when the CLI first turns a compiler off.
    const hook = join(dir, "loaded-at-delay.mjs");
    const loadedFile = join(dir, "loaded-at-delay.json");
    writeFileSync(
      hook,
      [
        'import v8 from "node:v8";',
        'import { writeFileSync } from "node:fs";',
        "const setFlags = v8.setFlagsFromString;",
        "let seen = false;",
        "v8.setFlagsFromString = (flags) => {",
        '  if (!seen && flags.startsWith("--no-")) {',
        "    seen = true;",
        `    writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(process.moduleLoadList));`,
        "  }",
        "  return setFlags(flags);",
        "};",
      ].join("\n"),
    );
    const loadedAtDelay = (args: string[], stdout: "pipe" | "ignore" = "pipe") => {
      rmSync(loadedFile, { force: true });
      const run = spawnSync(process.execPath, ["--import", hook, cli, ...args], {
        cwd: root,
        stdio: ["ignore", stdout, "pipe"],
        encoding: "utf8",
        env: { PATH: process.env.PATH },
        timeout: 30_000,
      });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(readFileSync(loadedFile, "utf8")) as string[];
    };
    const journal = ["--journal-path", join(dir, "journal.json"), "--recovery-timeout", "0"];
    const atRun = loadedAtDelay(["run", local, ...journal]);
    for (const name of ["child_process", "http", "fs/promises"]) {
      expect(atRun).toContain(`NativeModule ${name}`);
    }
    const atValidate = loadedAtDelay(["validate", local]);
    // Its output here is a pipe, as in a CI log, written through a node:net stream.
    expect(atValidate).toContain("NativeModule net");
    expect(atValidate).not.toContain("NativeModule http");
    expect(atValidate).not.toContain("NativeModule child_process");
    // On /dev/null, which Node writes to as a file, it is not loaded early.
    expect(loadedAtDelay(["validate", local], "ignore")).not.toContain("NativeModule net");
  });

  it("optimize what is hot once the delay is over", () => {
    // Hot code (a function called 200,000 times) as soon as the compilers are back on: V8's cache tag
    // changes with its flags, so the hook sees them go off and come back. The run lasts 3 s.
    const hook = join(dir, "hot-late.mjs");
    writeFileSync(
      hook,
      [
        'import { cachedDataVersionTag } from "node:v8";',
        "const hotAfterTheDelay = (x) => (x * 7) % 13;",
        "const flagsAtStart = cachedDataVersionTag();",
        "let wentOff = false;",
        "const poll = setInterval(() => {",
        "  const now = cachedDataVersionTag();",
        "  if (now !== flagsAtStart) wentOff = true;",
        "  else if (wentOff) {",
        "    clearInterval(poll);",
        "    let sum = 0;",
        "    for (let i = 0; i < 200000; i++) sum += hotAfterTheDelay(i);",
        "    globalThis.sum = sum;",
        "  }",
        "}, 20);",
        "poll.unref();",
      ].join("\n"),
    );
    const slow = experiment(
      "slow.yaml",
      "{type: action, name: a, provider: {type: process, path: sleep, arguments: ['3']}}",
    );
    const optimized = optimizedIn([
      "--import",
      hook,
      cli,
      "run",
      slow,
      "--journal-path",
      join(dir, "journal.json"),
      "--recovery-timeout",
      "0",
    ]);
    expect(optimized).toContain("hotAfterTheDelay");
  });
});

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProcessProvider } from "../../src/experiment/format.ts";
import { resolveExecutable } from "../../src/providers/executable.ts";
import { processArgv, runProcessProvider } from "../../src/providers/process.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "which-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (provider: Partial<ProcessProvider> & { path: string }, signal = new AbortController().signal) =>
  runProcessProvider({ type: "process", ...provider }, { signal });

describe("process provider", () => {
  it("runs a program found on PATH with list arguments", async () => {
    expect(await run({ path: "echo", arguments: ["hello", "world"] })).toEqual({
      status: 0,
      stdout: "hello world\n",
      stderr: "",
    });
  });

  it("list arguments drop null and empty strings and are stringified as Python does", async () => {
    const out = await run({ path: "printf", arguments: ["%s|", null, "", 1, true, 2.5, { a: [1] }, "x"] });
    expect(out.stdout).toBe("1|True|2.5|{'a': [1]}|x|");
    expect(processArgv({ "--name": "web", "--flag": null, "-n": 3 })).toEqual([
      "--name",
      "web",
      "--flag",
      "-n",
      "3",
    ]);
    // chaoslib chains keys and values before dropping None and "": an empty key goes too.
    expect(processArgv({ "": "x", "-v": "" })).toEqual(["x", "-v"]);
  });

  it("string arguments go through /bin/sh", async () => {
    const out = await run({ path: "echo", arguments: "one $((1+1)) 1>&2" });
    expect(out).toEqual({ status: 0, stdout: "", stderr: "one 2\n" });
  });

  it("a non-zero exit is an output, not a failure", async () => {
    expect(await run({ path: "sh", arguments: ["-c", "echo out; echo err >&2; exit 3"] })).toEqual({
      status: 3,
      stdout: "out\n",
      stderr: "err\n",
    });
  });

  it("merges env over the process environment", async () => {
    const out = await run({
      path: "sh",
      arguments: ["-c", 'echo "$CHAOS_TEST_VAR:$PATH"'],
      env: { CHAOS_TEST_VAR: "v" },
    });
    expect(out.stdout.startsWith("v:")).toBe(true);
    expect(out.stdout.length).toBeGreaterThan(3);
  });

  it("runs in the environment it is given (the run's, .env var files included)", async () => {
    const out = await runProcessProvider(
      { type: "process", path: "sh", arguments: ["-c", 'echo "$FROM_DOTENV"'] },
      { signal: new AbortController().signal, env: { ...process.env, FROM_DOTENV: "yes" } },
    );
    expect(out.stdout).toBe("yes\n");
  });

  it("times out and kills the process (and its shell's children)", async () => {
    const started = Date.now();
    await expect(run({ path: "sleep", arguments: "5 & wait", timeout: 0.2 })).rejects.toThrow(
      "process activity took too long to complete (timeout: 0.2s)",
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("is killed when the signal aborts, rejecting with its reason", async () => {
    const controller = new AbortController();
    const pending = run({ path: "sleep", arguments: ["5"] }, controller.signal);
    setTimeout(() => controller.abort(new Error("interrupted")), 50);
    await expect(pending).rejects.toThrow("interrupted");
  });

  it("reports a program that cannot be found", async () => {
    await expect(run({ path: "no-such-program-xyz" })).rejects.toThrow(
      "path 'no-such-program-xyz' cannot be found or is not executable (searched PATH)",
    );
  });

  it("resolves paths like shutil.which", () => {
    const dir = mkdtempSync(path.join(scratch, "which-"));
    const script = path.join(dir, "tool");
    writeFileSync(script, "#!/bin/sh\necho tool\n");
    expect(resolveExecutable("tool", dir)).toBeUndefined(); // not executable yet
    chmodSync(script, 0o755);
    expect(resolveExecutable("tool", `/nonexistent:${dir}`)).toBe(script);
    expect(resolveExecutable(script)).toBe(script);
    expect(resolveExecutable("sh")).toMatch(/\/sh$/);
  });

  it("passes over PATH entries that are missing, are files, or hold a directory of that name", () => {
    const dir = mkdtempSync(path.join(scratch, "which-"));
    const script = path.join(dir, "tool");
    writeFileSync(script, "#!/bin/sh\necho tool\n", { mode: 0o755 });
    const shadow = mkdtempSync(path.join(scratch, "shadow-"));
    mkdirSync(path.join(shadow, "tool"));
    const searchPath = ["/nonexistent", script, shadow, "", dir].join(path.delimiter);
    expect(resolveExecutable("tool", searchPath)).toBe(script);
    expect(resolveExecutable("tool", [shadow, "/nonexistent"].join(path.delimiter))).toBeUndefined();
  });

  it("a process killed by a signal has Python's negative return code", async () => {
    expect((await run({ path: "sh", arguments: ["-c", "kill -TERM $$"] })).status).toBe(-15);
  });
});

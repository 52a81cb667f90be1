// The CLI on a terminal: colour (NO_COLOR, FORCE_COLOR), marks for met and missed tolerances, the
// live pause line, substituted arguments, suggestions for a mistyped flag, and each command's help.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_USAGE, parseCommandLine, UsageError } from "../../src/cli/args.ts";
import { type CliIo, main } from "../../src/cli/main.ts";
import { closest, editDistance } from "../../src/cli/suggest.ts";
import { colourEnabled, paintLine, StatusLine, type Ticker } from "../../src/cli/terminal.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-terminal-"));
  // One probe met, one missed (exit status 1 against tolerance 0), a pause, and substituted arguments.
  await writeFile(
    join(dir, "misses.yaml"),
    `title: misses
description: d
configuration:
  word: {type: env, key: WORD, default: hello}
secrets:
  api:
    token: {type: env, key: API_TOKEN}
steady-state-hypothesis:
  title: h
  probes:
    - {type: probe, name: says-word, tolerance: 0, provider: {type: process, path: echo, arguments: ["\${word}", "\${token}"], secrets: [api]}}
method:
  - {type: action, name: act, provider: {type: process, path: 'true'}, pauses: {after: 1.2}}
  - {type: probe, name: fails, provider: {type: process, path: 'false'}}
`,
  );
  await writeFile(
    join(dir, "missed.yaml"),
    "title: missed\ndescription: d\nsteady-state-hypothesis:\n  title: h\n  probes:\n    - {type: probe, name: never, tolerance: 0, provider: {type: process, path: 'false'}}\nmethod:\n  - {type: action, name: act, provider: {type: process, path: 'true'}}\n",
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ESC = "\u001b[";

/** A manual ticker: `tick()` fires what a second of wall-clock time would. */
function manualTicker() {
  const ticks = new Set<() => void>();
  const ticker: Ticker = {
    every: (_ms, tick) => {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
  };
  return {
    ticker,
    tick: () => {
      for (const t of [...ticks]) t();
    },
    active: () => ticks.size,
  };
}

function io(options: { isTTY?: boolean; env?: NodeJS.ProcessEnv; ticker?: Ticker } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const raw: string[] = [];
  const value: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH, API_TOKEN: "tk-9f8e7d6c5b4a", ...options.env },
    onSignal: () => () => {},
    ...(options.isTTY === undefined ? {} : { terminal: { isTTY: options.isTTY, write: (t) => raw.push(t) } }),
    ...(options.ticker ? { ticker: options.ticker } : {}),
  };
  return { value, out, err, raw };
}

describe("colour", () => {
  it("is on for a terminal, off elsewhere; NO_COLOR turns it off, FORCE_COLOR on", () => {
    expect(colourEnabled(true, {})).toBe(true);
    expect(colourEnabled(false, {})).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: "" })).toBe(true);
    expect(colourEnabled(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(colourEnabled(false, { FORCE_COLOR: "" })).toBe(true);
    expect(colourEnabled(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(colourEnabled(true, { FORCE_COLOR: "false" })).toBe(false);
    expect(colourEnabled(false, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
  });

  it("paints marks, verdicts and problems", () => {
    expect(paintLine("  before   ✓ probe p")).toBe(`  before   ${ESC}32m✓${ESC}0m probe p`);
    expect(paintLine("  after    ✗ probe p")).toContain(`${ESC}31m✗${ESC}0m`);
    expect(paintLine("deviated  x.yaml  deviated: p")).toBe(`${ESC}31mdeviated${ESC}0m  x.yaml  deviated: p`);
    expect(paintLine("error: bad")).toBe(`${ESC}31merror:${ESC}0m bad`);
    expect(paintLine("plain text")).toBe("plain text");
  });

  it("colours the CLI's stderr on a terminal only, and off a terminal only when FORCE_COLOR says so", async () => {
    const tty = io({ isTTY: true, env: { WORD: "w" } });
    await main(["run", "missed.yaml"], tty.value);
    expect(tty.err.join("\n")).toContain(`${ESC}31m✗${ESC}0m`);
    expect(tty.err.join("\n")).toContain(`${ESC}31mfailed`);

    for (const quiet of [io({ isTTY: false }), io({ isTTY: true, env: { NO_COLOR: "1" } }), io()]) {
      await main(["run", "missed.yaml"], quiet.value);
      expect(quiet.err.join("\n")).not.toContain(ESC);
    }
    const forced = io({ isTTY: false, env: { FORCE_COLOR: "1" } });
    await main(["run", "missed.yaml"], forced.value);
    expect(forced.err.join("\n")).toContain(`${ESC}31m✗`);
  });
});

describe("progress lines", () => {
  it("mark a missed tolerance ✗ and a met one ✓", async () => {
    const { value, err } = io();
    expect(await main(["run", "missed.yaml"], value)).toBe(1);
    const text = err.join("\n");
    expect(text).toContain("before   ✗ probe never [false] succeeded, tolerance NOT met");
  });

  it("show the substituted arguments, secrets redacted, and one line per pause off a terminal", async () => {
    const { value, err } = io({ isTTY: false });
    await main(["run", "misses.yaml", "--var", "word=bonjour"], value);
    const text = err.join("\n");
    expect(text).toContain("before   ▸ probe says-word [echo] with bonjour ***");
    expect(text).toContain("before   ✓ probe says-word [echo] succeeded, tolerance met");
    expect(text).not.toContain("tk-9f8e7d6c5b4a");
    expect(text).toContain("method   ⏸ pause 1.2 s after act");
  });
});

describe("the live pause line", () => {
  it("counts down in place on a terminal, then is cleared", () => {
    const raw: string[] = [];
    const status = new StatusLine({ isTTY: true, write: (t) => raw.push(t) });
    status.show("pausing 2 s…");
    status.clear();
    status.clear(); // nothing shown: nothing written
    expect(raw).toEqual(["\r\u001b[2Kpausing 2 s…", "\r\u001b[2K"]);
  });

  it("runs while the CLI pauses, and the next line replaces it", async () => {
    const clock = manualTicker();
    const { value, err, raw } = io({ isTTY: true, ticker: clock.ticker });
    const running = main(["run", "misses.yaml"], value);
    // Wait until the pause has started, then let a second of wall-clock time pass.
    for (let i = 0; i < 200 && clock.active() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(raw.at(-1)).toBe("\r\u001b[2Kpausing 2 s… (after act)");
    clock.tick();
    expect(raw.at(-1)).toBe("\r\u001b[2Kpausing 1 s… (after act)");
    await running;
    expect(clock.active()).toBe(0);
    expect(raw.at(-1)).toBe("\r\u001b[2K");
    expect(err.join("\n")).not.toContain("pause 1.2 s");
  });
});

describe("suggestions", () => {
  it("measure edit distance and pick the closest known word", () => {
    expect(editDistance("dryrun", "dry-run")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(closest("--dryrun", ["--dry-run", "--fail-fast"])).toBe("--dry-run");
    expect(closest("--colour", ["--dry-run", "--fail-fast"])).toBeUndefined();
  });

  it.each([
    [["run", "--dryrun"], "Unknown option '--dryrun'; did you mean --dry-run?"],
    [["run", "--namespace", "x"], "did you mean --namespaces?"],
    [["validate", "--noenv"], "did you mean --no-env?"],
    [["cleanup", "--undofile", "f"], "did you mean --undo-file?"],
    [["run", "--colour"], "Unknown option '--colour' (see 'chaos-action run --help')"],
    [["rum"], "unknown command 'rum' (did you mean 'run'? expected run, validate, cleanup or report)"],
  ])("for %j", (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it("reach the user with exit 2", async () => {
    const { value, err } = io();
    expect(await main(["run", "--dryrun"], value)).toBe(2);
    expect(err[0]).toBe("error: Unknown option '--dryrun'; did you mean --dry-run?");
  });
});

describe("chaos-action <command> --help", () => {
  it.each(["run", "validate", "cleanup", "report"] as const)("prints %s's own usage", async (command) => {
    for (const argv of [
      [command, "--help"],
      [command, "-h"],
      ["help", command],
    ]) {
      const { value, out } = io();
      expect(await main(argv, value)).toBe(0);
      expect(out.join("\n")).toBe(COMMAND_USAGE[command]);
      expect(out.join("\n")).toMatch(new RegExp(`^Usage: chaos-action ${command}`));
    }
  });

  it("lists each command's flags", () => {
    expect(COMMAND_USAGE.run).toContain("--dry-run");
    expect(COMMAND_USAGE.validate).toContain("--no-env");
    expect(COMMAND_USAGE.validate).not.toContain("--dry-run");
    expect(COMMAND_USAGE.cleanup).toContain("--undo-file FILE");
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-test-"));
  await writeFile(
    join(dir, "ok.yaml"),
    "title: ok\ndescription: d\nsteady-state-hypothesis:\n  title: h\n  probes:\n    - {type: probe, name: says-hi, tolerance: 0, provider: {type: process, path: echo, arguments: [hi]}}\nmethod:\n  - {type: action, name: act, provider: {type: process, path: 'true'}}\n",
  );
  await writeFile(
    join(dir, "slow.yaml"),
    "title: slow\ndescription: d\nmethod:\n  - {type: action, name: nap, provider: {type: process, path: sleep, arguments: ['5']}}\n",
  );
  await writeFile(join(dir, "bad.json"), '{"title": "t", "description": "d"}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function io(onSignal: CliIo["onSignal"] = () => () => {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal,
  };
  return { value, out, err };
}

describe("chaos-action CLI", () => {
  it("runs an experiment: progress and a verdict table on stderr, exit 0", async () => {
    const { value, err } = io();
    expect(await main(["run", "ok.yaml"], value)).toBe(0);
    const text = err.join("\n");
    expect(text).toContain("before   ✓ probe says-hi [echo] succeeded, tolerance met");
    expect(text).toContain("method   ✓ action act [true] succeeded");
    expect(text).toMatch(/passed\s+ok\.yaml\s+held/);
    expect(text).toContain(`journal: ${join(dir, "journal.json")}`);
  });

  it("exits 2 on an invalid experiment, naming file, line and path", async () => {
    const { value, err } = io();
    expect(await main(["run", "bad.json"], value)).toBe(2);
    expect(err.join("\n")).toContain("bad.json:1:1");
    expect(err.join("\n")).toMatch(/an experiment requires a method/);
  });

  it("exits 2 on a bad flag, with a hint", async () => {
    const { value, err } = io();
    expect(await main(["run", "--rollback-strategy", "maybe"], value)).toBe(2);
    expect(err.join("\n")).toContain("Run 'chaos-action --help' for usage.");
  });

  it("validates without running", async () => {
    const { value } = io();
    expect(await main(["validate", "ok.yaml"], value)).toBe(0);
    expect(await main(["validate", "bad.json"], io().value)).toBe(2);
  });

  it("prints usage and version on stdout", async () => {
    const help = io();
    expect(await main(["--help"], help.value)).toBe(0);
    expect(help.out.join("\n")).toContain("chaos-action run [FILE|DIR|GLOB...]");
    const version = io();
    expect(await main(["--version"], version.value)).toBe(0);
    expect(version.out[0]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("turns SIGINT into an interrupted run and exit 1", async () => {
    let handler: ((signal: NodeJS.Signals) => void) | undefined;
    const { value, err } = io((h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    });
    const running = main(["run", "slow.yaml", "--journal-path", "slow.json"], value);
    setTimeout(() => handler?.("SIGINT"), 200);
    expect(await running).toBe(1);
    expect(err.join("\n")).toContain("SIGINT received");
    expect(err.join("\n")).toMatch(/failed\s+slow\.yaml\s+failed: interrupted by SIGINT/);
    expect(handler).toBeUndefined();
  });
});

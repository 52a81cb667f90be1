// The shipped experiments under load, run by the CLI against the simulated cluster: with three
// replicas the traffic holds, with one it is lost while the replacement starts.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "load-experiments-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const experiment = (name: string) => join(import.meta.dirname, "..", "..", "experiments", name);

async function run(name: string) {
  const err: string[] = [];
  const out: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  };
  const journalPath = join(dir, `${name}.json`);
  const code = await main(["run", experiment(name), "--cluster", "sim", "--journal-path", journalPath], io);
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as Record<string, unknown>;
  out.length = 0;
  await main(["report", journalPath], io);
  return { code, text: err.join("\n"), journal, report: out.join("\n") };
}

type Run = { activity: { name: string }; output: Record<string, unknown> };

const trafficOf = (journal: Record<string, unknown>) =>
  (journal.run as Run[]).find((r) => r.activity.name === "traffic-during-the-fault")!.output;

describe("terminating a web pod under load", () => {
  it("three replicas: every request succeeds and the experiment holds", async () => {
    const { code, text, journal } = await run("terminate-pod-under-load.yaml");
    expect(text).toMatch(/passed .*held/);
    expect(code).toBe(0);
    const traffic = trafficOf(journal);
    expect(traffic.requests).toBe(200);
    expect(traffic.success_ratio).toBe(1);
  }, 60_000);

  it("one replica: requests fail until the replacement is Ready, and the experiment deviates", async () => {
    const { code, text, journal, report } = await run("terminate-single-replica-under-load.yaml");
    expect(code).toBe(1);
    expect(text).toMatch(/deviated/);
    const traffic = trafficOf(journal);
    expect(traffic.failed).toBeGreaterThan(0);
    expect(Object.keys(traffic.errors as object)).toContain("http_503");
    expect(traffic.success_ratio).toBeLessThan(0.99);
    // The report draws the dip, the fault window marked by bars.
    expect(report).toContain("xychart-beta");
    expect(report).toMatch(/title "traffic-during-the-fault - requests that succeeded"/);
    expect(report).toMatch(/bars mark the fault window/);
    const success =
      /title "traffic-during-the-fault - requests that succeeded"[\s\S]*?line \[([^\]]*)\]/.exec(report)![1]!;
    expect(
      success
        .split(", ")
        .map(Number)
        .some((percent) => percent < 100),
    ).toBe(true);
  }, 60_000);
});

// The shipped experiments under load, run in one CLI run against the simulated cluster (the command
// the README shows): with three replicas the traffic holds, with one it is lost while the
// replacement starts; the report draws the dip.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
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

function io() {
  const err: string[] = [];
  const out: string[] = [];
  const value: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  };
  return { value, err, out };
}

type Run = { activity: { name: string }; output: Record<string, unknown> };

const trafficOf = (journal: Record<string, unknown>) =>
  (journal.run as Run[]).find((r) => r.activity.name === "traffic-during-the-fault")!.output;

describe("terminating a web pod under load, three replicas then one, in one run", () => {
  it("three replicas hold every request; one replica loses requests and deviates; the report draws it", async () => {
    const journals = join(dir, "journals");
    const run = io();
    const code = await main(
      [
        "run",
        experiment("terminate-pod-under-load.yaml"),
        experiment("terminate-single-replica-under-load.yaml"),
        "--cluster",
        "sim",
        "--journal-path",
        journals,
      ],
      run.value,
    );
    const text = run.err.join("\n");
    expect(code).toBe(1);
    expect(text).toMatch(/passed +\S*terminate-pod-under-load\.yaml +held/);
    expect(text).toMatch(/deviated +\S*terminate-single-replica-under-load\.yaml/);

    const files = await readdir(journals);
    const read = async (name: string) =>
      JSON.parse(
        await readFile(join(journals, files.find((f) => f.endsWith(`${name}.journal.json`))!), "utf8"),
      );
    const three = trafficOf(await read("terminate-pod-under-load.yaml"));
    expect(three.requests).toBe(200);
    expect(three.success_ratio).toBe(1);
    const one = trafficOf(await read("terminate-single-replica-under-load.yaml"));
    expect(one.failed).toBeGreaterThan(0);
    expect(Object.keys(one.errors as object)).toContain("http_503");
    expect(one.success_ratio).toBeLessThan(0.99);

    const report = io();
    await main(["report", ...files.map((file) => join(journals, file))], report.value);
    const markdown = report.out.join("\n");
    expect(markdown).toContain("xychart-beta");
    expect(markdown).toMatch(/bars mark the fault window/);
    const lines = [
      ...markdown.matchAll(
        /title "traffic-during-the-fault - requests that succeeded"[\s\S]*?line \[([^\]]*)\]/g,
      ),
    ].map((match) => match[1]!.split(", ").map(Number));
    expect(lines).toHaveLength(2);
    expect(lines.some((percents) => percents.some((percent) => percent < 100))).toBe(true);
    expect(lines.some((percents) => percents.every((percent) => percent === 100))).toBe(true);
  }, 90_000);
});

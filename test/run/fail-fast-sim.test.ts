// --fail-fast against the simulated cluster: a web pod killed, the hypothesis (every web pod Running)
// misses while the replacement starts, and the method is cut there, in the middle of an hour-long
// pause or an hour-long action, instead of running on; rollbacks follow the strategy, our undo runs.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";
import type { Journal } from "../../src/engine/journal.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fail-fast-sim-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(): CliIo & { err: string[] } {
  const err: string[] = [];
  return {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
    err,
  };
}

const HOUR = 3600;
const TICK_S = 0.2;

const experimentWith = (longStep: string) => `
title: a killed web pod is noticed at once
description: fail-fast on the simulated cluster
steady-state-hypothesis:
  title: every web pod is Running
  probes:
    - type: probe
      name: web-pods-running
      tolerance: true
      provider:
        type: python
        module: chaosk8s.pod.probes
        func: pods_in_phase
        arguments: {label_selector: app=web, ns: default}
method:
  - type: action
    name: kill-a-web-pod
    provider:
      type: python
      module: chaosk8s.pod.actions
      func: terminate_pods
      arguments: {label_selector: app=web, ns: default, qty: 1, grace_period: 0}
${longStep}
  - type: action
    name: never-reached
    provider: {type: process, path: "${process.execPath}", arguments: ["-e", "0"]}
rollbacks:
  - type: action
    name: rollback-ran
    provider: {type: process, path: "${process.execPath}", arguments: ["-e", "0"]}
`;

async function runFailFast(name: string, longStep: string): Promise<Journal> {
  await writeFile(join(dir, `${name}.yaml`), experimentWith(longStep));
  const cli = io();
  const code = await main(
    [
      "run",
      `${name}.yaml`,
      "--cluster",
      "sim",
      "--hypothesis-strategy",
      "continuously",
      "--hypothesis-frequency",
      String(TICK_S),
      "--fail-fast",
      "--journal-path",
      `${name}.json`,
    ],
    cli,
  );
  expect(code, cli.err.join("\n")).toBe(1);
  return JSON.parse(await readFile(join(dir, `${name}.json`), "utf8")) as Journal;
}

/** Seconds from the miss that tripped fail-fast to the start of the hypothesis after the method. */
function cutLatency(journal: Journal): number {
  const misses = journal.steady_states.during.filter((state) => state.steady_state_met === false);
  expect(misses).toHaveLength(1);
  const breach = Date.parse(misses[0]!.probes.at(-1)!.end);
  return (Date.parse(journal.steady_states.after!.probes[0]!.start) - breach) / 1000;
}

describe("--fail-fast on the simulated cluster", () => {
  it("cuts an hour-long pause after the fault once the hypothesis misses", async () => {
    const journal = await runFailFast(
      "long-pause",
      `  - type: probe
    name: hold-for-an-hour
    provider: {type: process, path: "${process.execPath}", arguments: ["-e", "0"]}
    pauses: {after: ${HOUR}}`,
    );
    expect(journal.run.map((r) => r.activity.name)).toEqual(["kill-a-web-pod", "hold-for-an-hour"]);
    expect(cutLatency(journal)).toBeLessThan(HOUR / 100);
    // The hypothesis after the method raised (a pod not Running): Chaos Toolkit's journal says failed.
    expect(journal).toMatchObject({ status: "failed", deviated: true });
    expect(journal.chaos_action.verdict).toBe("deviated");
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["rollback-ran"]);
  }, 60_000);

  it("cuts an hour-long action in progress, which is left without a status", async () => {
    const journal = await runFailFast(
      "long-action",
      `  - type: action
    name: an-hour-long-action
    provider: {type: process, path: "${process.execPath}", arguments: ["-e", "setTimeout(() => {}, ${HOUR * 1000})"]}`,
    );
    expect(journal.run.map((r) => r.activity.name)).toEqual(["kill-a-web-pod", "an-hour-long-action"]);
    expect(journal.run[1]!.status).toBeUndefined();
    expect(cutLatency(journal)).toBeLessThan(HOUR / 100);
    expect(journal.chaos_action.verdict).toBe("deviated");
    expect(journal.rollbacks.map((r) => r.activity.name)).toEqual(["rollback-ran"]);
  }, 60_000);
});

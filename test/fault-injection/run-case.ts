// Runs one fault-injection case: a fresh simulated cluster, its state before, the real CLI as a child
// process with the fault injected at its moment, `cleanup` where a run was killed (or left changes),
// and the evidence judged. Every process is bounded in time.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  diffSnapshots,
  type SimCluster,
  type SimFaultRuleHandle,
  startSimCluster,
} from "../../src/sim/index.ts";
import type { FaultCase, Signal } from "./cases.ts";
import { fixtureNamed, type Target } from "./fixtures.ts";
import { type Judgement, judge, type RunEvidence } from "./judge.ts";

const bin = join(import.meta.dirname, "..", "..", "src", "cli", "bin.ts");

/** Fast enough for hundreds of cases, slow enough that pods are seen coming and going. */
const timing = { scheduleMs: 5, startMs: 10, readyMs: 10, jitter: 0, deleteGraceMs: 60, establishMs: 10 };

export interface CaseOptions {
  /** A run still going after this long is killed (and judged as hung). */
  runTimeoutMs: number;
}

export interface CaseResult {
  case: FaultCase;
  judgement: Judgement;
  /** What each run's journal says in words, for the listing of failures. */
  reasons: string[];
  durationMs: number;
}

interface CliProcess {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null }>;
  hung: () => boolean;
  output: () => string;
}

function startCli(args: string[], cwd: string, timeoutMs: number): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  return { child, done, hung: () => hung, output: () => output };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ruleOn = (target: Target) => ({ verb: target.verb, resource: target.resource, nth: target.nth });

async function readJournal(file: string): Promise<RunEvidence["journal"]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return "missing";
  }
  try {
    const journal = JSON.parse(text) as {
      status?: string;
      chaos_action?: { verdict?: string; reason?: string };
      undo?: Array<{ status: string; description: string }>;
    };
    return {
      verdict: String(journal.chaos_action?.verdict ?? "(none)"),
      status: String(journal.status),
      reason: String(journal.chaos_action?.reason ?? ""),
      undo: journal.undo ?? [],
    };
  } catch {
    return "unreadable";
  }
}

async function undoStates(file: string): Promise<string[]> {
  try {
    const content = JSON.parse(await readFile(file, "utf8")) as { entries?: Array<{ state: string }> };
    return (content.entries ?? []).map((entry) => entry.state);
  } catch {
    return [];
  }
}

/** Waits until controllers and timers are quiet; a cluster that never settles is reported, not hidden. */
async function settle(sim: SimCluster): Promise<string | undefined> {
  try {
    await sim.settled(15_000);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function runCase(c: FaultCase, options: CaseOptions): Promise<CaseResult> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), "fault-case-"));
  const sim = await startSimCluster({ timing, seed: 1 });
  const intervals: NodeJS.Timeout[] = [];
  try {
    const unsettled = await settle(sim);
    if (unsettled) throw new Error(`the fresh cluster did not settle: ${unsettled}`);
    await writeFile(join(dir, "kubeconfig"), sim.kubeconfig);
    const before = sim.snapshot();

    const runs: Array<{
      cli: CliProcess;
      journal: string;
      undo: string;
      killed: boolean;
      signalled?: Signal;
    }> = [];
    const startRun = (fixture: string) => {
      const index = runs.length + 1;
      const journal = join(dir, `journal-${index}.json`);
      const undo = join(dir, `undo-${index}.json`);
      const cli = startCli(
        ["run", fixture, "--kubeconfig", "kubeconfig", "--journal-path", journal, "--undo-file", undo],
        dir,
        options.runTimeoutMs,
      );
      runs.push({ cli, journal, undo, killed: false });
    };
    const signalFirst = (signal: Signal) => {
      const first = runs[0];
      if (!first || !running(first.cli.child)) return;
      if (signal === "SIGKILL") first.killed = true;
      first.signalled = signal;
      first.cli.child.kill(signal);
    };

    const fault = c.fault;
    const handles: SimFaultRuleHandle[] = [];
    let outage: Promise<void> | undefined;
    switch (fault.kind) {
      case "none":
        for (const target of fault.targets) {
          handles.push(sim.addFaultRule({ ...ruleOn(target), effect: { kind: "latency", ms: 0 } }));
        }
        break;
      case "rules":
        for (const rule of fault.rules) handles.push(sim.addFaultRule(rule));
        break;
      case "outage":
        handles.push(
          sim.addFaultRule({
            ...ruleOn(fault.target),
            effect: { kind: "reset" },
            onHit: () => {
              outage = sim.unreachable({ ms: fault.ms, mode: fault.mode });
            },
          }),
        );
        break;
      case "signal-in-flight":
        handles.push(
          sim.addFaultRule({
            ...ruleOn(fault.target),
            effect: { kind: "latency", ms: fault.holdMs },
            onHit: () => signalFirst(fault.signal),
          }),
        );
        break;
      case "drop-watches":
        intervals.push(setInterval(() => sim.dropWatches({ abrupt: fault.abrupt }), fault.everyMs));
        break;
      case "signal":
      case "concurrent":
        break;
    }

    startRun(fixtureNamed(c.fixture).file);
    if (fault.kind === "signal") intervals.push(setTimeout(() => signalFirst(fault.signal), fault.afterMs));
    if (fault.kind === "concurrent") {
      await sleep(fault.offsetMs);
      startRun(fixtureNamed(fault.partner).file);
    }
    const exits = await Promise.all(runs.map((run) => run.cli.done));
    for (const timer of intervals) clearInterval(timer);
    sim.clearFaultRules();
    await outage;

    const unsettledAfter = await settle(sim);
    const afterRuns = diffSnapshots(before, sim.snapshot());
    const evidence = await Promise.all(
      runs.map(
        async (run, i): Promise<RunEvidence> => ({
          exitCode: exits[i]!.code,
          signal: exits[i]!.signal,
          hung: run.cli.hung(),
          killed: run.killed,
          ...(run.signalled ? { signalled: run.signalled } : {}),
          journal: await readJournal(run.journal),
          undoStates: await undoStates(run.undo),
        }),
      ),
    );

    let cleanup: { exitCodes: Array<number | null>; differences: string[] } | undefined;
    if (afterRuns.length > 0 || evidence.some((run) => run.killed || run.hung)) {
      const exitCodes: Array<number | null> = [];
      for (const run of runs) {
        const cli = startCli(["cleanup", "--undo-file", run.undo, "--kubeconfig", "kubeconfig"], dir, 60_000);
        exitCodes.push((await cli.done).code);
      }
      await settle(sim);
      cleanup = { exitCodes, differences: diffSnapshots(before, sim.snapshot()) };
    }

    const fired =
      fault.kind === "none"
        ? handles.every((h) => h.hits > 0)
        : !("target" in fault) || fault.target === undefined || handles.some((h) => h.hits > 0);
    const judgement = judge({
      runs: evidence,
      afterRuns,
      ...(cleanup ? { cleanup } : {}),
      faultFired: fired,
    });
    if (unsettledAfter) judgement.problems.push(`(the cluster did not settle: ${unsettledAfter})`);
    if (sim.internalErrors.length > 0) {
      judgement.problems.push(
        `(the simulated cluster hit internal errors: ${String(sim.internalErrors[0])})`,
      );
    }
    const reasons = evidence.map((run, i) => {
      const journal = run.journal;
      const said = typeof journal === "object" ? journal.reason : `journal ${journal}`;
      const how = run.killed ? "killed" : run.hung ? "hung" : `exit ${run.exitCode ?? run.signal}`;
      return `${runs.length > 1 ? `run ${i + 1}: ` : ""}${how}, ${said}`;
    });
    return { case: c, judgement, reasons, durationMs: Date.now() - started };
  } finally {
    for (const timer of intervals) clearInterval(timer);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// The verdicts of a run as JSON lines (`--output jsonl`): one line per experiment, then one for the
// run, for a scheduled job whose log is read by a machine. Pure: the entry point prints them on stdout.
import type { RunResult } from "./outcome.ts";
import type { Verdict } from "./verdict.ts";

export interface ExperimentLine {
  type: "experiment";
  file: string;
  title?: string;
  verdict: Verdict;
  /** "held", "deviated: <probe>", "failed: <reason>", "invalid: <first error>". */
  reason: string;
  start?: string;
  end?: string;
  /** Seconds. */
  duration?: number;
  journal?: string;
}

export interface RunLine {
  type: "run";
  verdict: Verdict;
  exitCode: number;
  /** How many experiments ended with each verdict. */
  counts: Partial<Record<Verdict, number>>;
  /** Where it ran (no credential): the first connection's context, server and version. */
  cluster?: { context?: string; server?: string; version?: string };
  /** Changes our undo could not revert, still in the cluster. */
  leftChanged?: string[];
  /** Why the run stopped before producing verdicts. */
  error?: string;
  version: string;
}

/** One JSON line per experiment, then the run's. */
export function verdictLines(result: RunResult, run: { exitCode: number; version: string }): string[] {
  const experiments: ExperimentLine[] = result.outcomes.map((outcome) => {
    const journal = outcome.journal;
    return {
      type: "experiment",
      file: outcome.file,
      ...(outcome.title === undefined ? {} : { title: outcome.title }),
      verdict: outcome.verdict,
      reason: outcome.reason,
      ...(journal ? { start: journal.start, end: journal.end, duration: journal.duration } : {}),
      ...(outcome.journalPath === undefined ? {} : { journal: outcome.journalPath }),
    };
  });
  const counts: Partial<Record<Verdict, number>> = {};
  for (const outcome of result.outcomes) counts[outcome.verdict] = (counts[outcome.verdict] ?? 0) + 1;
  const cluster = result.outcomes.find((o) => o.journal?.chaos_action.cluster)?.journal?.chaos_action.cluster;
  const line: RunLine = {
    type: "run",
    verdict: result.verdict,
    exitCode: run.exitCode,
    counts,
    ...(cluster
      ? {
          cluster: {
            ...(cluster.context === undefined ? {} : { context: cluster.context }),
            ...(cluster.server === undefined ? {} : { server: cluster.server }),
            ...(cluster.version === undefined ? {} : { version: cluster.version }),
          },
        }
      : {}),
    ...(result.undo ? { leftChanged: result.undo.pending } : {}),
    version: run.version,
  };
  return [...experiments, line].map((item) => JSON.stringify(item));
}

/** The run's line when it stopped with an error before any verdict (bad input, unreachable cluster). */
export function errorRunLine(error: string, run: { exitCode: number; version: string }): string {
  const line: RunLine = {
    type: "run",
    verdict: run.exitCode === 2 ? "invalid" : "failed",
    exitCode: run.exitCode,
    counts: {},
    error,
    version: run.version,
  };
  return JSON.stringify(line);
}

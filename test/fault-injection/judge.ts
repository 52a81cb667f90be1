// Whether a case left the cluster as it was, and whether its exit status and journal told the truth.
// Pure: the evidence a case gathered in, a judgement with its reasons in words out.

/** What a run's journal says: its verdict, the reason in words, and its undo steps. */
export interface JournalFacts {
  verdict: string;
  status: string;
  reason: string;
  undo: Array<{ status: string; description: string }>;
}

/** What one run of the CLI left behind. */
export interface RunEvidence {
  /** Exit status, or null when the process died of a signal. */
  exitCode: number | null;
  signal: string | null;
  /** Killed by the harness because it did not finish in time. */
  hung: boolean;
  /** Killed on purpose with SIGKILL: no exit status or journal is expected of it. */
  killed: boolean;
  /** The signal the harness sent it, if any. */
  signalled?: string;
  /** The journal's verdict and undo steps; "missing" or "unreadable" when there is none to read. */
  journal: JournalFacts | "missing" | "unreadable";
  /** States of the steps in the run's undo file (none when the file is absent). */
  undoStates: string[];
}

export interface CaseEvidence {
  runs: RunEvidence[];
  /** Differences from the state before, once every run ended and the cluster settled. */
  afterRuns: string[];
  /** After `cleanup` of every run's undo file, where it ran. */
  cleanup?: { exitCodes: Array<number | null>; differences: string[] };
  /** False when a fault aimed at a request never hit it: the case proved nothing. */
  faultFired: boolean;
}

export interface Judgement {
  /** The fault fired, the cluster was restored, and every exit status and journal told the truth. */
  passed: boolean;
  restored: boolean;
  truthful: boolean;
  /** Each problem in words; empty when the case passed. */
  problems: string[];
}

const passed = (run: RunEvidence) => typeof run.journal === "object" && run.journal.verdict === "passed";

function truthOfRun(run: RunEvidence, label: string, leftChanged: boolean): string[] {
  if (run.killed) return [];
  if (run.hung) return [`${label} did not finish in time and was killed`];
  // Dying of the signal it was sent (before its handlers were installed) claims nothing: the shell
  // sees 128 + the signal's number. Whether the cluster was left as before is judged apart.
  if (
    run.exitCode === null &&
    run.signal !== null &&
    run.signal === run.signalled &&
    run.journal === "missing"
  ) {
    return [];
  }
  const problems: string[] = [];
  if (run.exitCode === null) problems.push(`${label} died of ${run.signal} without a verdict`);
  else if (run.exitCode !== 0 && run.exitCode !== 1) problems.push(`${label} exited ${run.exitCode}`);
  if (run.journal === "missing") problems.push(`${label} wrote no journal`);
  if (run.journal === "unreadable") problems.push(`${label} wrote a journal that is not JSON`);
  if (typeof run.journal === "object") {
    const { verdict } = run.journal;
    if (run.exitCode === 0 && verdict !== "passed")
      problems.push(`${label} exited 0, its journal says ${verdict}`);
    if (run.exitCode === 1 && verdict === "passed")
      problems.push(`${label} exited 1, its journal says passed`);
    const failedUndo = run.journal.undo.filter((step) => step.status !== "succeeded");
    if (verdict === "passed" && failedUndo.length > 0) {
      problems.push(
        `${label}'s journal says passed with an undo step ${failedUndo[0]!.status}: ${failedUndo[0]!.description}`,
      );
    }
  }
  if (leftChanged && (run.exitCode === 0 || passed(run))) {
    problems.push(`${label} claimed a pass (exit ${run.exitCode}) with the cluster left changed`);
  }
  return problems;
}

export function judge(evidence: CaseEvidence): Judgement {
  const killed = evidence.runs.some((run) => run.killed || run.hung);
  const label = (i: number) => (evidence.runs.length > 1 ? `run ${i + 1}` : "the run");
  const leftChanged = evidence.afterRuns.length > 0;
  const restoredBy = killed ? evidence.cleanup?.differences : evidence.afterRuns;
  const restored = restoredBy !== undefined && restoredBy.length === 0;

  const lies: string[] = evidence.runs.flatMap((run, i) => truthOfRun(run, label(i), leftChanged));
  if (leftChanged && !killed && evidence.runs.every((run) => !run.undoStates.includes("pending"))) {
    lies.push("the cluster was left changed, yet no undo step is pending for cleanup");
  }
  const cleanupCodes = evidence.cleanup?.exitCodes ?? [];
  const stillChanged = (evidence.cleanup?.differences.length ?? 0) > 0;
  if (stillChanged && cleanupCodes.every((code) => code === 0)) {
    lies.push("cleanup exited 0 with the cluster still changed");
  }
  cleanupCodes.forEach((code, i) => {
    if (code !== 0) lies.push(`cleanup of ${label(i)}'s undo file exited ${code}`);
  });

  const problems: string[] = [];
  if (!evidence.faultFired)
    problems.push("the fault never fired: a target request of the fixture was not sent");
  if (!restored) {
    const differences = restoredBy ?? evidence.afterRuns;
    const when = killed ? "after cleanup" : "after the run";
    problems.push(...differences.map((difference) => `${when}: ${difference}`));
    if (!killed && evidence.cleanup && evidence.cleanup.differences.length === 0) {
      problems.push("(cleanup --undo-file restored it afterwards)");
    }
  }
  problems.push(...lies);
  const truthful = lies.length === 0;
  return { passed: evidence.faultFired && restored && truthful, restored, truthful, problems };
}

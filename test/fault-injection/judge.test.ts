// The judgement of a case: restored, and exit status and journal telling the truth.
import { describe, expect, it } from "vitest";
import { type CaseEvidence, judge, type RunEvidence } from "./judge.ts";

const journal = (verdict: string, undo: Array<{ status: string; description: string }> = []) => ({
  verdict,
  status: verdict === "passed" ? "completed" : "failed",
  reason: verdict,
  undo,
});

const run = (overrides: Partial<RunEvidence> = {}): RunEvidence => ({
  exitCode: 0,
  signal: null,
  hung: false,
  killed: false,
  journal: journal("passed", [{ status: "succeeded", description: "scale back" }]),
  undoStates: ["done"],
  ...overrides,
});

const evidence = (overrides: Partial<CaseEvidence> = {}): CaseEvidence => ({
  runs: [run()],
  afterRuns: [],
  faultFired: true,
  ...overrides,
});

describe("judge", () => {
  it("passes a clean pass, and a truthful failure that restored the cluster", () => {
    expect(judge(evidence())).toEqual({ passed: true, restored: true, truthful: true, problems: [] });
    const failed = run({ exitCode: 1, journal: journal("failed") });
    expect(judge(evidence({ runs: [failed] })).passed).toBe(true);
  });

  it("fails a pass that left the cluster changed with nothing pending (the failed-undo-passes bug)", () => {
    const verdict = judge(
      evidence({
        runs: [
          run({
            journal: journal("passed", [{ status: "failed", description: "delete NetworkPolicy default/x" }]),
            undoStates: ["failed"],
          }),
        ],
        afterRuns: ["NetworkPolicy default/x: created, and still there"],
        cleanup: { exitCodes: [0], differences: ["NetworkPolicy default/x: created, and still there"] },
      }),
    );
    expect(verdict).toMatchObject({ passed: false, restored: false, truthful: false });
    expect(verdict.problems).toEqual([
      "after the run: NetworkPolicy default/x: created, and still there",
      "the run's journal says passed with an undo step failed: delete NetworkPolicy default/x",
      "the run claimed a pass (exit 0) with the cluster left changed",
      "the cluster was left changed, yet no undo step is pending for cleanup",
      "cleanup exited 0 with the cluster still changed",
    ]);
  });

  it("counts a failure left pending for cleanup as truthful, not as restored", () => {
    const verdict = judge(
      evidence({
        runs: [run({ exitCode: 1, journal: journal("failed"), undoStates: ["pending"] })],
        afterRuns: ["Deployment default/web: spec.replicas 3 → 0"],
        cleanup: { exitCodes: [0], differences: [] },
      }),
    );
    expect(verdict).toMatchObject({ passed: false, restored: false, truthful: true });
    expect(verdict.problems).toContain("(cleanup --undo-file restored it afterwards)");
  });

  it("judges a killed run by the state after cleanup, and expects no journal of it", () => {
    const killed = run({
      exitCode: null,
      signal: "SIGKILL",
      killed: true,
      journal: "missing",
      undoStates: ["pending"],
    });
    const changed = ["Node sim-node-1: spec.unschedulable (unset) → true"];
    expect(
      judge(evidence({ runs: [killed], afterRuns: changed, cleanup: { exitCodes: [0], differences: [] } }))
        .passed,
    ).toBe(true);
    const left = judge(
      evidence({ runs: [killed], afterRuns: changed, cleanup: { exitCodes: [0], differences: changed } }),
    );
    expect(left.problems).toEqual([
      "after cleanup: Node sim-node-1: spec.unschedulable (unset) → true",
      "cleanup exited 0 with the cluster still changed",
    ]);
  });

  it("calls out exit codes and journals that disagree, deaths by signal, hangs and faults that never fired", () => {
    const problems = (runs: RunEvidence[], faultFired = true) =>
      judge(evidence({ runs, faultFired })).problems;
    expect(problems([run({ exitCode: 0, journal: journal("failed") })])).toEqual([
      "the run exited 0, its journal says failed",
    ]);
    expect(problems([run({ exitCode: 1 })])).toEqual(["the run exited 1, its journal says passed"]);
    expect(problems([run({ exitCode: null, signal: "SIGINT", journal: "missing" })])).toEqual([
      "the run died of SIGINT without a verdict",
      "the run wrote no journal",
    ]);
    expect(
      problems([run({ exitCode: null, signal: "SIGINT", signalled: "SIGINT", journal: "missing" })]),
    ).toEqual([]);
    expect(problems([run({ exitCode: 2 })])).toEqual(["the run exited 2"]);
    expect(problems([run({ hung: true })])[0]).toBe("the run did not finish in time and was killed");
    expect(problems([run()], false)).toEqual([
      "the fault never fired: a target request of the fixture was not sent",
    ]);
  });

  it("names which of two concurrent runs lied", () => {
    const verdict = judge(
      evidence({
        runs: [run(), run({ exitCode: 1, journal: journal("failed"), undoStates: ["pending"] })],
        afterRuns: ["Deployment default/web: spec.replicas 3 → 0"],
      }),
    );
    expect(verdict.problems).toContain("run 1 claimed a pass (exit 0) with the cluster left changed");
  });
});

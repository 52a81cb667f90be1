import { describe, expect, it } from "vitest";
import { journalFileName, journalPaths } from "../../src/run/journal-path.ts";
import { combineVerdicts, exitCodeOf } from "../../src/run/verdict.ts";

describe("combineVerdicts", () => {
  it("takes the worst: invalid > failed > deviated > passed > skipped", () => {
    expect(combineVerdicts(["passed", "skipped"])).toBe("passed");
    expect(combineVerdicts(["passed", "deviated", "passed"])).toBe("deviated");
    expect(combineVerdicts(["deviated", "failed"])).toBe("failed");
    expect(combineVerdicts(["failed", "invalid", "passed"])).toBe("invalid");
    expect(combineVerdicts(["skipped"])).toBe("skipped");
  });

  it("treats zero experiments as invalid, never a pass", () => {
    expect(combineVerdicts([])).toBe("invalid");
  });

  it("maps verdicts to exit codes", () => {
    expect([exitCodeOf("passed"), exitCodeOf("skipped")]).toEqual([0, 0]);
    expect([exitCodeOf("deviated"), exitCodeOf("failed")]).toEqual([1, 1]);
    expect(exitCodeOf("invalid")).toBe(2);
  });
});

describe("journal paths", () => {
  it("names journals after the experiment's relative path", () => {
    expect(journalFileName("experiments/pods/kill.yaml", "/w")).toBe(
      "experiments__pods__kill.yaml.journal.json",
    );
    expect(journalFileName("/w/a/kill.yaml", "/w")).toBe("a__kill.yaml.journal.json");
  });

  it("keeps files of the same name in different folders apart", () => {
    const [a, b] = journalPaths(["a/kill.yaml", "b/kill.yaml"], "/w", "out");
    expect(a).toBe("/w/out/a__kill.yaml.journal.json");
    expect(b).toBe("/w/out/b__kill.yaml.journal.json");
  });

  it("writes one experiment's journal to the given file, or ./journal.json by default", () => {
    expect(journalPaths(["x.yaml"], "/w", "j/run.json")).toEqual(["/w/j/run.json"]);
    expect(journalPaths(["x.yaml"], "/w")).toEqual(["/w/journal.json"]);
    // A path not ending in .json is a directory, also for one experiment.
    expect(journalPaths(["e/x.yaml"], "/w", "out/")).toEqual(["/w/out/e__x.yaml.journal.json"]);
    // Several experiments without a --journal-path: one journal each in the working directory.
    expect(journalPaths(["a.yaml", "b.yaml"], "/w")).toEqual([
      "/w/a.yaml.journal.json",
      "/w/b.yaml.journal.json",
    ]);
  });

  it("refuses a .json journal path for several experiments", () => {
    expect(() => journalPaths(["a.yaml", "b.yaml"], "/w", "run.json")).toThrow(/give a directory instead/);
  });
});

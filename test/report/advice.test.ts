// The advice section of the report and the advice lines of the log, from a journal's
// chaos_action.advice: collapsible with a row per finding, a line when not available, escaped text.
import { describe, expect, it } from "vitest";
import type { Advice, Journal } from "../../src/engine/journal.ts";
import { adviceLines, adviceSection } from "../../src/report/advice.ts";
import { renderReport } from "../../src/report/markdown.ts";
import { outcomeOfJournalFile } from "../../src/report/saved-journal.ts";
import { journal, outcomeOf } from "./journals.ts";

const withAdvice = (advice: Advice | undefined): Journal => {
  const held = journal("terminate-pod-held");
  return { ...held, chaos_action: { ...held.chaos_action, ...(advice ? { advice } : {}) } };
};

const web = { kind: "Deployment", namespace: "shop", name: "web" };

describe("the advice section", () => {
  it("is absent from journals without advice", () => {
    expect(adviceSection(withAdvice(undefined))).toEqual([]);
    expect(adviceLines(undefined)).toEqual([]);
  });

  it("folds its findings into <details>, one row each with the object and the change, escaped", () => {
    const lines = adviceSection(
      withAdvice({
        available: true,
        read: [web],
        findings: [
          {
            check: "single-replica",
            object: web,
            seen: "runs 1 replica | *really*",
            change: "Run 3 <replicas>",
          },
        ],
      }),
    );
    expect(lines).toEqual([
      "<details>",
      "<summary>💡 Advice: 1 finding (1 object read)</summary>",
      "",
      "| finding | object | seen | change |",
      "|---|---|---|---|",
      "| single replica | `Deployment shop/web` | runs 1 replica \\| \\*really\\* | Run 3 &lt;replicas&gt; |",
      "",
      "</details>",
      "",
    ]);
  });

  it("says when there is nothing to change, and what it read", () => {
    expect(adviceSection(withAdvice({ available: true, read: [web], findings: [] }))).toEqual([
      "**Advice**: no findings (1 object read: `Deployment shop/web`).",
      "",
    ]);
  });

  it("says why advice is not available, in the report and in the log", () => {
    const advice: Advice = {
      available: false,
      reason: "forbidden: list poddisruptionbudgets",
      read: [],
      findings: [],
    };
    expect(adviceSection(withAdvice(advice))).toEqual([
      "**Advice** not available: forbidden: list poddisruptionbudgets",
      "",
    ]);
    expect(adviceLines(advice)).toEqual(["advice not available: forbidden: list poddisruptionbudgets"]);
  });

  it("is part of each experiment's section in the whole report", () => {
    const outcome = outcomeOf("terminate-pod-held");
    const report = renderReport({
      verdict: "passed",
      outcomes: [{ ...outcome, journal: withAdvice({ available: true, read: [web], findings: [] }) }],
    });
    expect(report).toContain("**Advice**: no findings (1 object read");
  });

  it("of a saved journal is checked before it is trusted: a malformed one names the key", () => {
    const good = withAdvice({ available: true, read: [web], findings: [] });
    expect(outcomeOfJournalFile(JSON.stringify(good), "good.json").journal?.chaos_action.advice).toEqual(
      good.chaos_action.advice,
    );
    const bad = {
      ...good,
      chaos_action: { ...good.chaos_action, advice: { available: true, findings: [{}] } },
    };
    expect(() => outcomeOfJournalFile(JSON.stringify(bad), "bad.json")).toThrow(
      "bad.json: not a journal: missing or wrong `chaos_action.advice` (`available`, `read` and `findings` of objects)",
    );
  });
});

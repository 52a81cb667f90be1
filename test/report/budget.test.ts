import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT, capReport, SUMMARY_LIMIT, sizeOf } from "../../src/report/budget.ts";
import { type ReportOutcome, renderReport } from "../../src/report/markdown.ts";
import { journal, outcomeOf } from "./journals.ts";

const runUrl = "https://github.com/acme/shop/actions/runs/42";
const comment = { limit: { max: COMMENT_LIMIT, unit: "characters" as const }, runUrl };

/** An experiment of `name`'s fixture with a long title and long activity and probe names. */
function long(name: string, index: number): ReportOutcome {
  const source = journal(name);
  const words = `experiment ${index} `.repeat(40);
  source.experiment.title = `${words}| *title* <b>${index}</b>`;
  for (const run of [...source.run, ...source.rollbacks, ...(source.steady_states.before?.probes ?? [])]) {
    run.activity.name = `${run.activity.name}-${"x".repeat(150)}-${index}`;
  }
  return { ...outcomeOf(name), title: source.experiment.title, journal: source };
}

/** Every fenced block, opening and closing lines included. */
const blocks = (markdown: string) => markdown.match(/^```mermaid\n[\s\S]*?\n```$/gm) ?? [];

function mixed(count: number): ReportOutcome[] {
  return Array.from({ length: count }, (_, index) =>
    long(
      index % 10 === 3
        ? "single-replica-deviated"
        : index % 10 === 7
          ? "unhealthy-before-failed"
          : "terminate-pod-held",
      index,
    ),
  );
}

describe("the size budget", () => {
  it("keeps 50 experiments of long names within a comment, whole diagrams only", () => {
    const outcomes = mixed(50);
    const full = renderReport({ verdict: "failed", outcomes }, { runUrl });
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
    const fitted = renderReport({ verdict: "failed", outcomes }, comment);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    // No diagram is cut: each one left is one of the full report's, whole.
    const whole = new Set(blocks(full));
    expect(blocks(fitted).length).toBeGreaterThan(0);
    for (const block of blocks(fitted)) expect(whole.has(block)).toBe(true);
    expect((fitted.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(fitted.match(/<details>/g)?.length).toBe(fitted.match(/<\/details>/g)?.length);
    // Every experiment keeps its row in the overview table.
    for (let index = 0; index < 50; index++)
      expect(fitted).toContain(`experiment ${index} experiment ${index}`);
    expect(fitted).toContain(`Everything is in the [job summary](${runUrl}).`);
  });

  it("takes detail from what held before what deviated or failed", () => {
    const fitted = renderReport({ verdict: "failed", outcomes: mixed(50) }, comment);
    const sections = fitted.split(/\n(?=### |<details>)/);
    const timelines = (prefix: string) =>
      sections.filter((section) => section.startsWith(prefix) && section.includes("```mermaid")).length;
    expect(timelines("### 🔥")).toBe(5);
    expect(timelines("### ❌")).toBe(5);
    expect(timelines("<details>")).toBeLessThan(40);
  });

  it("shortens experiments of one verdict too, never below their figures", () => {
    const outcomes = Array.from({ length: 50 }, (_, index) => long("single-replica-deviated", index));
    const fitted = renderReport({ verdict: "deviated", outcomes }, comment);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(fitted).toContain("| fault injected | first miss | held again |");
    expect(fitted).toContain("✂️ Shortened to fit");
  });

  it("keeps the job summary whole within its own limit of 1 MiB", () => {
    const outcomes = mixed(50);
    const summary = renderReport(
      { verdict: "failed", outcomes },
      { runUrl, limit: { max: SUMMARY_LIMIT, unit: "bytes" } },
    );
    expect(summary).toBe(renderReport({ verdict: "failed", outcomes }, { runUrl }));
    expect(sizeOf(summary, "bytes")).toBeLessThanOrEqual(SUMMARY_LIMIT);
    // Counted in bytes: emoji and accents weigh more than one.
    expect(sizeOf("✅ é", "bytes")).toBe(6);
  });

  it("leaves a report within the limit as it is", () => {
    const outcomes = [outcomeOf("terminate-pod-held")];
    expect(renderReport({ verdict: "passed", outcomes }, comment)).toBe(
      renderReport({ verdict: "passed", outcomes }, { runUrl }),
    );
  });
});

describe("capReport", () => {
  it("never cuts a fenced block or a table in half", () => {
    const table = [
      "| a | b |",
      "|---|---|",
      ...Array.from({ length: 30 }, (_, i) => `| ${i} | ${"y".repeat(20)} |`),
    ];
    const diagram = [
      "```mermaid",
      "gantt",
      ...Array.from({ length: 30 }, (_, i) => `    task ${i} :00:00:0${i % 10}.000, 00:00:09.000`),
      "```",
    ];
    const text = ["# head", "", ...table, "", ...diagram, "", "tail"].join("\n");
    for (let limit = 200; limit < text.length; limit += 37) {
      const capped = capReport(text, limit);
      expect(capped.length).toBeLessThanOrEqual(limit);
      const kept = capped.split("\n");
      const rows = kept.filter((line) => line.startsWith("| "));
      expect([0, table.length - 1]).toContain(rows.length);
      expect((capped.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
  });
});

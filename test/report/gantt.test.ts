import { describe, expect, it } from "vitest";
import { ganttOf, MAX_BARS, mermaidLabel } from "../../src/report/gantt.ts";
import { timelineOf } from "../../src/report/timeline.ts";
import { journal } from "./journals.ts";

/** What Mermaid's gantt grammar reads as a task: a label without `:`/`#`/`;`, then tags and two times. */
const TASK =
  /^ {4}[^:#;%\s][^:#;%]* :(?:(?:crit|done|active|milestone), )*\d\d:\d\d:\d\d\.\d{3}, \d\d:\d\d:\d\d\.\d{3}$/;

describe("ganttOf", () => {
  it("writes a chart of sections and tasks Mermaid's gantt grammar reads", () => {
    const chart = ganttOf(timelineOf(journal("continuous-miss-recovered")))!;
    const lines = chart.source.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "gantt",
      "    dateFormat HH:mm:ss.SSS",
      "    axisFormat %M:%S",
      "    todayMarker off",
    ]);
    for (const line of lines.slice(4)) {
      expect(line.startsWith("    section ") || TASK.test(line), line).toBe(true);
    }
    expect(chart.source).toContain("    ✗ api-answers ×2 :crit, 00:00:01.200, 00:00:02.240");
    expect(chart.source).toContain("    ⚡ fault injected :milestone, 00:00:00.100, 00:00:00.100");
    expect(chart.source).toContain("    ✓ held again :done, milestone, 00:00:08.600, 00:00:08.600");
    expect(chart.left).toBe(0);
  });

  it("keeps user text from ending a label, commenting out the line or starting a keyword", () => {
    expect(mermaidLabel("title: x # y; 100% <b>&amp;</b>")).toBe("title x y 100 b amp /b");
    const source = journal("terminate-pod-held");
    source.run[0]!.activity.name = "section evil: click here %%{init}%%\nnext";
    const chart = ganttOf(timelineOf(source))!;
    for (const line of chart.source.split("\n").slice(4)) {
      expect(line.startsWith("    section ") || TASK.test(line), line).toBe(true);
    }
    expect(chart.source).toContain("▶ section evil click here init next :active");
  });

  it("draws at most MAX_BARS bars, leaving out checks that met first", () => {
    const source = journal("continuous-miss-recovered");
    const template = source.steady_states.during[0]!;
    source.steady_states.during = Array.from({ length: 100 }, (_, index) => ({
      steady_state_met: index % 2 === 0,
      probes: template.probes.map((probe) => ({
        ...probe,
        start: new Date(Date.parse(source.start) + index * 40).toISOString(),
        end: new Date(Date.parse(source.start) + index * 40 + 30).toISOString(),
        tolerance_met: index % 2 === 0,
      })),
    }));
    const chart = ganttOf(timelineOf(source))!;
    const bars = chart.source.split("\n").filter((line) => TASK.test(line) && !line.includes("milestone"));
    expect(bars).toHaveLength(MAX_BARS);
    expect(chart.left).toBeGreaterThan(0);
    expect(chart.source).toContain("↩ restart-api");
    expect(chart.source).toContain("✗ check ×2");
  });

  it("draws nothing for a journal without times", () => {
    const source = journal("unhealthy-before-failed");
    source.steady_states.before!.probes = [];
    expect(ganttOf(timelineOf(source))).toBeUndefined();
  });
});

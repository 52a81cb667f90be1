import { describe, expect, it } from "vitest";
import type { Journal } from "../../src/engine/journal.ts";
import { MAX_POINTS, trafficCharts, trafficPoints } from "../../src/report/traffic-chart.ts";

const second = (t: number, requests: number, succeeded: number, p99 = 5) => ({
  t,
  requests,
  succeeded,
  failed: requests - succeeded,
  p99,
});

describe("traffic chart", () => {
  it("marks the seconds the fault window overlaps and gives the success percent", () => {
    const points = trafficPoints([second(0, 10, 10), second(1, 10, 5, 40), second(2, 10, 10)], {
      from: 1.2,
      to: 1.3,
    });
    expect(points).toEqual([
      { t: 0, success: 100, p99: 5, fault: false },
      { t: 1, success: 50, p99: 40, fault: true },
      { t: 2, success: 100, p99: 5, fault: false },
    ]);
  });

  it("merges long runs into at most MAX_POINTS buckets, keeping the worst p99", () => {
    const series = Array.from({ length: 600 }, (_, t) =>
      second(t, 10, t === 301 ? 0 : 10, t === 302 ? 900 : 5),
    );
    const points = trafficPoints(series);
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS);
    const dip = points.find((p) => p.t === 300)!;
    expect(dip.success).toBe(90);
    expect(dip.p99).toBe(900);
  });

  it("draws a load activity of the method as xychart-beta, and nothing without one", () => {
    const journal = {
      run: [
        {
          activity: {
            type: "probe",
            name: 'load "x"',
            provider: { type: "python", module: "chaosaction.load.probes", func: "generate_load" },
          },
          output: { series: [second(0, 5, 5), second(1, 5, 0), second(2, 5, 5)] },
          start: "2026-01-01T00:00:00.000+00:00",
          end: "2026-01-01T00:00:03.000+00:00",
          duration: 3,
        },
        {
          activity: {
            type: "action",
            name: "kill",
            provider: { type: "python", module: "chaosk8s.pod.actions", func: "terminate_pods" },
          },
          output: null,
          start: "2026-01-01T00:00:01.100+00:00",
          end: "2026-01-01T00:00:01.200+00:00",
          duration: 0.1,
        },
      ],
    } as unknown as Journal;
    const text = trafficCharts(journal).join("\n");
    expect(text).toContain("xychart-beta");
    expect(text).toContain('title "load x - requests that succeeded"');
    expect(text).toContain('x-axis "seconds into the load" ["0", "1", "2"]');
    expect(text).toContain("bar [0, 100, 0]");
    expect(text).toContain("line [100, 0, 100]");
    expect(text).toContain("from 1.1 s to 1.2 s");
    expect(trafficCharts({ run: [journal.run[1]] } as unknown as Journal)).toEqual([]);
  });
});

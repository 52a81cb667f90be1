// The subset of dateparser that experiments use for `when`, `start`, `end` and `window`.
import { describe, expect, it } from "vitest";
import { parseDuration, parseTimeExpression } from "../../src/prometheus/time-expression.ts";

const NOW = Date.parse("2026-03-31T12:00:00.000Z");
const at = (value: unknown) => {
  const time = parseTimeExpression(value, NOW);
  return time === undefined ? undefined : new Date(time).toISOString();
};

describe("time expressions", () => {
  it("reads RFC 3339 and ISO 8601 timestamps, UTC when they name no zone", () => {
    expect(at("2026-12-06T10:20:30Z")).toBe("2026-12-06T10:20:30.000Z");
    expect(at("2026-12-06T10:20:30.123456+02:00")).toBe("2026-12-06T08:20:30.123Z");
    expect(at("2026-12-06t10:20:30-0130")).toBe("2026-12-06T11:50:30.000Z");
    expect(at("2026-12-06 10:20")).toBe("2026-12-06T10:20:00.000Z");
    expect(at("2026-12-06")).toBe("2026-12-06T00:00:00.000Z");
  });

  it("reads unix seconds: a number, or ten digits", () => {
    expect(at(1_700_000_000)).toBe("2023-11-14T22:13:20.000Z");
    expect(at(1_700_000_000.5)).toBe("2023-11-14T22:13:20.500Z");
    expect(at("1700000000")).toBe("2023-11-14T22:13:20.000Z");
    expect(at("1700000000.25")).toBe("2023-11-14T22:13:20.250Z");
  });

  it("reads now and relative phrases, in the past unless they start with `in`", () => {
    expect(at("now")).toBe("2026-03-31T12:00:00.000Z");
    expect(at(" Now ")).toBe("2026-03-31T12:00:00.000Z");
    expect(at("today")).toBe("2026-03-31T12:00:00.000Z");
    expect(at("yesterday")).toBe("2026-03-30T12:00:00.000Z");
    expect(at("5 minutes ago")).toBe("2026-03-31T11:55:00.000Z");
    expect(at("30 seconds ago")).toBe("2026-03-31T11:59:30.000Z");
    expect(at("1 hour ago")).toBe("2026-03-31T11:00:00.000Z");
    expect(at("an hour ago")).toBe("2026-03-31T11:00:00.000Z");
    expect(at("2 days ago")).toBe("2026-03-29T12:00:00.000Z");
    expect(at("1 week ago")).toBe("2026-03-24T12:00:00.000Z");
    expect(at("1 hour 30 minutes ago")).toBe("2026-03-31T10:30:00.000Z");
    expect(at("1.5 hours ago")).toBe("2026-03-31T10:30:00.000Z");
    expect(at("5m")).toBe("2026-03-31T11:55:00.000Z");
    expect(at("1d")).toBe("2026-03-30T12:00:00.000Z");
    expect(at("1h30m")).toBe("2026-03-31T10:30:00.000Z");
    expect(at("in 10 minutes")).toBe("2026-03-31T12:10:00.000Z");
  });

  it("moves months and years by the calendar, clamping the day as relativedelta does", () => {
    expect(at("1 month ago")).toBe("2026-02-28T12:00:00.000Z");
    expect(at("2 months ago")).toBe("2026-01-31T12:00:00.000Z");
    expect(at("1 year ago")).toBe("2025-03-31T12:00:00.000Z");
    expect(at("1.5 months ago")).toBeUndefined();
  });

  it("refuses everything else", () => {
    for (const value of [
      "",
      "soon",
      "last tuesday",
      "ago",
      "5 ago",
      "5 fortnights ago",
      "2026-13-01",
      "2026-02-30",
      "2026-12-06T25:00:00Z",
      "2026",
      "17000000",
      -1,
      Number.NaN,
      true,
      null,
      ["now"],
    ]) {
      expect(at(value), String(value)).toBeUndefined();
    }
  });
});

describe("durations", () => {
  it("reads Prometheus durations and phrases, not calendar units", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2 hours")).toBe(7_200_000);
    expect(parseDuration("1 month")).toBeUndefined();
    expect(parseDuration("fast")).toBeUndefined();
  });
});

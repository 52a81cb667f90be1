// The pure part of pod selection, as Chaos Toolkit's _select_pods chooses.
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  formatNameTemplate,
  pickPods,
  pythonRegex,
  sample,
} from "../../../src/kubernetes/activities/selection.ts";

const pod = (name: string, created: string): V1Pod => ({
  metadata: { name, creationTimestamp: new Date(created) },
});
const pods = [
  pod("b-1", "2024-01-03"),
  pod("a-1", "2024-01-02"),
  pod("c-1", "2024-01-01"),
  pod("a-2", "2024-01-04"),
];
const base = { all: false, rand: false, mode: "fixed", qty: 1, order: "alphabetic" };
const names = (list: V1Pod[]) => list.map((p) => p.metadata?.name);
const sequence =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0;

describe("pickPods", () => {
  it("keeps the listing order for alphabetic (the API lists by name) and sorts by age for oldest", () => {
    expect(names(pickPods(pods, { ...base, qty: 2 }, Math.random).chosen)).toEqual(["b-1", "a-1"]);
    expect(names(pickPods(pods, { ...base, qty: 2, order: "oldest" }, Math.random).chosen)).toEqual([
      "c-1",
      "a-1",
    ]);
  });

  it("caps qty at the number of pods; percentage rounds up; all ignores qty", () => {
    expect(pickPods(pods, { ...base, qty: 10 }, Math.random).chosen).toHaveLength(4);
    expect(pickPods(pods, { ...base, mode: "percentage", qty: 30 }, Math.random).chosen).toHaveLength(2);
    expect(pickPods(pods, { ...base, mode: "percentage", qty: 0 }, Math.random).chosen).toHaveLength(0);
    expect(pickPods(pods, { ...base, all: true, qty: 0 }, Math.random).chosen).toHaveLength(4);
  });

  it("filters names with a regex search and picks distinct pods at random", () => {
    const selected = pickPods(pods, { ...base, namePattern: "^a-", rand: true, qty: 2 }, sequence(0.99, 0));
    expect(names(selected.candidates)).toEqual(["a-1", "a-2"]);
    expect(names(selected.chosen)).toEqual(["a-2", "a-1"]);
  });

  it("rejects invalid quantities, modes, orders and patterns", () => {
    expect(() => pickPods(pods, { ...base, qty: -2 }, Math.random)).toThrow(/qty -2 is negative/);
    expect(() => pickPods(pods, { ...base, mode: "x" }, Math.random)).toThrow(/mode "x" is invalid/);
    expect(() => pickPods(pods, { ...base, order: "x" }, Math.random)).toThrow(/order "x" is invalid/);
    expect(() => pickPods(pods, { ...base, namePattern: "(" }, Math.random)).toThrow(
      /"name_pattern" is not a valid/,
    );
  });
});

describe("selection helpers", () => {
  it("sample draws without replacement", () => {
    expect(sample([1, 2, 3], 5, sequence(0, 0, 0))).toEqual([1, 2, 3]);
  });
  it("Python named groups are translated", () => {
    expect(pythonRegex("(?P<app>web)-(?P=app)", "p").test("web-web")).toBe(true);
  });
  it("the name template is filled like str.format(name=...)", () => {
    expect(formatNameTemplate("name in ({name})", "web")).toBe("name in (web)");
    expect(formatNameTemplate("name in ({name})", undefined)).toBe("name in (None)");
  });
});

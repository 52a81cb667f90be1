// The pure part of pod selection, as Chaos Toolkit's _select_pods chooses.
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it, vi } from "vitest";
import {
  formatNameTemplate,
  pickPods,
  pythonRegex,
  readPodListText,
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

describe("readPodListText", () => {
  const items = [{ metadata: { name: "web-1", uid: "u1" } }, { metadata: { name: "web-2", uid: "u2" } }];
  const token = "eyJydiI6IjEyIiwic3RhcnQiOiJsb2FkL3dlYi0yIn0";
  /** Whether reading `text` parsed all of it before its items were asked for. */
  function read(text: string) {
    const parse = vi.spyOn(JSON, "parse");
    try {
      const page = readPodListText(text);
      const parsedWhole = parse.mock.calls.some(([parsed]) => parsed === text);
      return { continueToken: page.continueToken, items: page.items(), parsedWhole };
    } finally {
      parse.mockRestore();
    }
  }

  it("reads the continue token from the head of a list as the API server writes it, leaving the items unparsed", () => {
    const list = {
      kind: "PodList",
      apiVersion: "v1",
      metadata: { resourceVersion: "12", continue: token, remainingItemCount: 600 },
      items,
    };
    expect(read(JSON.stringify(list))).toEqual({ continueToken: token, items, parsedWhole: false });
    const partial = { ...list, kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1" };
    expect(read(JSON.stringify(partial))).toEqual({ continueToken: token, items, parsedWhole: false });
  });

  it("answers no token for the last page", () => {
    const last = { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "12" }, items };
    expect(read(JSON.stringify(last))).toEqual({ continueToken: undefined, items, parsedWhole: false });
    const empty = { ...last, metadata: { resourceVersion: "12", continue: "" } };
    expect(read(JSON.stringify(empty)).continueToken).toBeUndefined();
  });

  it("parses the whole text first when its metadata is not where the API server writes it", () => {
    const metadata = { resourceVersion: "12", continue: token };
    const itemsFirst = { kind: "PodList", apiVersion: "v1", items, metadata };
    const spaced = JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata, items }, null, 1);
    for (const text of [JSON.stringify(itemsFirst), spaced]) {
      expect(read(text)).toEqual({ continueToken: token, items, parsedWhole: true });
    }
  });

  it("parses the whole text first when a string of the metadata holds a brace", () => {
    for (const odd of ["a}b", "a{b", 'a"}b', "}"]) {
      const list = {
        kind: "PodList",
        apiVersion: "v1",
        metadata: { continue: odd, resourceVersion: "1" },
        items,
      };
      expect(read(JSON.stringify(list))).toEqual({ continueToken: odd, items, parsedWhole: true });
    }
    const braceInKind = { kind: "Pod}List", apiVersion: "v1", metadata: { continue: token }, items };
    expect(read(JSON.stringify(braceInKind))).toEqual({ continueToken: token, items, parsedWhole: false });
  });
});

import { describe, expect, it } from "vitest";
import { parseJsonPath } from "../../src/python/jsonpath-parse.ts";
import { queryJsonPath } from "../../src/python/jsonpath-query.ts";

const doc = {
  store: {
    book: [
      { category: "reference", author: "Rees", title: "Sayings", price: 8.95 },
      { category: "fiction", author: "Waugh", title: "Sword", price: 12.99 },
      { category: "fiction", author: "Melville", title: "Moby Dick", isbn: "0-553", price: 8.99 },
      { category: "fiction", author: "Tolkien", title: "The Lord", isbn: "0-395", price: 22.99 },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
  "odd key": 1,
  data: { result: [{ value: [1, "0"] }, { value: [2, "3"] }, { value: [3, "0"] }] },
  flags: [true, false, 1, 0],
};

const q = (path: string, value: unknown = doc) => queryJsonPath(parseJsonPath(path), value);

describe("jsonpath: selection", () => {
  it.each([
    ["$", [doc]],
    ["$.store.bicycle.color", ["red"]],
    ['$["store"]["bicycle"]["color"]', ["red"]],
    ['$["odd key"]', [1]],
    ["$.store.book[0].author", ["Rees"]],
    ["$.store.book[-1].author", ["Tolkien"]],
    ["$.store.book[9].author", []],
    ["$.store.book[*].author", ["Rees", "Waugh", "Melville", "Tolkien"]],
    ["$.store.book.*.author", ["Rees", "Waugh", "Melville", "Tolkien"]],
    ["$.store.book[0,2].author", ["Rees", "Melville"]],
    ["$.store.book[1:3].author", ["Waugh", "Melville"]],
    ["$.store.book[:2].author", ["Rees", "Waugh"]],
    ["$.store.book[-2:].author", ["Melville", "Tolkien"]],
    ["$.store.book[::2].author", ["Rees", "Melville"]],
    // jsonpath2's slices are range(start ?? 0, end ?? len, step), not Python's: [::-1] is empty
    ["$.store.book[::-1].author", []],
    ["$.store.book[2:0:-1].author", ["Melville", "Waugh"]],
    ["$.store.book[10:0:-2].author", ["Melville"]], // range(10, 0, -2): only 2 is an index
    ["$.store.book[-10:2].author", ["Rees", "Waugh"]],
    ["$.store.book[1:-10].author", []],
    ["$.store.book[1:1000000000000].author", ["Waugh", "Melville", "Tolkien"]],
    ["$.store.bicycle.*", ["red", 19.95]],
    ["$..author", ["Rees", "Waugh", "Melville", "Tolkien"]],
    ["$.store..price", [8.95, 12.99, 8.99, 22.99, 19.95]],
    ["$..book[2].title", ["Moby Dick"]],
    ["$..isbn", ["0-553", "0-395"]],
    ["$.missing", []],
    ["$.store.bicycle.color.nope", []],
    ["$.store.bicycle[0]", []],
    ["$.flags[1]", [false]],
  ])("%s", (path, expected) => {
    expect(q(path)).toEqual(expected);
  });

  it("recursive wildcard visits every descendant", () => {
    expect(q("$..*", { a: { b: 1 }, c: [2] })).toEqual([{ b: 1 }, [2], 1, 2]);
  });

  it("selects by the value of another path", () => {
    expect(q("$.items[$.pick]", { items: { x: 1, y: 2 }, pick: "y" })).toEqual([2]);
    expect(q("$.items[$.i]", { items: [5, 6, 7], i: 2 })).toEqual([7]);
  });
});

describe("jsonpath: filters", () => {
  it.each([
    // jsonpath2: the filter tests the node itself (here each book, selected by [*])
    ['$.store.book[*][?(@.category = "fiction")].author', ["Waugh", "Melville", "Tolkien"]],
    // ...so on the list itself, which has no `category`, it selects nothing
    ['$.store.book[?(@.category = "fiction")].author', []],
    ["$.store.book[?(@.price < 10)].title", []],
    ["$.store.book[?(@.length() = 4)].length()", [4]],
    ["$.store.book[*][?(@.price < 10)].title", ["Sayings", "Moby Dick"]],
    ["$.store.book[*][?(@.price <= 8.99)].title", ["Sayings", "Moby Dick"]],
    ["$.store.book[*][?(@.price > 20)].title", ["The Lord"]],
    ["$.store.book[*][?(@.price >= 22.99)].title", ["The Lord"]],
    ["$.store.book[*][?(@.isbn)].title", ["Moby Dick", "The Lord"]],
    ["$.store.book[*][?(not @.isbn)].title", ["Sayings", "Sword"]],
    ['$.store.book[*][?(@.category != "fiction")].title', ["Sayings"]],
    ['$.store.book[*][?(@.category = "fiction" and @.price < 10)].title', ["Moby Dick"]],
    ['$.store.book[*][?(@.author = "Rees" or @.author = "Waugh")].title', ["Sayings", "Sword"]],
    ['$.store.book[*][?(@.title contains "Moby")].author', ["Melville"]],
    ['$.store.book[*][?((@.price < 9) and not (@.author = "Rees"))].title', ["Moby Dick"]],
    ['$.data.result.*[?(@.value[1]!="0")]', [{ value: [2, "3"] }]],
    ["$.store.book[*][?(@.price > $.store.bicycle.price)].title", ["The Lord"]],
    // ordering compares numbers only (jsonpath2): strings never match
    ['$.store.book[*][?(@.author < "Z")].title', []],
    ["$.flags[*][?(@ = 1)]", [true, 1]],
  ])("%s", (path, expected) => {
    expect(q(path)).toEqual(expected);
  });

  it("a filter on an object tests the object itself", () => {
    expect(q('$[?(@.status = "ok")]', { status: "ok" })).toEqual([{ status: "ok" }]);
    expect(q('$[?(@.status = "ok")]', { status: "ko" })).toEqual([]);
  });

  it("`and` binds looser than `or`, as in jsonpath2's grammar", () => {
    // a and (b or c): false and (...) is false; standard precedence would give (a and b) or c = true
    expect(q("$[?(@.a = 0 and @.b = 1 or @.c = 1)]", { a: 1, b: 1, c: 1 })).toEqual([]);
    expect(q("$[?(@.a = 0 and @.b = 1 or @.c = 1)]", { a: 0, b: 0, c: 1 })).toEqual([{ a: 0, b: 0, c: 1 }]);
  });

  it("compares with Python equality and literal lists/objects", () => {
    expect(q("$[?(@.v = [1, 2])]", { v: [1.0, 2] })).toHaveLength(1);
    expect(q('$[?(@.v = {"a": null})]', { v: { a: null } })).toHaveLength(1);
    expect(q("$[?(@.v = true)]", { v: 1 })).toHaveLength(1);
    expect(q('$[?(@.v = "1")]', { v: 1 })).toHaveLength(0);
  });

  it("contains works on lists and object keys", () => {
    expect(q('$[?(@.tags contains "x")]', { tags: ["x", "y"] })).toHaveLength(1);
    expect(q('$[?(@.labels contains "app")]', { labels: { app: "web" } })).toHaveLength(1);
    expect(q('$[?(@.labels contains "web")]', { labels: { app: "web" } })).toHaveLength(0);
  });
});

describe("jsonpath: functions", () => {
  it.each([
    ["$.store.book.length()", [4]],
    ["$.store.book[length()]", [4]],
    ["$.store.bicycle.keys()", [["color", "price"]]],
    ["$.store.bicycle.values()", [["red", 19.95]]],
    [
      "$.store.bicycle.entries()",
      [
        [
          ["color", "red"],
          ["price", 19.95],
        ],
      ],
    ],
    ["$.store.bicycle.color.length()", [3]],
    ["$.store.bicycle.color.charAt(0)", ["r"]],
    ["$.store.bicycle.color.charAt(-1)", ["d"]],
    ["$.store.bicycle.color.substring(1)", ["ed"]],
    ["$.store.bicycle.color.substring(0, 2)", ["re"]],
    ["$.store.book[*][?(@.title.length() > 5)].title", ["Sayings", "Moby Dick", "The Lord"]],
    ["$.store.bicycle.price.length()", []],
    ["$.store.bicycle.length()", []], // a mapping has no length() in jsonpath2
  ])("%s", (path, expected) => {
    expect(q(path)).toEqual(expected);
  });
});

describe("jsonpath: syntax errors", () => {
  it.each([
    ["foo[*].baz", /must start with `\$`/],
    ["", /must start with `\$`/],
    ["$.", /expected a member name/],
    ["$[", /expected a quoted name/],
    ["$[0", /expected `]`/],
    ['$["a', /unterminated string/],
    ["$.a[?(@.b = )]", /expected a path/],
    ["$.a[1.5]", /expected an integer/],
    ["$.a[::0]", /step cannot be zero/],
    ["$.a.nope()", /unknown function nope\(\)/],
    ["$.a.charAt()", /charAt\(\) takes 1 argument/],
    ["$.a b", /unexpected text/],
    ["$[name]", /member names in brackets are quoted/],
    // Goessner/RFC 9535 spellings jsonpath2 (so Chaos Toolkit) does not parse
    ["$['store']", /jsonpath2 strings are double-quoted/],
    ['$.a[*][?(@.b == "x")]', /jsonpath2 writes `=`, not `==`/],
    ["$.a[*][?(@.b && @.c)]", /jsonpath2 writes `and`, not `&&`/],
    ["$.a[*][?(@.b || @.c)]", /jsonpath2 writes `or`, not `\|\|`/],
    ["$.a[*][?(!@.b)]", /jsonpath2 writes `not`, not `!`/],
    ["$.a[?@.b > 1]", /expected `\(` after `\?`/],
    ["$.labels.app-name", /jsonpath2 names are ASCII letters, digits and _: quote this one/],
  ])("%s", (path, message) => {
    expect(() => parseJsonPath(path)).toThrow(message);
  });

  it("names the path and the position", () => {
    expect(() => parseJsonPath("$.a[")).toThrow('invalid JSONPath "$.a[": expected a quoted name, an index');
    expect(() => parseJsonPath("$.a[")).toThrow("at position 5 (found the end)");
  });
});

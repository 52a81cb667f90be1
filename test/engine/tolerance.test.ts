// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax, not a template literal.
import { describe, expect, it } from "vitest";
import { type ToleranceContext, ToleranceError, withinTolerance } from "../../src/engine/tolerance.ts";
import type { ProbeTolerance } from "../../src/experiment/format.ts";
import { substitute, substitutionMapping } from "../../src/experiment/substitute.ts";

const mapping = substitutionMapping(
  {
    expected: 200,
    word: "ok",
    codes: [200, 204],
    pattern: "^UP$",
    path: "$.error",
    nothing: null,
    ratio: 0.5,
    other: { type: "nope" },
  },
  { scope: { token: "s3cret" } },
);
const probeCalls: ProbeTolerance[] = [];
const ctx: ToleranceContext = {
  substitute: (value) => substitute(value, mapping),
  async runProbe(probe) {
    probeCalls.push(probe);
    const args = probe.provider.arguments as Record<string, unknown>;
    if (args.fail) throw new Error("probe failed");
    return args.value === args.want;
  },
};
const check = (tolerance: unknown, output: unknown) => withinTolerance(tolerance, output, ctx);

const http = (status: number, body: unknown = "") => ({ status, headers: {}, body });
const proc = (status: number, stdout = "") => ({ status, stdout, stderr: "" });

describe("tolerances: booleans, integers, strings (Python equality)", () => {
  it.each([
    [true, true, true],
    [true, false, false],
    [true, 1, true], // 1 == True
    [false, 0, true],
    [true, "true", false],
    [true, { status: true }, false], // a dict never equals a bool, no status unwrapping
    [200, 200, true],
    [3, 3.0, true],
    [3, "3", false],
    [1, true, true],
    [200, http(200), true], // dict with status: compares the status
    [0, proc(0), true],
    [0, proc(3), false],
    [200, { code: 200 }, false],
    ["ok", "ok", true],
    ["ok", "OK", false],
    ["200", http(200), false], // strings never unwrap status
    ["200", 200, false],
    ["${expected}", http(200), true], // substituted first: becomes the integer 200
    ["${word}", "ok", true],
    ["${codes}", http(204), true], // becomes a list
    // What chaoslib has no rule for (None, a float, a mapping of another type) answers None: not met.
    ["${nothing}", null, false],
    ["${ratio}", 0.5, false],
    ["${other}", { type: "nope" }, false],
  ])("%j vs %j → %s", async (tolerance, output, expected) => {
    expect(await check(tolerance, output)).toBe(expected);
  });
});

describe("tolerances: lists", () => {
  it.each([
    [[200, 204], http(204), true], // dict with status: membership, not range
    [[200, 299], http(250), false],
    [[200, 299], 250, true], // two values: inclusive range
    [[200, 299], 200, true],
    [[200, 299], 299, true],
    [[200, 299], 300, false],
    [["a", "z"], "m", true], // ranges of strings too
    [["ok", "fine"], "ok", false], // "ok" <= "ok" but "ok" > "fine"
    [[0, 1], true, true], // True compares as 1
    [[1, 2, 3], 2, true], // membership
    [[1, 2, 3], 2.0, true],
    [[1, 2, 3], 4, false],
    [[5], 5, true], // a single value is membership
    [[], 5, false],
    [["a", "b", "c"], "b", true],
    [
      [
        [1, 2],
        [3, 4],
      ],
      [2, 0],
      true,
    ], // lists compare lexicographically
  ])("%j vs %j → %s", async (tolerance, output, expected) => {
    expect(await check(tolerance, output)).toBe(expected);
  });

  it("a two-value range that cannot be compared is a clear error", async () => {
    await expect(check([1, 10], "5")).rejects.toThrow(
      /two-value tolerance \[1,10\] is a range, and the probe returned a str \("5"\).*'<=' not supported between instances of 'int' and 'str'/,
    );
    await expect(check([1, 10], null)).rejects.toThrow(ToleranceError);
  });
});

describe("tolerances: regex", () => {
  it.each([
    [{ type: "regex", pattern: "^UP" }, "UP and running", true],
    [{ type: "regex", pattern: "down" }, "UP", false],
    [{ type: "regex", pattern: "${pattern}" }, "UP", true],
    [{ type: "regex", pattern: "(?P<v>\\d+)\\.\\d+", target: "stdout" }, proc(0, "version 1.2"), true],
    [{ type: "regex", pattern: "error", target: "body" }, http(200, "all fine"), false],
    // target missing from the output: chaoslib's `value.get(target, value)` keeps the whole output
    [{ type: "regex", pattern: "x", target: "nope" }, "x", "error"],
  ])("%j vs %j", async (tolerance, output, expected) => {
    if (expected === "error") {
      await expect(check(tolerance, output)).rejects.toThrow(
        /has target "nope", but the probe returned a str/,
      );
      return;
    }
    expect(await check(tolerance, output)).toBe(expected);
  });

  it("a regex on an object without target is an error that names the keys", async () => {
    await expect(check({ type: "regex", pattern: "x" }, http(200, "x"))).rejects.toThrow(
      /regex tolerance needs a string, but the probe returned a dict .*set "target" to one of its keys: status, headers, body/,
    );
  });

  it("a bad pattern is an error", async () => {
    await expect(check({ type: "regex", pattern: "([" }, "x")).rejects.toThrow(/invalid regular expression/);
  });
});

describe("tolerances: jsonpath", () => {
  const body = { error: null, items: [{ ok: true }, { ok: false }], count: 2 };
  it.each([
    [{ type: "jsonpath", path: "$.items[*]" }, body, true], // any match
    [{ type: "jsonpath", path: "$.nothing" }, body, false],
    [{ type: "jsonpath", path: "$.items[*]", count: 2 }, body, true],
    [{ type: "jsonpath", path: "$.items[*]", count: 3 }, body, false],
    [{ type: "jsonpath", path: "$.items[*]", count: "2" }, body, false], // len(values) == "2"
    [{ type: "jsonpath", path: "$.count", count: true }, body, true], // 1 == True
    // the chaosiq demos: no "error" key in the body
    [{ type: "jsonpath", target: "body", path: "$.error", count: 0 }, http(200, { status: "ok" }), true],
    [{ type: "jsonpath", target: "body", path: "$.error", count: 0 }, http(500, { error: "boom" }), false],
    [{ type: "jsonpath", target: "body", path: "${path}", count: 0 }, http(200, { a: 1 }), true],
    // a JSON string body is parsed first
    [{ type: "jsonpath", target: "body", path: "$.count", expect: 2 }, http(200, '{"count": 2}'), true],
    [{ type: "jsonpath", path: "$.count", expect: 2 }, body, true],
    [{ type: "jsonpath", path: "$.count", expect: 2.0 }, body, true],
    [{ type: "jsonpath", path: "$.count", expect: "2" }, body, false],
    [{ type: "jsonpath", path: "$.items[*].ok", expect: [true, false] }, body, true],
    [{ type: "jsonpath", path: "$.items[*].ok", expect: [false, true] }, body, false], // order matters
    [{ type: "jsonpath", path: "$.nothing", expect: [] }, body, true],
    [{ type: "jsonpath", path: "$.count", expect: 2, count: 5 }, body, true], // expect wins over count
    [{ type: "jsonpath", path: "$.error", expect: null }, body, true], // the key `expect` is present
    [{ type: "jsonpath", path: "$.items[*][?(@.ok = true)]", count: 1 }, body, true],
    [{ type: "jsonpath", path: "$.items[?(@.ok = true)]", count: 0 }, body, true], // jsonpath2 tests the list itself
    // a string that is not JSON stays a string: only `$` matches it
    [{ type: "jsonpath", path: "$", expect: "plain" }, "plain", true],
  ])("%j vs %j → %s", async (tolerance, output, expected) => {
    expect(await check(tolerance, output)).toBe(expected);
  });

  it("a bad path is an error naming it", async () => {
    await expect(check({ type: "jsonpath", path: "foo[*]" }, body)).rejects.toThrow(
      /invalid JSONPath "foo\[\*\]"/,
    );
  });
});

describe("tolerances: range", () => {
  it.each([
    [{ type: "range", range: [1, 5] }, 3, true],
    [{ type: "range", range: [1, 5] }, 1, true],
    [{ type: "range", range: [1, 5] }, 5, true],
    [{ type: "range", range: [1, 5] }, 5.01, false],
    [{ type: "range", range: [1.5, 2.5] }, 2, true],
    [{ type: "range", range: [1, 5] }, "3", true], // Decimal("3")
    [{ type: "range", range: [1, 5] }, " 3.5 ", true],
    [{ type: "range", range: [1, 5] }, "1e0", true],
    [{ type: "range", range: [1, 5] }, "abc", false], // non-numeric string: false
    [{ type: "range", range: [1, 5] }, "", false],
    [{ type: "range", range: [0, 1] }, true, true],
    [{ type: "range", range: [false, true] }, 1, true], // bool bounds are numbers in Python
    // Decimal("0.1") is exactly 0.1, below Decimal(0.1) = 0.1000000000000000055...
    [{ type: "range", range: [0.1, 1] }, "0.1", false],
    [{ type: "range", range: [0.1, 1] }, 0.1, true],
    [{ type: "range", range: [0, 0.1] }, "0.10000000000000001", false],
    [{ type: "range", range: [0, 0.1] }, "0.1", true],
    [{ type: "range", range: [0, 10] }, " 1_0 ", true],
    [{ type: "range", range: [0, 1e308] }, "1e400", false],
    [{ type: "range", range: [-1e308, 0] }, "-Infinity", false],
    [{ type: "range", range: [0, 1] }, "1.", true],
    [{ type: "range", range: [0, 1] }, ".", false],
    [{ type: "range", range: [0, 10], target: "status" }, proc(3), true],
    [{ type: "range", range: [200, 299], target: "status" }, http(503), false],
  ])("%j vs %j → %s", async (tolerance, output, expected) => {
    expect(await check(tolerance, output)).toBe(expected);
  });

  it.each(["NaN", "-nan", "sNaN"])("a range on %j is an error (Decimal cannot order NaN)", async (output) => {
    await expect(check({ type: "range", range: [1, 5] }, output)).rejects.toThrow(/cannot compare NaN/);
  });

  it.each([null, { a: 1 }, [1]])("a range on %j is an error", async (output) => {
    await expect(check({ type: "range", range: [1, 5] }, output)).rejects.toThrow(
      /range tolerance needs a number/,
    );
  });
});

describe("tolerances: probe", () => {
  const probe = (args: Record<string, unknown> | undefined) => ({
    type: "probe",
    name: "check-it",
    provider: { type: "python", module: "m", func: "f", ...(args ? { arguments: args } : {}) },
  });

  it("runs the probe with arguments.value = output and takes its truthiness", async () => {
    expect(await check(probe({ want: 42 }), 42)).toBe(true);
    expect(probeCalls.at(-1)?.provider.arguments).toEqual({ want: 42, value: 42 });
    expect(await check(probe({ want: 42 }), 41)).toBe(false);
  });

  it("a failing probe means not within tolerance", async () => {
    expect(await check(probe({ fail: true }), 1)).toBe(false);
  });

  it("a probe without arguments is a clear error (chaoslib: KeyError)", async () => {
    await expect(check(probe(undefined), 1)).rejects.toThrow(
      /probe tolerance "check-it" needs provider.arguments as an object/,
    );
  });
});

describe("tolerances: shapes that cannot be evaluated", () => {
  it.each([
    [1.5, /cannot be a decimal number/],
    [null, /must be a boolean, an integer, a string, a list or an object, not NoneType/],
    [{ type: "nope" }, /tolerance type "nope" is not supported/],
  ])("%j", async (tolerance, message) => {
    await expect(check(tolerance, 1)).rejects.toThrow(message);
  });
});

describe("a regex on a JSON body parsed from `application/json; charset=utf-8`", () => {
  it("searches the text the server sent, as Chaos Toolkit (which keeps that body as text) does", async () => {
    const { rememberText } = await import("../../src/providers/response-text.ts");
    const text = '{"status": "UP"}';
    const output = { status: 200, headers: {}, body: rememberText(JSON.parse(text), text) };
    const ctx = { substitute: (value: unknown) => value, runProbe: async () => null };
    const { withinTolerance } = await import("../../src/engine/tolerance.ts");
    expect(
      await withinTolerance({ type: "regex", target: "body", pattern: '"status": "UP"' }, output, ctx),
    ).toBe(true);
    expect(await withinTolerance({ type: "regex", target: "body", pattern: "DOWN" }, output, ctx)).toBe(
      false,
    );
  });
});

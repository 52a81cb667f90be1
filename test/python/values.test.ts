import { describe, expect, it } from "vitest";
import { PythonTypeError, pyCompare, pyEquals, pyIn, pyTruthy } from "../../src/python/values.ts";

describe("Python equality", () => {
  it.each([
    [1, true, true],
    [0, false, true],
    [3, 3.0, true],
    [3, "3", false],
    [null, null, true],
    [null, false, false],
    [null, 0, false],
    ["a", "a", true],
    [[1, 1], [1.0, true], true],
    [[1, 2], [1.0, true], false],
    [[1, 2], [2, 1], false],
    [{ a: 1, b: [true] }, { b: [1], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: undefined }, { b: undefined }, false],
    [[], {}, false],
  ])("%j == %j is %s", (a, b, expected) => {
    expect(pyEquals(a, b)).toBe(expected);
    expect(pyEquals(b, a)).toBe(expected);
  });

  it("membership uses equality", () => {
    expect(pyIn(true, [1])).toBe(true);
    expect(pyIn("1", [1])).toBe(false);
  });
});

describe("Python ordering", () => {
  it.each([
    [1, 2, -1],
    [2, 2.0, 0],
    [true, 2, -1],
    ["a", "b", -1],
    ["ok", "fine", 1],
    ["a", "ab", -1],
    [[1, 2], [1, 3], -1],
    [[1, 2], [1], 1],
  ])("%j vs %j", (a, b, sign) => {
    expect(Math.sign(pyCompare(a, b))).toBe(sign);
  });

  it.each([
    [1, "1", "'<=' not supported between instances of 'int' and 'str'"],
    [null, 1, "'<=' not supported between instances of 'NoneType' and 'int'"],
    [{}, {}, "'<=' not supported between instances of 'dict' and 'dict'"],
    [1.5, [1], "'<=' not supported between instances of 'float' and 'list'"],
  ])("%j vs %j raises TypeError", (a, b, message) => {
    expect(() => pyCompare(a, b)).toThrow(PythonTypeError);
    expect(() => pyCompare(a, b)).toThrow(message);
  });
});

describe("Python truthiness", () => {
  it.each([
    [0, false],
    [1, true],
    ["", false],
    ["False", true],
    [[], false],
    [[0], true],
    [{}, false],
    [{ a: 0 }, true],
    [null, false],
    [Number.NaN, true], // bool(float("nan")) is True
  ])("bool(%j) is %s", (value, expected) => {
    expect(pyTruthy(value)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import { parsePythonFloat, parsePythonInt } from "../../src/python/numbers.ts";

describe("Python int() of text", () => {
  it.each([
    ["42", 42],
    [" -7 ", -7],
    ["+1_000", 1000],
    ["007", 7],
  ])("int(%j) is %d", (text, expected) => {
    expect(parsePythonInt(text)).toBe(expected);
  });

  it.each(["", "1.5", "1__0", "_1", "0x10", "1e3", "ten"])("int(%j) raises", (text) => {
    expect(parsePythonInt(text)).toBeUndefined();
  });
});

describe("Python float() of text", () => {
  it.each([
    ["1.5", 1.5],
    [" .5", 0.5],
    ["5.", 5],
    ["1_0.2_5", 10.25],
    ["-1e3", -1000],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-inf", Number.NEGATIVE_INFINITY],
  ])("float(%j) is %d", (text, expected) => {
    expect(parsePythonFloat(text)).toBe(expected);
  });

  it("reads nan in any case", () => {
    expect(parsePythonFloat("NaN")).toBeNaN();
    expect(parsePythonFloat("-nan")).toBeNaN();
  });

  it.each(["", ".", "e3", "1e", "1._5", "infinite", "0x1p3"])("float(%j) raises", (text) => {
    expect(parsePythonFloat(text)).toBeUndefined();
  });
});

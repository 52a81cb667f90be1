import { describe, expect, it } from "vitest";
import { ConversionError, convertToType, ENV_VAR_TYPES } from "../../src/experiment/env-types.ts";

describe("convertToType (Chaos Toolkit's convert_to_type)", () => {
  it("leaves values alone without a type, or for str/string", () => {
    expect(convertToType(undefined, "42")).toBe("42");
    expect(convertToType(null, "42")).toBe("42");
    expect(convertToType("str", "42")).toBe("42");
    expect(convertToType("string", 7)).toBe(7);
  });

  it("int/integer parse like Python's int()", () => {
    expect(convertToType("int", "42")).toBe(42);
    expect(convertToType("integer", " -7 ")).toBe(-7);
    expect(convertToType("int", "+3")).toBe(3);
    expect(convertToType("int", "1_000")).toBe(1000);
    expect(convertToType("int", "007")).toBe(7);
    expect(convertToType("int", 5)).toBe(5);
    expect(convertToType("int", 5.9)).toBe(5);
    expect(convertToType("int", true)).toBe(1);
    for (const bad of ["4.2", "abc", "", "1__0", "0x10", "1e3"]) {
      expect(() => convertToType("int", bad)).toThrow(ConversionError);
    }
    expect(() => convertToType("int", null)).toThrow(/int/);
  });

  it("float/number parse like Python's float()", () => {
    expect(convertToType("float", "1.5")).toBe(1.5);
    expect(convertToType("number", " 2 ")).toBe(2);
    expect(convertToType("float", ".5")).toBe(0.5);
    expect(convertToType("float", "5.")).toBe(5);
    expect(convertToType("float", "1e3")).toBe(1000);
    expect(convertToType("float", "-1_0.2_5")).toBe(-10.25);
    expect(convertToType("float", "inf")).toBe(Number.POSITIVE_INFINITY);
    expect(convertToType("float", "-Infinity")).toBe(Number.NEGATIVE_INFINITY);
    expect(convertToType("float", "nan")).toBeNaN();
    expect(convertToType("float", 3)).toBe(3);
    for (const bad of ["", "abc", "1.2.3", "1e", "."]) {
      expect(() => convertToType("float", bad)).toThrow(ConversionError);
    }
  });

  it("bytes gives the UTF-8 bytes", () => {
    expect(convertToType("bytes", "hé")).toEqual(new Uint8Array([0x68, 0xc3, 0xa9]));
    expect(() => convertToType("bytes", 3)).toThrow(ConversionError);
  });

  it("bool is false only for false, 0 and no, in any case", () => {
    for (const falsy of ["false", "False", "FALSE", "0", "no", "No"])
      expect(convertToType("bool", falsy)).toBe(false);
    for (const truthy of ["true", "1", "yes", "", "off", "n", "anything"]) {
      expect(convertToType("bool", truthy)).toBe(true);
    }
    expect(convertToType("bool", false)).toBe(false);
    expect(convertToType("bool", true)).toBe(true);
    expect(() => convertToType("bool", 0)).toThrow(ConversionError);
  });

  it("json parses strings and leaves empty values and non-strings alone", () => {
    expect(convertToType("json", '{"a": [1, true]}')).toEqual({ a: [1, true] });
    expect(convertToType("json", "3")).toBe(3);
    expect(convertToType("json", "")).toBe("");
    expect(convertToType("json", null)).toBeNull();
    expect(convertToType("json", { already: "parsed" })).toEqual({ already: "parsed" });
    expect(() => convertToType("json", "{not json")).toThrow(/not valid JSON/);
  });

  it("rejects unknown types, naming the valid ones", () => {
    expect(() => convertToType("decimal", "1")).toThrow(
      /unknown type 'decimal'.*bool, str, int, float, bytes or json/,
    );
    expect(() => convertToType("boolean", "1")).toThrow(ConversionError);
  });

  it("lists exactly Chaos Toolkit's type names", () => {
    expect([...ENV_VAR_TYPES]).toEqual([
      "str",
      "string",
      "int",
      "integer",
      "float",
      "number",
      "bytes",
      "bool",
      "json",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { isRecord } from "../../src/common/record.ts";

describe("isRecord", () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [undefined, false],
    [[], false],
    ["text", false],
    [3, false],
  ])("%j → %s", (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});

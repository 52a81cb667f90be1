import { expect, test } from "vitest";
import { closingLines } from "./closing-line-reporter.ts";

test("a run closes with its counts as node's test runner prints them, then one plain line last", () => {
  const lines = closingLines({ passed: 7, failed: 1, skipped: 2 }).split("\n");
  expect(lines.slice(-6)).toEqual([
    "# tests 10",
    "# pass 7",
    "# fail 1",
    "# skipped 2",
    "tests: 7 passed, 1 failed, 2 skipped",
    "",
  ]);
  expect(lines.at(-2)).toMatch(/^\w+: \d+ passed, \d+ failed, \d+ skipped$/);
});

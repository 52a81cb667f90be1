import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inertCommands } from "../../src/common/workflow-commands.ts";

// What the runner would read as a workflow command: a line that starts with `::` or `##[` once its
// leading whitespace is trimmed.
const commandLines = (text: string) =>
  text.split(/\r\n|\r|\n/).filter((line) => /^[\s\u0085]*(::|##\[)/.test(line));

describe("inertCommands", () => {
  it.each([
    "::set-output name=verdict::passed",
    "title\n::add-mask::x",
    "a\r::stop-commands::tok",
    "a\r\n   ::error::boom",
    "\t##[warning]old style",
    "x\n\u0085::notice::y",
    "\n\n ::group::g",
  ])("leaves no line of %j that the runner runs", (text) => {
    expect(commandLines(text).length).toBeGreaterThan(0);
    const inert = inertCommands(text);
    expect(commandLines(inert)).toEqual([]);
    expect(inert.replaceAll("\u200b", "")).toBe(text);
  });

  it("changes nothing else", () => {
    for (const text of ["file.yaml:3:5 method[0]: a::b", "plain", "", "ends with ::", "x ##[y"]) {
      expect(inertCommands(text)).toBe(text);
    }
  });

  it("is the only way the action prints a plain line", () => {
    const dir = join(import.meta.dirname, "..", "..", "src", "action");
    for (const name of readdirSync(dir).filter((file) => file !== "log.ts")) {
      expect(readFileSync(join(dir, name), "utf8"), name).not.toMatch(
        /core\.info\b|process\.stdout|console\./,
      );
    }
  });
});

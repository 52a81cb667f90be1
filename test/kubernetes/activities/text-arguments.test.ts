// Arguments given as text: shell-like commands (shlex.split) and durations for read_pod_logs(last=).
import { describe, expect, it } from "vitest";
import { parseLast } from "../../../src/kubernetes/activities/log-window.ts";
import { splitCommand } from "../../../src/kubernetes/activities/shell-words.ts";

describe("splitCommand", () => {
  it("splits on blanks and honours quotes and escapes", () => {
    expect(splitCommand("ls -l  /tmp")).toEqual(["ls", "-l", "/tmp"]);
    expect(splitCommand(`sh -c 'echo "a b"; exit 2'`)).toEqual(["sh", "-c", 'echo "a b"; exit 2']);
    expect(splitCommand(`echo "a \\"b\\"" c\\ d ''`)).toEqual(["echo", 'a "b"', "c d", ""]);
  });
  it("refuses an unclosed quote", () => {
    expect(() => splitCommand("echo 'oops")).toThrow(/unclosed ' quote/);
  });
});

describe("parseLast", () => {
  it("reads the usual ways of writing a duration", () => {
    expect(parseLast("10 minutes")).toBe(600);
    expect(parseLast("1h")).toBe(3600);
    expect(parseLast("30 seconds ago")).toBe(30);
    expect(parseLast("2 days")).toBe(172800);
    expect(parseLast("1.5 min")).toBe(90);
  });
  it("refuses anything else", () => {
    expect(() => parseLast("yesterday")).toThrow(/"last" must be a duration/);
  });
});

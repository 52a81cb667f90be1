import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExperimentLoadError } from "../../src/experiment/errors.ts";
import { depthMessage } from "../../src/experiment/limits.ts";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { parsePlainYamlText } from "../../src/experiment/plain-yaml-experiment.ts";
import { readersDisagree, YAML_FINER_POINTS } from "./yaml-readers.ts";

const root = join(import.meta.dirname, "..", "..");

function yamlFilesUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(folder, file));
}

const read = (file: string) => readFileSync(join(root, file), "utf8").replace(/^\uFEFF/, "");
const plain = (text: string) => parsePlainYamlText(text, "x.yaml");

describe("the plain-YAML reader", () => {
  it("reads every experiment the project ships, as the yaml package does", () => {
    const shipped = yamlFilesUnder("experiments");
    expect(shipped.length).toBeGreaterThan(5);
    for (const file of shipped) {
      expect(plain(read(file)), file).toBeDefined();
      expect(readersDisagree(read(file), file), file).toBeUndefined();
    }
  });

  it("agrees with the yaml package on every YAML file of the tests and benchmarks it accepts", () => {
    const files = [...yamlFilesUnder("test"), ...yamlFilesUnder("bench")];
    const accepted = files.filter((file) => plain(read(file)) !== undefined);
    // The rest are Kubernetes manifests of several documents, and broken files.
    expect(accepted.length).toBeGreaterThan(files.length / 2);
    for (const file of files) expect(readersDisagree(read(file), file), file).toBeUndefined();
  });

  it.each([
    ["a tag", "a: !!str 1\n"],
    ["an anchor", "a: &x 1\n"],
    ["an alias", "a: &x 1\nb: *x\n"],
    ["a merge key", "a: {b: 1}\nc:\n  <<: {b: 2}\n"],
    ["a directive", "%YAML 1.1\n---\na: 1\n"],
    ["two documents", "a: 1\n---\nb: 2\n"],
    ["an empty file", ""],
    ["a file of comments", "# nothing\n"],
    ["an octal number", "a: 012\n"],
    ["a hexadecimal number", "a: 0x1F\n"],
    ["a binary number", "a: 0b101\n"],
    ["a sexagesimal number", "a: 1:30\n"],
    ["an infinity", "a: -.inf\n"],
    ["a NaN", "a: .NaN\n"],
    ["an underscore in a number", "a: 1_000\n"],
    ["a null key", "~: 1\n"],
    ["an empty key", ": 1\n"],
    ["a list as a key", "? [a]\n: 1\n"],
    ["an empty list item", "a:\n  -\n  - b\n"],
    ["an unclosed quote", 'a: "b\nc: d\n'],
    ["a tab as indentation", "a:\n\tb: 1\n"],
    ["a line ended by a carriage return alone", "a: 1\rb: 2\r"],
    ["a tab after a value", "a: value\t\n"],
    ["a block scalar's indentation indicator", "a: |2\n   two extra\n  base\n"],
    ["a document end marker", "a: 1\n...\n"],
    ["an indented document start marker", " ---\na: 1\n"],
    ["a key over two lines", "? a\n  b\n: 1\n"],
    ["an escaped line break between double quotes", 'a: "para \\\n  joined"\n'],
    ["a \\U escape", 'a: "\\U0001F600"\n'],
    ["nesting beyond js-yaml's limit", `a: ${"[".repeat(120)}${"]".repeat(120)}\n`],
  ])("declines %s, which the yaml package reads or explains", (_, text) => {
    expect(plain(text)).toBeUndefined();
  });

  it.each(YAML_FINER_POINTS)("agrees with the yaml package on %s", (_, text) => {
    expect(plain(text)).toBeDefined();
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("leaves numbers it declines to the yaml package, which reads them as before", () => {
    const { data } = parseExperimentText("a: 0x1F\nb: 1:30\nc: 012\nd: 1_000\n", "x.yaml", "yaml");
    expect(data).toEqual({ a: 31, b: 90, c: 10, d: 1000 });
  });

  it.each([
    ["yes", true],
    ["No", false],
    ["on", true],
    ["OFF", false],
    ["y", "y"],
    ["n", "n"],
    ["1e3", "1e3"],
    ["1.0e+3", 1000],
    ["09", "09"],
    ["+12", 12],
    ["-0", -0],
    ["3.", 3],
    [".5", 0.5],
    ["1.2.3", "1.2.3"],
    ["2001-12-14", "2001-12-14"],
    ["~", null],
    ["Null", null],
    ["", null],
    ["'yes'", "yes"],
    ['"1"', "1"],
  ])("reads the scalar %j as PyYAML's safe_load does", (scalar, expected) => {
    const data = plain(`a: ${scalar}\n`)?.data as { a: unknown } | undefined;
    expect(data).toBeDefined();
    expect(Object.is(data?.a, expected), `${JSON.stringify(data)}`).toBe(true);
    expect(readersDisagree(`a: ${scalar}\n`)).toBeUndefined();
  });

  it("names a mapping's keys as the yaml package does: a number or a boolean by its text in JavaScript", () => {
    const text = "1.0: a\nyes: b\n-0: c\n'~': d\n";
    expect(Object.keys(plain(text)?.data as object)).toEqual(["0", "1", "true", "~"]);
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("keeps a key the prototype has as the mapping's own, with an ordinary prototype", () => {
    const text = "__proto__: {polluted: yes}\ntoString: 1\n";
    const data = plain(text)?.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(["__proto__", "toString"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("warns of a repeated key at its later place, keeps its last value and its first place in the order", () => {
    const text = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n";
    const read = plain(text);
    expect(read?.data).toEqual({ a: 3, b: { c: 2 } });
    expect(Object.keys(read?.data as object)).toEqual(["a", "b"]);
    expect(read?.warnings.map(({ line, path, message }) => ({ line, path, message }))).toEqual([
      { line: 4, path: "b.c", message: "duplicate key 'c': the last one wins" },
      { line: 5, path: "a", message: "duplicate key 'a': the last one wins" },
    ]);
    expect(read?.locate(["a"])).toEqual({ line: 5, column: 1 });
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("points at a key, a quote and a block scalar's header, as the yaml package does", () => {
    const text = [
      "method:",
      "  - 'quoted'",
      '  - "double"',
      "  - |- # a comment with | and >",
      "    script",
      "  - >",
      "    folded",
      "  - {type: action}",
      "",
    ].join("\n");
    const read = plain(text);
    expect(read?.locate(["method"])).toEqual({ line: 1, column: 1 });
    expect(read?.locate(["method", 1])).toEqual({ line: 3, column: 5 });
    expect(read?.locate(["method", 2])).toEqual({ line: 4, column: 5 });
    expect(read?.locate(["method", 3])).toEqual({ line: 6, column: 5 });
    expect(read?.locate(["method", 4, "type"])).toEqual({ line: 8, column: 6 });
    expect(read?.locate(["method", 9])).toEqual({ line: 1, column: 1 });
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("counts lines as the yaml package does in a file with CRLF line ends", () => {
    const text = "title: t\r\nmethod:\r\n  - name: a\r\n    script: |\r\n      echo\r\n";
    expect(plain(text)).toBeDefined();
    expect(readersDisagree(text)).toBeUndefined();
  });

  it("refuses nesting deeper than an experiment may go, where it goes too deep", () => {
    const text = `a: ${"[".repeat(70)}${"]".repeat(70)}\n`;
    const error = (() => {
      try {
        plain(text);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ExperimentLoadError);
    expect((error as Error).message).toContain(depthMessage);
    expect(readersDisagree(text)).toBeUndefined();
  });
});

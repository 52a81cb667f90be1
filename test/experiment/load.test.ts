import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExperimentLoadError, formatIssue } from "../../src/experiment/errors.ts";
import { findJsonSyntaxError } from "../../src/experiment/json-syntax.ts";
import { loadExperimentFile, parseExperimentText } from "../../src/experiment/load.ts";
import { formatPath } from "../../src/experiment/path.ts";

const yamlText = `title: t
description: d
method:
  - type: action
    name: first
    provider:
      type: http
      url: http://127.0.0.1/
  - type: probe
    name: second
    provider:
      type: python
      module: m
      func: f
      arguments:
        url: 3
`;

const jsonText = `{
  "title": "t",
  "method": [
    {"type": "action", "name": "first"},
    {
      "type": "probe",
      "provider": {
        "arguments": {"url": 3}
      }
    }
  ]
}
`;

function loadError(fn: () => unknown): ExperimentLoadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExperimentLoadError) return error;
    throw error;
  }
  throw new Error("expected an ExperimentLoadError");
}

describe("positions", () => {
  it("maps a YAML path to the line and column of its key or item", () => {
    const loaded = parseExperimentText(yamlText, "x.yaml", "yaml");
    expect(loaded.locate(["method", 1, "provider", "arguments", "url"])).toEqual({ line: 16, column: 9 });
    expect(loaded.locate(["method", 0, "provider", "url"])).toEqual({ line: 8, column: 7 });
    expect(loaded.locate(["method", 1])).toEqual({ line: 9, column: 5 });
    expect(loaded.locate(["title"])).toEqual({ line: 1, column: 1 });
    expect(loaded.locate([])).toEqual({ line: 1, column: 1 });
  });

  it("maps a JSON path the same way", () => {
    const loaded = parseExperimentText(jsonText, "x.json", "json");
    expect(loaded.locate(["method", 1, "provider", "arguments", "url"])).toEqual({ line: 8, column: 23 });
    expect(loaded.locate(["method", 0, "name"])).toEqual({ line: 4, column: 24 });
    expect(loaded.locate(["method", 1])).toEqual({ line: 5, column: 5 });
  });

  it("points a missing key at its nearest existing parent", () => {
    const loaded = parseExperimentText(yamlText, "x.yaml", "yaml");
    expect(loaded.locate(["method", 0, "provider", "headers"])).toEqual({ line: 6, column: 5 });
    expect(loaded.locate(["method", 7, "name"])).toEqual({ line: 3, column: 1 });
    const json = parseExperimentText(jsonText, "x.json", "json");
    expect(json.locate(["method", 1, "name"])).toEqual({ line: 5, column: 5 });
  });

  it("follows YAML aliases", () => {
    const loaded = parseExperimentText(
      "base: &p\n  type: http\n  url: u\nmethod:\n  - name: a\n    provider: *p\n",
      "x.yaml",
      "yaml",
    );
    expect((loaded.data as { method: { provider: unknown }[] }).method[0]!.provider).toEqual({
      type: "http",
      url: "u",
    });
    expect(loaded.locate(["method", 0, "provider", "url"])).toEqual({ line: 3, column: 3 });
  });
});

describe("parsing", () => {
  it("reads YAML the way PyYAML's safe_load does (YAML 1.1 booleans, dates as strings)", () => {
    const { data } = parseExperimentText(
      "a: yes\nb: off\nc: 2024-01-02\nd: '010'\ne: 1_000\n",
      "x.yaml",
      "yaml",
    );
    expect(data).toEqual({ a: true, b: false, c: "2024-01-02", d: "010", e: 1000 });
  });

  it("keeps as strings the plain scalars PyYAML does not resolve (y/n, exponents without a dot or sign, 09, -.5)", () => {
    const { data } = parseExperimentText(
      "s: [y, N, 1e3, 1.5e3, '1', 09, -.5]\nn: [1.5e+3, 1.5E-3, .5, 010, 0x1F, 1:30, 08.5, .inf]\n",
      "x.yaml",
      "yaml",
    );
    expect(data).toEqual({
      s: ["y", "N", "1e3", "1.5e3", "1", "09", "-.5"],
      n: [1500, 0.0015, 0.5, 8, 31, 90, 8.5, Number.POSITIVE_INFINITY],
    });
  });

  it("reads JSON strictly and keeps the last of duplicate keys, with a warning", () => {
    const loaded = parseExperimentText('{"a": 1,\n "a": 2}', "x.json", "json");
    expect(loaded.data).toEqual({ a: 2 });
    expect(loaded.warnings.map(formatIssue)).toEqual([
      "x.json:2:2 a: warning: duplicate key 'a': the last one wins",
    ]);
  });

  it("accepts a byte order mark and tabs between JSON tokens", () => {
    expect(parseExperimentText('\uFEFF{\n\t"a":\t1\n}', "x.json", "json").data).toEqual({ a: 1 });
  });

  it("points a YAML syntax error at its line", () => {
    const error = loadError(() =>
      parseExperimentText("title: t\nmethod:\n  - name: a\n   bad: indent\n", "x.yaml", "yaml"),
    );
    expect(error.position?.line).toBe(4);
    expect(error.message).toMatch(/^x\.yaml:4:\d+: Failed parsing YAML experiment: /);
  });

  it("points an unclosed quote or bracket at where it was opened, not where the parser gave up", () => {
    const quote = loadError(() =>
      parseExperimentText('title: t\ndescription: "d\nmethod: []\n', "x.yaml", "yaml"),
    );
    expect(quote.message).toBe(
      'x.yaml:2:14: Failed parsing YAML experiment: Missing closing "quote (opened here and still not closed at line 4)',
    );
    const bracket = loadError(() =>
      parseExperimentText(
        "title: t\ndescription: d\nmethod:\n  - {type: action, name: a\n  - {type: probe, name: b}\n",
        "x.yaml",
        "yaml",
      ),
    );
    expect(bracket.position).toEqual({ line: 4, column: 5 });
    expect(bracket.message).toContain("end with a } (opened here and still not closed at line 5)");
    // A closed flow collection keeps the parser's own position.
    const closed = loadError(() => parseExperimentText("title: [a, b]\n bad: 1\n", "x.yaml", "yaml"));
    expect(closed.message).not.toContain("opened here");
  });

  it("points a JSON syntax error at its line", () => {
    const error = loadError(() => parseExperimentText('{\n  "a": 1,\n  "b": ,\n}', "x.json", "json"));
    expect(error.position?.line).toBe(3);
    expect(error.message).toMatch(/^x\.json:3:\d+: Failed parsing JSON experiment: /);
  });

  it("rejects JSON that only YAML would accept", () => {
    const error = loadError(() => parseExperimentText("{title: t, # comment\n}", "x.json", "json"));
    expect(error.message).toContain("Failed parsing JSON experiment");
  });

  it("refuses language-specific and custom YAML tags", () => {
    const error = loadError(() =>
      parseExperimentText("a: !!python/object/apply:os.system [ls]\n", "x.yaml", "yaml"),
    );
    expect(error.message).toBe(
      "x.yaml:1:4: unsupported YAML tag '!!python/object/apply:os.system': only plain YAML is accepted (safe loading: no custom or language-specific tags)",
    );
    expect(() => parseExperimentText("a: !vault x\n", "x.yaml", "yaml")).toThrow(
      /unsupported YAML tag '!vault'/,
    );
  });

  it("refuses several YAML documents in one file", () => {
    expect(() => parseExperimentText("title: a\n---\ntitle: b\n", "x.yaml", "yaml")).toThrow(
      ExperimentLoadError,
    );
  });

  it("gives null for an empty document", () => {
    expect(parseExperimentText("", "x.yaml", "yaml").data).toBeNull();
  });
});

describe("loadExperimentFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "chaos-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads .yaml, .yml and .json files", async () => {
    writeFileSync(join(dir, "a.yml"), "title: from yml\n");
    writeFileSync(join(dir, "b.JSON"), '{"title": "from json"}');
    expect((await loadExperimentFile(join(dir, "a.yml"))).data).toEqual({ title: "from yml" });
    const loaded = await loadExperimentFile(join(dir, "b.JSON"));
    expect(loaded.format).toBe("json");
    expect(loaded.file).toBe(join(dir, "b.JSON"));
  });

  it("refuses other extensions like Chaos Toolkit", async () => {
    writeFileSync(join(dir, "c.txt"), "title: t\n");
    await expect(loadExperimentFile(join(dir, "c.txt"))).rejects.toThrow(
      "unsupported file type '.txt': only files with json, yaml or yml extensions are supported",
    );
  });

  it("says when the file does not exist or is a directory", async () => {
    await expect(loadExperimentFile(join(dir, "nope.yaml"))).rejects.toThrow(
      /nope\.yaml: file does not exist$/,
    );
    await expect(loadExperimentFile(join(dir, "."))).rejects.toThrow(ExperimentLoadError);
  });
});

describe("formatPath", () => {
  it("formats keys, indexes and unusual keys", () => {
    expect(formatPath(["method", 2, "provider", "arguments", "url"])).toBe(
      "method[2].provider.arguments.url",
    );
    expect(formatPath(["steady-state-hypothesis", "probes", 0, "tolerance"])).toBe(
      "steady-state-hypothesis.probes[0].tolerance",
    );
    expect(formatPath(["configuration", "a.b", "x y"])).toBe('configuration["a.b"]["x y"]');
    expect(formatPath([])).toBe("");
  });
});

describe("findJsonSyntaxError", () => {
  it("accepts valid JSON of every kind", () => {
    for (const valid of [
      '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}}',
      "[]",
      " 3 ",
      '"s"',
    ]) {
      expect(findJsonSyntaxError(valid)).toBeUndefined();
    }
  });

  it("finds the offset of the first error", () => {
    expect(findJsonSyntaxError('{"a": 1,}')).toEqual({
      offset: 8,
      message: "expected a double-quoted property name, found '}'",
    });
    expect(findJsonSyntaxError("[1 2]")).toEqual({ offset: 3, message: "expected ',' or ']', found '2'" });
    expect(findJsonSyntaxError('{"a" 1}')?.message).toBe("expected ':' after the property name, found '1'");
    expect(findJsonSyntaxError("{'a': 1}")?.offset).toBe(1);
    expect(findJsonSyntaxError("[01]")?.offset).toBe(2);
    expect(findJsonSyntaxError('{"a": 1} x')?.message).toBe("unexpected 'x' after the JSON value");
    expect(findJsonSyntaxError('["a')?.message).toBe("expected a double-quoted string, found '\"'");
    expect(findJsonSyntaxError("")?.message).toBe("expected a value, found the end of the file");
    expect(findJsonSyntaxError(`["a\tb"]`)).toEqual({
      offset: 3,
      message: "unescaped control character in a string",
    });
  });
});

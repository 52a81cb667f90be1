import { describe, expect, it } from "vitest";
import { parseExperimentText } from "../../src/experiment/load.ts";
import type { PathSegment } from "../../src/experiment/path.ts";

// JSON is YAML: the YAML parser, reading the same text, says where every value is. The JSON scanner
// must agree with it everywhere.
const text = `{
  "title": "brackets } ] and \\"quotes\\" in a string",
  "tags": [],
  "configuration": {},
  "method": [
    {"type": "action", "name": "a\\u00e9", "provider": {"type": "process", "path": "true", "arguments": [1, -2.5e3, true, null, ["x"]]}},
    {
      "ref": "a\\u00e9"
    }
  ],
  "odd \\\\ key": {"nested": {"deeper": [0, {"k": "v"}]}}
}`;

function pathsOf(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((item, i) => pathsOf(item, [...path, i])));
  if (value !== null && typeof value === "object") {
    return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...path, key])));
  }
  return here;
}

describe("positions in JSON experiments", () => {
  it("are where the YAML parser finds them, for every value", () => {
    const json = parseExperimentText(text, "x.json", "json");
    const yaml = parseExperimentText(text, "x.yaml", "yaml");
    const paths = pathsOf(json.data);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) expect([path, json.locate(path)]).toEqual([path, yaml.locate(path)]);
  });

  it("point a missing key at its nearest existing ancestor", () => {
    const json = parseExperimentText(text, "x.json", "json");
    expect(json.locate(["method", 1, "provider"])).toEqual(json.locate(["method", 1]));
    expect(json.locate(["method", "x"])).toEqual(json.locate(["method"]));
    expect(json.locate(["nowhere", 3])).toEqual({ line: 1, column: 1 });
  });

  it("report every repeated key in document order, nested ones too", () => {
    const source = '{"a": {"b": 1, "b": 2},\n "a": {"c": [{"d": 1, "d": 2}]}}';
    const messages = (format: "json" | "yaml") =>
      parseExperimentText(source, `x.${format}`, format).warnings.map(
        (w) => `${w.line}:${w.column} ${w.path}`,
      );
    expect(messages("json")).toEqual(["1:16 a.b", "2:2 a", "2:23 a.c[0].d"]);
    expect(messages("json")).toEqual(messages("yaml"));
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax, not a template literal.
import { describe, expect, it } from "vitest";
import { substituteProvider } from "../../src/engine/provider-substitution.ts";
import { substitute, substitutionMapping } from "../../src/experiment/substitute.ts";

const mapping = substitutionMapping({ v: "X", n: 3 }, {});
const sub = (value: unknown) => substitute(value, mapping);

describe("substituteProvider: only the fields Chaos Toolkit substitutes", () => {
  it("http: url, headers, timeout and arguments; not method or verify_tls", () => {
    expect(
      substituteProvider(
        {
          type: "http",
          url: "http://h/${v}",
          method: "${v}",
          headers: { h: "${v}" },
          timeout: "${n}",
          arguments: { a: "${n}" },
        },
        sub,
      ),
    ).toEqual({
      type: "http",
      url: "http://h/X",
      method: "${v}",
      headers: { h: "X" },
      timeout: 3,
      arguments: { a: 3 },
    });
  });

  it("process: arguments only (not path or timeout)", () => {
    expect(
      substituteProvider({ type: "process", path: "${v}", arguments: ["${v}", "-n ${n}"] }, sub),
    ).toEqual({ type: "process", path: "${v}", arguments: ["X", "-n 3"] });
  });

  it("python: arguments only", () => {
    expect(
      substituteProvider({ type: "python", module: "${v}", func: "f", arguments: { x: "${n}" } }, sub),
    ).toEqual({ type: "python", module: "${v}", func: "f", arguments: { x: 3 } });
  });
});

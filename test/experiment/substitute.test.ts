// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Chaos Toolkit placeholders are plain strings here.
import { describe, expect, it } from "vitest";
import { isWholePlaceholder, substitute, substitutionMapping } from "../../src/experiment/substitute.ts";
import { pythonRepr, pythonStr } from "../../src/python/str.ts";

const mapping = substitutionMapping(
  { name: "web", count: 3, ratio: 0.5, on: true, off: false, nothing: null, obj: { a: 1 }, list: ["a", 1] },
  { k8s: { token: "t0k", name: "from-secret" }, other: { token: "later", password: "pw" } },
);

describe("substitute", () => {
  it("keeps the value's type when the whole string is one ${name}", () => {
    expect(substitute("${count}", mapping)).toBe(3);
    expect(substitute("${on}", mapping)).toBe(true);
    expect(substitute("${nothing}", mapping)).toBeNull();
    expect(substitute("${obj}", mapping)).toEqual({ a: 1 });
    expect(substitute("${list}", mapping)).toEqual(["a", 1]);
  });

  it("embeds values with Python str() inside a longer string", () => {
    expect(substitute("n=${count}", mapping)).toBe("n=3");
    expect(substitute("x ${obj}", mapping)).toBe("x {'a': 1}");
    expect(substitute("l=${list}", mapping)).toBe("l=['a', 1]");
    expect(substitute("${on}/${off}/${nothing}", mapping)).toBe("True/False/None");
    expect(substitute("r=${ratio}", mapping)).toBe("r=0.5");
    expect(substitute("${name}-${name}", mapping)).toBe("web-web");
  });

  it("substitutes the $name form, always as a string", () => {
    expect(substitute("$count", mapping)).toBe("3");
    expect(substitute("$name.svc", mapping)).toBe("web.svc");
    expect(substitute("$on", mapping)).toBe("True");
  });

  it("turns $$ into $", () => {
    expect(substitute("$$", mapping)).toBe("$");
    expect(substitute("cost: $$5 for ${name}", mapping)).toBe("cost: $5 for web");
    expect(substitute("$${name}", mapping)).toBe("${name}");
  });

  it("leaves unknown names and non-identifiers as they are", () => {
    expect(substitute("${unknown}", mapping)).toBe("${unknown}");
    expect(substitute("a ${unknown} b $unknown", mapping)).toBe("a ${unknown} b $unknown");
    expect(substitute("${a.b}", mapping)).toBe("${a.b}");
    expect(substitute("${some-service}", mapping)).toBe("${some-service}");
    expect(substitute("${ name }", mapping)).toBe("${ name }");
    expect(substitute("$1 and $", mapping)).toBe("$1 and $");
  });

  it("looks names up case-sensitively", () => {
    expect(substitute("${NAME}", mapping)).toBe("${NAME}");
    expect(substitute("${Name}", mapping)).toBe("${Name}");
  });

  it("accepts identifiers with underscores and digits, not starting with a digit", () => {
    const m = substitutionMapping({ _x1: "ok", x_2: "fine" }, undefined);
    expect(substitute("${_x1}:${x_2}", m)).toBe("ok:fine");
    expect(substitute("$x_2!", m)).toBe("fine!");
    expect(substitute("${1x}", m)).toBe("${1x}");
  });

  it("reads configuration first, then each secret scope in order", () => {
    expect(substitute("${name}", mapping)).toBe("web");
    expect(substitute("${token}", mapping)).toBe("t0k");
    expect(substitute("${password}", mapping)).toBe("pw");
    expect([...mapping.keys()]).toEqual([
      "name",
      "count",
      "ratio",
      "on",
      "off",
      "nothing",
      "obj",
      "list",
      "token",
      "password",
    ]);
  });

  it("recurses through mappings and lists without changing the input", () => {
    const input = {
      url: "http://${name}:${count}/",
      args: ["${count}", ["${on}"], { deep: "${obj}" }],
      n: 5,
      b: true,
    };
    const out = substitute(input, mapping);
    expect(out).toEqual({ url: "http://web:3/", args: [3, [true], { deep: { a: 1 } }], n: 5, b: true });
    expect(input.url).toBe("http://${name}:${count}/");
  });

  it("passes non-string scalars through", () => {
    expect(substitute(42, mapping)).toBe(42);
    expect(substitute(null, mapping)).toBeNull();
    expect(substitute(false, mapping)).toBe(false);
  });

  it("tells a whole ${name} apart", () => {
    expect(isWholePlaceholder("${a}")).toBe(true);
    expect(isWholePlaceholder("x${a}")).toBe(false);
    expect(isWholePlaceholder("$a")).toBe(false);
    expect(isWholePlaceholder(3)).toBe(false);
  });
});

describe("pythonStr", () => {
  it("formats like Python's str()", () => {
    expect(pythonStr("plain")).toBe("plain");
    expect(pythonStr(null)).toBe("None");
    expect(pythonStr(true)).toBe("True");
    expect(pythonStr(12)).toBe("12");
    expect(pythonStr(1.5)).toBe("1.5");
    expect(pythonStr(1e-5)).toBe("1e-05");
    expect(pythonStr(1.5e16)).toBe("15000000000000000");
    expect(pythonStr(1.25e-300)).toBe("1.25e-300");
    expect(pythonStr(0.0001)).toBe("0.0001");
    expect(pythonStr(123456.789)).toBe("123456.789");
    expect(pythonStr(Number.POSITIVE_INFINITY)).toBe("inf");
    expect(pythonStr(Number.NaN)).toBe("nan");
    expect(pythonStr({ a: 1, b: "x", c: [true, null] })).toBe("{'a': 1, 'b': 'x', 'c': [True, None]}");
    expect(pythonStr([])).toBe("[]");
    expect(pythonStr({})).toBe("{}");
  });

  it("quotes strings inside containers like repr()", () => {
    expect(pythonRepr("it's")).toBe(`"it's"`);
    expect(pythonRepr(`both ' and "`)).toBe(`'both \\' and "'`);
    expect(pythonRepr("a\nb\\")).toBe("'a\\nb\\\\'");
    expect(pythonRepr(new TextEncoder().encode("hi'"))).toBe(`b"hi'"`);
  });
});

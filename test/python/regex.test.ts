import { describe, expect, it } from "vitest";
import { compilePythonRegex } from "../../src/python/regex.ts";

const search = (pattern: string, text: string) => compilePythonRegex(pattern).test(text);

describe("compilePythonRegex (re.search semantics)", () => {
  it.each([
    // pattern, text, expected
    ["ok", "all ok here", true],
    ["^ok$", "ok\n", true], // Python `$` matches before a final newline
    ["^ok$", "ok\nmore", false],
    ["\\Aok\\Z", "ok", true],
    ["\\Aok\\Z", "ok\n", false],
    ["(?m)^b$", "a\nb\nc", true],
    ["(?i)HELLO", "hello", true],
    ["(?s)a.b", "a\nb", true],
    ["a.b", "a\nb", false],
    ["(?P<code>\\d{3}) (?P=code)", "200 200", true],
    ["(?P<code>\\d{3}) (?P=code)", "200 201", false],
    ["(\\w+) \\1", "hey hey", true],
    ["\\w+", "café", true],
    ["^\\w+$", "café", true],
    ["(?a)^\\w+$", "café", false],
    ["^\\d+$", "١٢٣", true], // Unicode digits, as Python str patterns
    ["a{2}", "caab", true],
    ["a{,2}b", "b", true],
    ["{foo}", "x{foo}y", true], // a brace that is no quantifier is a literal
    ["x{", "x{", true],
    ["[]a]", "]", true], // `]` first in a set is literal
    ["[^]a]", "b", true],
    ["\\-\\#\\ \\&", "-# &", true], // Python allows escaping any punctuation
    ["(?x) a b  # comment\n c", "abc", true],
    ["a(?#comment)b", "ab", true],
    ["(?i:a)b", "Ab", true],
    ["(?i:a)b", "AB", false],
    ["\\x41\\u0042\\101", "ABA", true],
    ["[\\d-]+", "1-2", true],
    ["[\\w.]+@", "john.doe@", true],
    ['"status": "(UP|OK)"', '{"status": "UP"}', true],
    ["(?<=a)b", "ab", true],
  ])("%j on %j → %s", (pattern, text, expected) => {
    expect(search(pattern, text)).toBe(expected);
  });

  it.each([
    ["([", /invalid regular expression "\(\[": unterminated character set/],
    ["(abc", /invalid regular expression "\(abc"/],
    ["\\q", /bad escape \\q/],
    ["a(?i)b", /global flags not at the start/],
    ["(?(1)a|b)", /conditional groups/],
    ["(?Q)", /unknown flag 'Q'|unknown extension/],
    ["*", /invalid regular expression "\*"/],
  ])("rejects %j", (pattern, message) => {
    expect(() => compilePythonRegex(pattern)).toThrow(message);
  });
});

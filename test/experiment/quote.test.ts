import { describe, expect, it } from "vitest";
import { escapeControl, quote, quoteList, shorten } from "../../src/experiment/quote.ts";

describe("quote", () => {
  it("escapes every control character, so a value stays on its line", () => {
    expect(quote("a\nb\rc\td")).toBe("'a\\nb\\rc\\td'");
    expect(quote("\u001b[31mred\u0000")).toBe("'\\x1b[31mred\\x00'");
    expect(quote("next\u0085line\u2028sep\u007f")).toBe("'next\\x85line\\u2028sep\\x7f'");
    expect(quote("x\n::error::boom")).toBe("'x\\n::error::boom'");
  });

  it("cuts long values, says how long they were, and never splits a surrogate pair", () => {
    expect(quote("y".repeat(200))).toBe(`'${"y".repeat(57)}... (200 characters)'`);
    const emoji = `${"a".repeat(56)}😀${"b".repeat(10)}`;
    expect(shorten(emoji)).toBe(`${"a".repeat(56)}... (${emoji.length} characters)`);
    expect(quote("short")).toBe("'short'");
  });

  it("leaves printable text alone, unicode included", () => {
    expect(escapeControl("héllo wörld ✓ 日本")).toBe("héllo wörld ✓ 日本");
  });

  it("lists at most ten values, then how many more", () => {
    expect(quoteList(["a", "b"])).toBe("'a', 'b'");
    const many = Array.from({ length: 25 }, (_, i) => `n${i}`);
    expect(quoteList(many)).toBe(
      `${many
        .slice(0, 10)
        .map((n) => `'${n}'`)
        .join(", ")} and 15 more`,
    );
  });
});

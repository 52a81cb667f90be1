import { describe, expect, it } from "vitest";
import { cell, code, escapeHtml, escapeMarkdown, fence } from "../../src/report/escape.ts";

describe("escapeMarkdown", () => {
  it("escapes every character that starts markup, and nothing else", () => {
    expect(escapeMarkdown("*a* _b_ `c` [d](e) ~~f~~ $g$ | #1 !h {i} \\j")).toBe(
      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~\\~f\\~\\~ \\$g\\$ \\| \\#1 \\!h \\{i\\} \\\\j",
    );
    expect(escapeMarkdown("kind-chaos-action v1.32.2 (shop/web)")).toBe(
      "kind-chaos-action v1.32.2 (shop/web)",
    );
  });

  it("neutralises HTML, entities and autolinks", () => {
    expect(escapeMarkdown('<img src=x onerror="alert(1)"> &amp; <https://evil>')).toBe(
      '&lt;img src=x onerror="alert(1)"&gt; &amp;amp; &lt;https://evil&gt;',
    );
  });

  it("keeps user text on one line", () => {
    expect(escapeMarkdown("one\n## two\r\n- three")).toBe("one \\#\\# two - three");
  });
});

describe("escapeHtml", () => {
  it("escapes what raw HTML reads, and leaves Markdown characters alone (not parsed there)", () => {
    expect(escapeHtml('<b>"x" & *y*</b>')).toBe("&lt;b&gt;&quot;x&quot; &amp; *y*&lt;/b&gt;");
  });
});

describe("code, cell and fence", () => {
  it("keeps backticks inside inline code", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`a")).toBe("`` `a ``");
  });

  it("escapes each pipe of a cell once", () => {
    expect(cell(`${code("a|b")} ${escapeMarkdown("c|d")}`)).toBe("`a\\|b` c\\|d");
    expect(cell("x\\\\|y")).toBe("x\\\\\\|y");
  });

  it("fences a body no line of which can close the fence", () => {
    expect(fence("text", "a ``` b")).toBe("````text\na ``` b\n````");
    expect(fence("mermaid", "gantt")).toBe("```mermaid\ngantt\n```");
  });
});

// JSONPath as Chaos Toolkit evaluates it: the jsonpath2 dialect (`$` required, `=` for equality,
// `and`/`or`/`not`, `contains`, double-quoted strings, functions such as `length()`). The
// Goessner/RFC 9535 spellings jsonpath2 does not parse (`==`, `&&`, `||`, `!`, single quotes, `?`
// without parentheses) are errors that name the jsonpath2 spelling, as Chaos Toolkit rejects them.
//
// Filters: jsonpath2 tests the current node itself, so elements are filtered with
// `$.items[*][?(@.status = "ok")]`; `$.items[?(@.status = "ok")]` tests the list, which has no
// `status`, and selects nothing.
//
// Precedence follows jsonpath2's grammar: `and` binds looser than `or`.
//
// This file parses a path into its syntax tree; jsonpath-query.ts evaluates it on a value.

export interface JsonPath {
  readonly source: string;
  readonly root: PathExpression;
}

export interface PathExpression {
  origin: "$" | "@";
  steps: Step[];
}

export interface Step {
  descendant: boolean;
  selectors: Selector[];
}

export type Selector =
  | { type: "name"; name: string }
  | { type: "index"; index: number }
  | { type: "slice"; start?: number; end?: number; step?: number }
  | { type: "wildcard" }
  | { type: "filter"; expression: Expression }
  | { type: "path"; path: PathExpression }
  | { type: "call"; name: FunctionName; args: Operand[] };

export type Operand = { type: "path"; path: PathExpression } | { type: "literal"; value: unknown };

export type Comparison = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains";

export type Expression =
  | { type: "and" | "or"; left: Expression; right: Expression }
  | { type: "not"; expression: Expression }
  | { type: "compare"; operator: Comparison; left: Operand; right: Operand }
  | { type: "test"; operand: Operand };

const FUNCTIONS = ["length", "keys", "values", "entries", "charAt", "substring"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
const isFunctionName = (name: string): name is FunctionName =>
  (FUNCTIONS as readonly string[]).includes(name);

// jsonpath2's ID token: ASCII letters, digits and `_`; other names are quoted (`$["app-name"]`).
const ID_START = /[A-Za-z_]/;
const ID_PART = /[A-Za-z0-9_]/;

class Parser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parse(): JsonPath {
    this.skipSpace();
    if (this.peek() !== "$") this.fail("a JSONPath must start with `$` (the document root)");
    const root = this.pathExpression();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected text");
    return { source: this.text, root };
  }

  private fail(expected: string): never {
    const found = this.pos < this.text.length ? `'${this.text[this.pos]}'` : "the end";
    throw new Error(
      `invalid JSONPath ${JSON.stringify(this.text)}: ${expected} at position ${this.pos + 1} (found ${found})`,
    );
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  private startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  private eat(token: string): boolean {
    if (!this.startsWith(token)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string, what = `\`${token}\``): void {
    this.skipSpace();
    if (!this.eat(token)) this.fail(`expected ${what}`);
  }

  private skipSpace(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }

  private pathExpression(): PathExpression {
    const origin = this.peek() as "$" | "@";
    this.pos++;
    const steps: Step[] = [];
    for (;;) {
      if (this.eat("..")) {
        steps.push({ descendant: true, selectors: this.peek() === "[" ? this.bracket() : [this.bareword()] });
      } else if (this.peek() === "." && this.peek(1) !== ".") {
        this.pos++;
        steps.push({ descendant: false, selectors: [this.bareword()] });
      } else if (this.peek() === "[") {
        steps.push({ descendant: false, selectors: this.bracket() });
      } else {
        return { origin, steps };
      }
    }
  }

  private identifier(): string | undefined {
    if (!ID_START.test(this.peek())) return undefined;
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length && ID_PART.test(this.peek())) this.pos++;
    const name = this.text.slice(start, this.pos);
    if (this.peek() === "-" || /\p{L}/u.test(this.peek())) {
      this.fail(`jsonpath2 names are ASCII letters, digits and _: quote this one, as in ["${name}..."]`);
    }
    return name;
  }

  private bareword(): Selector {
    if (this.eat("*")) return { type: "wildcard" };
    const name = this.identifier();
    if (name === undefined) this.fail("expected a member name or `*`");
    if (this.peek() === "(") return this.call(name);
    return { type: "name", name };
  }

  private call(name: string): Selector {
    if (!isFunctionName(name)) this.fail(`unknown function ${name}() (known: ${FUNCTIONS.join(", ")})`);
    this.expect("(");
    const args: Operand[] = [];
    this.skipSpace();
    if (!this.eat(")")) {
      do {
        this.skipSpace();
        args.push(this.operand());
        this.skipSpace();
      } while (this.eat(","));
      this.expect(")");
    }
    const arity: Record<FunctionName, [number, number]> = {
      length: [0, 0],
      keys: [0, 0],
      values: [0, 0],
      entries: [0, 0],
      charAt: [1, 1],
      substring: [1, 2],
    };
    const [min, max] = arity[name];
    if (args.length < min || args.length > max) {
      this.fail(`${name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), not ${args.length}`);
    }
    return { type: "call", name, args };
  }

  private bracket(): Selector[] {
    this.pos++; // [
    const selectors: Selector[] = [];
    do {
      this.skipSpace();
      selectors.push(this.selector());
      this.skipSpace();
    } while (this.eat(","));
    this.expect("]");
    return selectors;
  }

  private selector(): Selector {
    const c = this.peek();
    if (c === '"' || c === "'") return { type: "name", name: this.string() };
    if (c === "*") {
      this.pos++;
      return { type: "wildcard" };
    }
    if (c === "?") {
      this.pos++;
      this.skipSpace();
      if (this.peek() !== "(") this.fail("expected `(` after `?` (jsonpath2 filters are written `?(...)`)");
      this.pos++;
      const expression = this.expression();
      this.expect(")");
      return { type: "filter", expression };
    }
    if (c === "$" || c === "@") return { type: "path", path: this.pathExpression() };
    if (c === ":" || c === "-" || /[0-9]/.test(c)) return this.indexOrSlice();
    const name = this.identifier();
    if (name !== undefined) {
      this.skipSpace();
      if (this.peek() === "(") return this.call(name);
      this.fail(`expected \`(\` after ${name} (member names in brackets are quoted: ["${name}"])`);
    }
    this.fail("expected a quoted name, an index, a slice, `*`, a filter `?(...)` or a function call");
  }

  private integer(): number | undefined {
    this.skipSpace();
    const match = /^-?(0|[1-9][0-9]*)/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    if (this.peek() === "." || this.peek() === "e" || this.peek() === "E") this.fail("expected an integer");
    return Number(match[0]);
  }

  private indexOrSlice(): Selector {
    const start = this.integer();
    this.skipSpace();
    if (this.peek() !== ":") {
      if (start === undefined) this.fail("expected an integer");
      return { type: "index", index: start };
    }
    this.pos++;
    const end = this.integer();
    let step: number | undefined;
    this.skipSpace();
    if (this.eat(":")) {
      step = this.integer();
      if (step === 0) this.fail("a slice step cannot be zero");
    }
    return { type: "slice", start, end, step };
  }

  private string(): string {
    const quote = this.peek();
    if (quote === "'") this.fail('jsonpath2 strings are double-quoted ("...")');
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === "") {
        this.pos = start;
        this.fail("unterminated string");
      }
      this.pos++;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.peek();
      this.pos++;
      const simple: Record<string, string> = {
        '"': '"',
        "'": "'",
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (e in simple) out += simple[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.pos--;
        this.fail("invalid escape in string");
      }
    }
  }

  /** Fails on another dialect's spelling of a jsonpath2 operator. */
  private rejectSpelling(token: string, jsonpath2: string): void {
    if (this.startsWith(token)) this.fail(`jsonpath2 writes \`${jsonpath2}\`, not \`${token}\``);
  }

  // expression := or ( "and" expression )?
  private expression(): Expression {
    const left = this.orExpression();
    this.skipSpace();
    this.rejectSpelling("&&", "and");
    if (this.keyword("and")) return { type: "and", left, right: this.expression() };
    return left;
  }

  private orExpression(): Expression {
    const left = this.notExpression();
    this.skipSpace();
    this.rejectSpelling("||", "or");
    if (this.keyword("or")) return { type: "or", left, right: this.orExpression() };
    return left;
  }

  private keyword(word: string): boolean {
    if (!this.startsWith(word) || ID_PART.test(this.text[this.pos + word.length] ?? "")) return false;
    this.pos += word.length;
    return true;
  }

  private notExpression(): Expression {
    this.skipSpace();
    if (this.peek() === "!" && this.peek(1) !== "=") this.rejectSpelling("!", "not");
    if (this.keyword("not")) return { type: "not", expression: this.notExpression() };
    if (this.eat("(")) {
      const inner = this.expression();
      this.expect(")");
      return inner;
    }
    const left = this.operand();
    this.skipSpace();
    const operator = this.comparison();
    if (operator === undefined) return { type: "test", operand: left };
    this.skipSpace();
    return { type: "compare", operator, left, right: this.operand() };
  }

  private comparison(): Comparison | undefined {
    this.rejectSpelling("==", "=");
    for (const [token, operator] of [
      ["!=", "!="],
      ["<=", "<="],
      [">=", ">="],
      ["=", "="],
      ["<", "<"],
      [">", ">"],
    ] as const) {
      if (this.eat(token)) return operator;
    }
    if (this.keyword("contains")) return "contains";
    return undefined;
  }

  private operand(): Operand {
    const c = this.peek();
    if (c === "$" || c === "@") return { type: "path", path: this.pathExpression() };
    return { type: "literal", value: this.literal() };
  }

  private literal(): unknown {
    this.skipSpace();
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === "[") {
      this.pos++;
      const items: unknown[] = [];
      this.skipSpace();
      if (this.eat("]")) return items;
      do items.push(this.literal());
      while (this.skipAndEat(","));
      this.expect("]");
      return items;
    }
    if (c === "{") {
      this.pos++;
      const object: Record<string, unknown> = {};
      this.skipSpace();
      if (this.eat("}")) return object;
      do {
        this.skipSpace();
        if (this.peek() !== '"' && this.peek() !== "'") this.fail("expected a quoted key");
        const key = this.string();
        this.expect(":");
        object[key] = this.literal();
      } while (this.skipAndEat(","));
      this.expect("}");
      return object;
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.keyword(word)) return value;
    }
    const number = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    this.fail("expected a path (`@` or `$`), a string, a number, true, false, null, a list or an object");
  }

  private skipAndEat(token: string): boolean {
    this.skipSpace();
    return this.eat(token);
  }
}

/** Parses a JSONPath; throws an Error naming the position and what was expected. */
export function parseJsonPath(path: string): JsonPath {
  return new Parser(path).parse();
}

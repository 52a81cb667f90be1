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
import { isRecord } from "../common/record.ts";
import { pyEquals, pyTruthy } from "./values.ts";

export interface JsonPath {
  readonly source: string;
  readonly root: PathExpression;
}

interface PathExpression {
  origin: "$" | "@";
  steps: Step[];
}

interface Step {
  descendant: boolean;
  selectors: Selector[];
}

type Selector =
  | { type: "name"; name: string }
  | { type: "index"; index: number }
  | { type: "slice"; start?: number; end?: number; step?: number }
  | { type: "wildcard" }
  | { type: "filter"; expression: Expression }
  | { type: "path"; path: PathExpression }
  | { type: "call"; name: FunctionName; args: Operand[] };

type Operand = { type: "path"; path: PathExpression } | { type: "literal"; value: unknown };

type Comparison = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains";

type Expression =
  | { type: "and" | "or"; left: Expression; right: Expression }
  | { type: "not"; expression: Expression }
  | { type: "compare"; operator: Comparison; left: Operand; right: Operand }
  | { type: "test"; operand: Operand };

const FUNCTIONS = ["length", "keys", "values", "entries", "charAt", "substring"] as const;
type FunctionName = (typeof FUNCTIONS)[number];
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

/** Every value the path selects in `value`, in document order. */
export function queryJsonPath(parsed: JsonPath, value: unknown): unknown[] {
  return evaluatePath(parsed.root, value, value);
}

function evaluatePath(path: PathExpression, root: unknown, current: unknown): unknown[] {
  let nodes = [path.origin === "$" ? root : current];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      for (const target of step.descendant ? descendantsAndSelf(node) : [node]) {
        for (const selector of step.selectors) next.push(...select(selector, target, root));
      }
    }
    nodes = next;
  }
  return nodes;
}

function descendantsAndSelf(value: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown) => {
    out.push(node);
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) Object.values(node).forEach(walk);
  };
  walk(value);
  return out;
}

function select(selector: Selector, node: unknown, root: unknown): unknown[] {
  switch (selector.type) {
    case "name":
      return isRecord(node) && Object.hasOwn(node, selector.name) ? [node[selector.name]] : [];
    case "index": {
      if (!Array.isArray(node)) return [];
      const i = selector.index < 0 ? node.length + selector.index : selector.index;
      return i >= 0 && i < node.length ? [node[i]] : [];
    }
    case "slice":
      return Array.isArray(node) ? jsonpath2Slice(node, selector) : [];
    case "wildcard":
      if (Array.isArray(node)) return [...node];
      return isRecord(node) ? Object.values(node) : [];
    case "filter":
      return test(selector.expression, root, node) ? [node] : [];
    case "path":
      return evaluatePath(selector.path, root, node).flatMap((key) => {
        if (typeof key === "string") return select({ type: "name", name: key }, node, root);
        if (typeof key === "number" && Number.isInteger(key))
          return select({ type: "index", index: key }, node, root);
        return [];
      });
    case "call":
      return call(selector.name, selector.args, node, root);
  }
}

// jsonpath2's slice, which is not Python's: a negative start counts from the end (clamped to 0), a
// negative end too (unclamped), then `range(start ?? 0, end ?? len, step)` is read index by index, a
// negative index counting from the end. So `[::-1]` is range(0, len, -1): nothing.
function jsonpath2Slice(
  list: unknown[],
  { start, end, step = 1 }: { start?: number; end?: number; step?: number },
): unknown[] {
  const n = list.length;
  const from = start === undefined ? 0 : start < 0 ? (Math.abs(start) < n ? start + n : 0) : start;
  const to = end === undefined ? n : end < 0 ? end + n : end;
  const out: unknown[] = [];
  // Indices from n on, or below -n, select nothing: skip them rather than walk a huge range.
  let i = step > 0 || from < n ? from : from - Math.ceil((from - n + 1) / -step) * -step;
  const stop = step > 0 ? Math.min(to, n) : Math.max(to, -n - 1);
  for (; step > 0 ? i < stop : i > stop; i += step) {
    const index = i < 0 ? i + n : i;
    if (index >= 0 && index < n) out.push(list[index]);
  }
  return out;
}

// Python slice semantics (for substring()): negative bounds count from the end, a negative step walks backwards.
function slice(
  list: unknown[],
  { start, end, step = 1 }: { start?: number; end?: number; step?: number },
): unknown[] {
  const n = list.length;
  const clamp = (i: number, low: number, high: number) => Math.min(Math.max(i < 0 ? i + n : i, low), high);
  const out: unknown[] = [];
  if (step > 0) {
    const from = start === undefined ? 0 : clamp(start, 0, n);
    const to = end === undefined ? n : clamp(end, 0, n);
    for (let i = from; i < to; i += step) out.push(list[i]);
  } else {
    const from = start === undefined ? n - 1 : clamp(start, -1, n - 1);
    const to = end === undefined ? -1 : clamp(end, -1, n - 1);
    for (let i = from; i > to; i += step) out.push(list[i]);
  }
  return out;
}

function call(name: FunctionName, args: Operand[], node: unknown, root: unknown): unknown[] {
  const argument = (i: number): unknown => {
    const operand = args[i];
    if (operand === undefined) return undefined;
    return operand.type === "literal" ? operand.value : evaluatePath(operand.path, root, node)[0];
  };
  switch (name) {
    case "length":
      // jsonpath2: a string or a list; a mapping has no length().
      if (typeof node === "string") return [Array.from(node).length];
      return Array.isArray(node) ? [node.length] : [];
    case "keys":
      if (Array.isArray(node)) return [node.map((_, i) => i)];
      return isRecord(node) ? [Object.keys(node)] : [];
    case "values":
      if (Array.isArray(node)) return [[...node]];
      return isRecord(node) ? [Object.values(node)] : [];
    case "entries":
      if (Array.isArray(node)) return [node.map((v, i) => [i, v])];
      return isRecord(node) ? [Object.entries(node)] : [];
    case "charAt": {
      const index = argument(0);
      if (typeof node !== "string" || typeof index !== "number" || !Number.isInteger(index)) return [];
      const chars = Array.from(node);
      const i = index < 0 ? chars.length + index : index;
      return i >= 0 && i < chars.length ? [chars[i]] : [];
    }
    case "substring": {
      const from = argument(0);
      const to = argument(1);
      if (
        typeof node !== "string" ||
        typeof from !== "number" ||
        (to !== undefined && typeof to !== "number")
      )
        return [];
      return [slice(Array.from(node), { start: from, end: to }).join("")];
    }
  }
}

function operandValues(operand: Operand, root: unknown, current: unknown): unknown[] {
  return operand.type === "literal" ? [operand.value] : evaluatePath(operand.path, root, current);
}

const isNumber = (v: unknown): v is number | boolean => typeof v === "number" || typeof v === "boolean";
const num = (v: number | boolean): number => (typeof v === "boolean" ? Number(v) : v);

function compare(operator: Comparison, left: unknown, right: unknown): boolean {
  switch (operator) {
    case "=":
      return pyEquals(left, right);
    case "!=":
      return !pyEquals(left, right);
    case "contains":
      if (typeof left === "string") return typeof right === "string" && left.includes(right);
      if (Array.isArray(left)) return left.some((item) => pyEquals(item, right));
      return isRecord(left) && typeof right === "string" && Object.hasOwn(left, right);
    default: {
      // jsonpath2 orders numbers only; anything else compares false.
      if (!isNumber(left) || !isNumber(right)) return false;
      const [a, b] = [num(left), num(right)];
      if (operator === "<") return a < b;
      if (operator === "<=") return a <= b;
      if (operator === ">") return a > b;
      return a >= b;
    }
  }
}

function test(expression: Expression, root: unknown, current: unknown): boolean {
  switch (expression.type) {
    case "and":
      return test(expression.left, root, current) && test(expression.right, root, current);
    case "or":
      return test(expression.left, root, current) || test(expression.right, root, current);
    case "not":
      return !test(expression.expression, root, current);
    case "test":
      if (expression.operand.type === "literal") return pyTruthy(expression.operand.value);
      return evaluatePath(expression.operand.path, root, current).length > 0;
    case "compare": {
      const lefts = operandValues(expression.left, root, current);
      const rights = operandValues(expression.right, root, current);
      return lefts.some((l) => rights.some((r) => compare(expression.operator, l, r)));
    }
  }
}

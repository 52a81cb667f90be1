// Evaluates a parsed jsonpath2 path (jsonpath-parse.ts) on a value, with jsonpath2's semantics: its
// slices, its functions and Python's comparisons and truthiness in filters.
import { isRecord } from "../common/record.ts";
import type {
  Comparison,
  Expression,
  FunctionName,
  JsonPath,
  Operand,
  PathExpression,
  Selector,
} from "./jsonpath-parse.ts";
import { pyEquals, pyTruthy } from "./values.ts";

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

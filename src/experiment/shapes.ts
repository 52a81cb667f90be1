// The experiment format compiled ahead of time: format.ts's zod schemas as a table of plain nodes
// (format-shapes.json, written by `npm run schema` from format.ts), and whether a value fits one,
// exactly as zod's safeParse would decide. Validation checks with these: loading zod and building its
// schemas cost tens of milliseconds at every start, so zod is loaded only to word the problems of a
// value that does not fit (validation/shape-wording.ts).
import { isRecord } from "../common/record.ts";
import type { NullRule } from "./format.ts";
import table from "./format-shapes.json" with { type: "json" };

/** A JSON-able literal or enum value. */
export type ShapeValue = string | number | boolean | null;

/** How an object field behaves when its key is absent (zod's optin/optout). */
interface Absence {
  optin?: "optional" | "defaulted";
  optout?: "optional";
}

export type ShapeNode = Absence & { nullRule?: NullRule } & (
    | { kind: "unknown" }
    | { kind: "boolean" }
    | { kind: "string"; minLength?: number; pattern?: { source: string; flags: string } }
    | { kind: "number"; int?: boolean; greaterThan?: { value: number; inclusive: boolean } }
    | { kind: "values"; values: ShapeValue[] }
    | { kind: "optional"; inner: number }
    | { kind: "array"; element: number }
    | { kind: "tuple"; items: number[]; minItems: number }
    | { kind: "record"; value: number }
    | { kind: "object"; fields: Record<string, number>; loose: boolean }
    | { kind: "union"; options: number[] }
    | { kind: "discriminated"; key: string; options: number[] }
  );

export interface ShapeTable {
  nodes: ShapeNode[];
  /** format.ts's exported schemas, by name. */
  named: Record<string, number>;
}

const compiled = table as unknown as ShapeTable;
const nodes = compiled.nodes;

/** The node of one of format.ts's exported schemas. */
export const SHAPES = table.named;

export const nullRuleOf = (node: number): NullRule | undefined => nodes[node]!.nullRule;

/** The fields of an object node, by key. */
export function fieldsOf(node: number): Record<string, number> {
  const shape = nodes[node]!;
  if (shape.kind !== "object") throw new Error(`shape ${node} is a ${shape.kind}, not an object`);
  return shape.fields;
}

/** One option of a union node. */
export function optionOf(node: number, index: number): number {
  const shape = nodes[node]!;
  if (shape.kind !== "union" && shape.kind !== "discriminated")
    throw new Error(`shape ${node} is a ${shape.kind}, not a union`);
  return shape.options[index]!;
}

/** zod's isPlainObject: an object whose constructor, if any, has a prototype with isPrototypeOf. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const ctor = value.constructor;
  if (typeof ctor !== "function") return true;
  const prototype: unknown = ctor.prototype;
  return isRecord(prototype) && Object.hasOwn(prototype, "isPrototypeOf");
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const sameValueZero = (a: unknown, b: unknown) => a === b || (Number.isNaN(a) && Number.isNaN(b));

const patterns = new Map<number, RegExp>();

/** Whether zod's safeParse of `value` with the node's schema succeeds. */
export function fits(node: number, value: unknown): boolean {
  const shape = nodes[node]!;
  switch (shape.kind) {
    case "unknown":
      return true;
    case "boolean":
      return typeof value === "boolean";
    case "string": {
      if (typeof value !== "string") return false;
      if (shape.minLength !== undefined && codePoints(value) < shape.minLength) return false;
      if (!shape.pattern) return true;
      let pattern = patterns.get(node);
      if (!pattern) {
        pattern = new RegExp(shape.pattern.source, shape.pattern.flags);
        patterns.set(node, pattern);
      }
      pattern.lastIndex = 0;
      return pattern.test(value);
    }
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return false;
      if (shape.int && !Number.isSafeInteger(value)) return false;
      if (!shape.greaterThan) return true;
      return shape.greaterThan.inclusive ? value >= shape.greaterThan.value : value > shape.greaterThan.value;
    case "values":
      return shape.values.some((allowed) => sameValueZero(allowed, value));
    case "optional":
      return value === undefined || fits(shape.inner, value);
    case "array":
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!fits(shape.element, value[i])) return false;
      return true;
    case "tuple":
      if (!Array.isArray(value) || value.length < shape.minItems || value.length > shape.items.length)
        return false;
      return shape.items.every((item, i) => fits(item, value[i]));
    case "record":
      if (!isPlainObject(value)) return false;
      for (const key of Reflect.ownKeys(value)) {
        if (key === "__proto__" || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
        if (typeof key !== "string" || !fits(shape.value, value[key])) return false;
      }
      return true;
    case "object":
      if (!isRecord(value)) return false;
      for (const [key, field] of Object.entries(shape.fields)) {
        if (!fieldFits(field, key in value, value[key])) return false;
      }
      return true;
    case "union":
      return shape.options.some((option) => fits(option, value));
    case "discriminated": {
      if (!isRecord(value)) return false;
      const tag = value[shape.key];
      const option = shape.options.find((candidate) => fits(fieldsOf(candidate)[shape.key]!, tag));
      return option !== undefined && fits(option, value);
    }
  }
}

/** zod's handling of one object property, present or not. */
function fieldFits(field: number, present: boolean, value: unknown): boolean {
  if (present) return fits(field, value);
  const { optin, optout } = nodes[field]!;
  if (optout === "optional" && optin !== undefined) return true;
  return optin !== undefined && fits(field, undefined);
}

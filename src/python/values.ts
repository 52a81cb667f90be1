// Python's semantics for JSON-shaped values: equality (`1 == True`, `3 == 3.0`), ordering (which
// raises TypeError across types) and truthiness. Chaos Toolkit evaluates tolerances with them, so
// experiments written against it only behave the same when we do too. (`str()` is in
// ./str.ts.)

import { isRecord } from "../common/record.ts";

/** What Python raises when an operation does not apply to the given types. */
export class PythonTypeError extends Error {
  override name = "TypeError";
}

export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  if (value instanceof Uint8Array) return "bytes";
  return "dict";
}

const numeric = (value: unknown): number | undefined => {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
};

/** Python `a == b`. */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && pyEquals(a[key], b[key]));
  }
  return false;
}

/** Python `needle in haystack` for a list (membership by equality). */
export const pyIn = (needle: unknown, haystack: readonly unknown[]): boolean =>
  haystack.some((item) => pyEquals(needle, item));

/** Python's ordering of two values: negative, zero or positive; throws PythonTypeError like `<` does. */
export function pyCompare(a: unknown, b: unknown, operator = "<="): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (Number.isNaN(na) || Number.isNaN(nb)) return Number.NaN;
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") {
    // Python compares strings by code point; JS `<` compares UTF-16 units, which differs only beyond the BMP.
    const ca = Array.from(a, (c) => c.codePointAt(0)!);
    const cb = Array.from(b, (c) => c.codePointAt(0)!);
    return compareSequences(ca, cb, (x, y) => x - y);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return compareSequences(a, b, (x, y) => (pyEquals(x, y) ? 0 : pyCompare(x, y, operator)));
  }
  throw new PythonTypeError(
    `'${operator}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

function compareSequences<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compare(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Python `bool(value)`. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

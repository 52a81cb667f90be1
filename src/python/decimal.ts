// Python's `Decimal` as a range tolerance uses it: `Decimal(output)` compared with `Decimal(bound)`.
// A Decimal made from a float is the float's exact binary value (Decimal(0.1) is
// 0.1000000000000000055...), one made from a string is the exact decimal written, so "0.1" is
// below a bound of 0.1. Comparing JavaScript numbers would round the string first and miss that.

/** A finite decimal `sign × digits × 10^exponent`, or an infinity, or NaN. */
export type PyDecimal =
  | { kind: "finite"; negative: boolean; digits: bigint; exponent: number }
  | { kind: "infinite"; negative: boolean }
  | { kind: "nan" };

// Python's Decimal() string syntax: surrounding blanks, `_` between digits, inf/infinity/nan/snan words.
const DECIMAL_TEXT =
  /^\s*([+-]?)(?:(\d(?:_?\d)*)?(?:\.(\d(?:_?\d)*)?)?(?:[eE]([+-]?\d(?:_?\d)*))?|(inf(?:inity)?)|(s?nan\d*))\s*$/i;

/** `Decimal(text)`, or undefined where Python raises InvalidOperation. */
export function decimalFromString(text: string): PyDecimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction, exponent, infinity, nan] = match;
  const negative = sign === "-";
  if (nan) return { kind: "nan" };
  if (infinity) return { kind: "infinite", negative };
  if (whole === undefined && fraction === undefined) return undefined;
  const strip = (s: string | undefined) => (s ?? "").replaceAll("_", "");
  const frac = strip(fraction);
  return {
    kind: "finite",
    negative,
    digits: BigInt(`${strip(whole)}${frac}` || "0"),
    exponent: Number(strip(exponent) || "0") - frac.length,
  };
}

/** `Decimal(number)`: the exact value of the double. */
export function decimalFromNumber(value: number): PyDecimal {
  if (Number.isNaN(value)) return { kind: "nan" };
  if (!Number.isFinite(value)) return { kind: "infinite", negative: value < 0 };
  const negative = value < 0 || Object.is(value, -0);
  if (Number.isInteger(value))
    return { kind: "finite", negative, digits: BigInt(Math.abs(value)), exponent: 0 };
  // A non-integral double is m / 2^k with k ≤ 1074, that is m × 5^k × 10^-k.
  let mantissa = Math.abs(value);
  let k = 0;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2;
    k++;
  }
  return { kind: "finite", negative, digits: BigInt(mantissa) * 5n ** BigInt(k), exponent: -k };
}

/** Negative, zero or positive; undefined when either is NaN (Python raises InvalidOperation). */
export function compareDecimals(a: PyDecimal, b: PyDecimal): number | undefined {
  if (a.kind === "nan" || b.kind === "nan") return undefined;
  const sign = (d: PyDecimal & { negative: boolean }) =>
    d.kind === "finite" && d.digits === 0n ? 0 : d.negative ? -1 : 1;
  const [sa, sb] = [sign(a), sign(b)];
  if (sa !== sb) return sa - sb;
  if (a.kind === "infinite" || b.kind === "infinite") {
    if (a.kind === b.kind) return 0;
    return (a.kind === "infinite" ? 1 : -1) * sa;
  }
  if (sa === 0) return 0;
  return compareMagnitudes(a, b) * sa;
}

function compareMagnitudes(
  a: { digits: bigint; exponent: number },
  b: { digits: bigint; exponent: number },
): number {
  // Order of magnitude first, so that an exponent such as 1e999999 is never expanded.
  const magnitude = (d: { digits: bigint; exponent: number }) => d.digits.toString().length + d.exponent;
  const [ma, mb] = [magnitude(a), magnitude(b)];
  if (ma !== mb) return ma - mb;
  const common = Math.min(a.exponent, b.exponent);
  const scaled = (d: { digits: bigint; exponent: number }) => d.digits * 10n ** BigInt(d.exponent - common);
  const [x, y] = [scaled(a), scaled(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

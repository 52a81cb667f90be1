// Python's `int(text)` and `float(text)`: surrounding blanks, a sign and `_` between digits are
// accepted; `float()` also takes `inf`, `infinity` and `nan` in any case. Anything else is the
// ValueError Python raises, here undefined.

const digits = "[0-9](?:_?[0-9])*";
const intText = new RegExp(`^[+-]?${digits}$`);
const floatText = new RegExp(
  `^[+-]?(?:(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?|inf|infinity|nan)$`,
  "i",
);

/** Python `int(text)`, or undefined where it raises ValueError. */
export function parsePythonInt(text: string): number | undefined {
  const trimmed = text.trim();
  return intText.test(trimmed) ? Number(trimmed.replaceAll("_", "")) : undefined;
}

/** Python `float(text)`, or undefined where it raises ValueError. */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (!floatText.test(trimmed)) return undefined;
  const lower = trimmed.toLowerCase().replace(/^\+/, "");
  if (lower === "nan" || lower === "-nan") return Number.NaN;
  if (lower === "inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  return Number(trimmed.replaceAll("_", ""));
}

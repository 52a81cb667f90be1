// What the two YAML readers must agree on: where the plain reader accepts a file, the same data (own
// keys in the same order, -0 told from 0), the same warnings, and the same position for every path
// in the data and for a missing key under each. Used by the unit tests and the fuzz suite.
import type { PathSegment } from "../../src/experiment/path.ts";
import { parsePlainYamlText } from "../../src/experiment/plain-yaml-experiment.ts";
import { parseYamlText } from "../../src/experiment/yaml-experiment.ts";

/** YAML's finer points, each in a small plain file: both readers must read them alike. */
export const YAML_FINER_POINTS: ReadonlyArray<readonly [string, string]> = [
  ["a multi-line plain scalar", "a: plain\n  multi line\n\n  with blank\n"],
  ["a folded scalar that keeps its line ends", "a: >+\n  keep\n\n\nb: 1\n"],
  ["a folded scalar with a more indented line", "a: >-\n  strip\n   more indented\n  back\n"],
  ["a literal scalar with trailing spaces", "a: |\n  trailing spaces   \n  x\n"],
  ["double-quoted escapes", 'a: "esc \\x41 \\u00e9 \\N \\_ \\L \\P \\0 \\a \\e \\/ \\t"\n'],
  ["a folded double-quoted scalar", 'a: "folded\n  line\n\n  para\n  joined"\n'],
  ["a folded single-quoted scalar", "a: 'single ''quoted''\n  fold'\n"],
  ["flow collections", "- [a, b, {c: d}]\n- {e: [f, g], h: }\n"],
  ["explicit keys", "? a\n: b\n? c\n"],
  ["a document start marker", "---\na: 1\n"],
  ["comments", "a: b # comment\n# c\nd: e#notcomment\n"],
  ["a sequence at its key's indentation", "a:\n- b\n- c\n"],
  ["Unicode line separators", "a: x\u2028y\nb: x\u0085y\n"],
];

function sameData(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return false;
  }
  const keys = Reflect.ownKeys(a);
  const otherKeys = Reflect.ownKeys(b);
  if (keys.length !== otherKeys.length || keys.some((key, i) => key !== otherKeys[i])) return false;
  return keys.every((key) =>
    sameData((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]),
  );
}

function* pathsIn(value: unknown, path: PathSegment[] = []): Generator<PathSegment[]> {
  yield path;
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    yield* pathsIn(child, [...path, Array.isArray(value) ? Number(key) : key]);
  }
}

const outcome = (read: () => unknown): { value: unknown } | { error: string } => {
  try {
    return { value: read() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
};

/**
 * How the plain reader's reading of `text` differs from the `yaml` package's: undefined when it
 * agrees or declines the file, or one line naming the first difference.
 */
export function readersDisagree(text: string, file = "x.yaml"): string | undefined {
  const plain = outcome(() => parsePlainYamlText(text, file));
  if ("value" in plain && plain.value === undefined) return undefined;
  const full = outcome(() => parseYamlText(text, file));
  if ("error" in plain || "error" in full) {
    const plainError = "error" in plain ? plain.error : "none";
    const fullError = "error" in full ? full.error : "none";
    return plainError === fullError ? undefined : `errors: ${plainError} | ${fullError}`;
  }
  const a = plain.value as ReturnType<typeof parseYamlText>;
  const b = full.value as ReturnType<typeof parseYamlText>;
  if (!sameData(a.data, b.data)) return `data: ${JSON.stringify(a.data)} | ${JSON.stringify(b.data)}`;
  if (JSON.stringify(a.warnings) !== JSON.stringify(b.warnings)) {
    return `warnings: ${JSON.stringify(a.warnings)} | ${JSON.stringify(b.warnings)}`;
  }
  for (const path of pathsIn(b.data)) {
    for (const located of [path, [...path, "no-such-key"]]) {
      const here = a.locate(located);
      const there = b.locate(located);
      if (here.line !== there.line || here.column !== there.column) {
        return `position of ${JSON.stringify(located)}: ${here.line}:${here.column} | ${there.line}:${there.column}`;
      }
    }
  }
  return undefined;
}

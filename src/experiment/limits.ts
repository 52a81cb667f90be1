// The bounds an experiment file must stay within, so that reading and checking any file takes
// bounded time and memory, and what it says when a file goes beyond them. Real experiments are a
// few kilobytes, a dozen levels deep, with a handful of problems at a time.
import type { PathSegment } from "./path.ts";

/**
 * Largest experiment file read (bytes). The YAML parser needs about 1 KB of memory and 10 µs per
 * value; at this size the worst file (a flow list of single digits) parses in about 2 s and 300 MB.
 */
export const MAX_FILE_BYTES = 256 * 1024;
/** Deepest nesting of mappings and lists (the experiment itself is level 1). */
export const MAX_DEPTH = 64;
/** Most problems reported for one file; the rest are counted. */
export const MAX_ISSUES = 100;
/** Most nodes one YAML alias may stand for when expanded (the `yaml` package's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

/** The message for a file larger than MAX_FILE_BYTES, or undefined when it is within it. */
export function sizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return `the file is ${sizeText(bytes)} (${bytes} bytes); an experiment file may be at most ${sizeText(MAX_FILE_BYTES)}`;
}

export const depthMessage = `values are nested more than ${MAX_DEPTH} levels deep; an experiment may nest at most ${MAX_DEPTH} levels`;

/**
 * The path to the first value nested deeper than MAX_DEPTH, or undefined when `data` stays within
 * it. Iterative, and it never goes below MAX_DEPTH + 1, so it ends on any data, cycles included.
 */
export function tooDeep(data: unknown): PathSegment[] | undefined {
  interface Step {
    value: unknown;
    depth: number;
    parent: Step | undefined;
    key: PathSegment;
  }
  const pathOf = (step: Step): PathSegment[] => {
    const path: PathSegment[] = [];
    for (let at: Step | undefined = step; at?.parent; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Step[] = [{ value: data, depth: 1, parent: undefined, key: "" }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const { value } = step;
    if (value === null || typeof value !== "object") continue;
    if (step.depth > MAX_DEPTH) return pathOf(step);
    const keys: PathSegment[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child = (value as Record<PathSegment, unknown>)[key];
      stack.push({ value: child, depth: step.depth + 1, parent: step, key });
    }
  }
  return undefined;
}

/** "120 problems; the first 100 are shown". */
export const tooManyMessage = (total: number): string =>
  `${total} problems, more than ${MAX_ISSUES}; the first ${MAX_ISSUES} are shown`;

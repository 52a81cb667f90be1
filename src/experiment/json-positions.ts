// Where each value of a JSON experiment starts, so that messages point at `file:line:column`, and
// which keys repeat within an object (JSON.parse keeps the last one, silently). The text has already
// passed JSON.parse: the scanner only walks it, and JSON files need no YAML parser.
import type { DocPath, PathSegment } from "./path.ts";
import { type PositionTree as Entry, locateIn } from "./source-positions.ts";

export interface JsonPositions {
  /** Offset of the value at `path` (of its key, in an object), or of its nearest existing ancestor. */
  locate(path: DocPath): number;
  /** Every repeated key, in document order, at the offset of its later occurrence. */
  duplicates: Array<{ path: PathSegment[]; key: string; offset: number }>;
}

const whitespace = new Set([" ", "\t", "\n", "\r"]);
const scalarEnd = new Set([",", "]", "}", ...whitespace]);

/** Positions in `text`, which must be valid JSON. */
export function jsonPositions(text: string): JsonPositions {
  let i = 0;
  const duplicates: JsonPositions["duplicates"] = [];
  const skip = () => {
    while (whitespace.has(text[i] ?? "")) i++;
  };
  const skipString = () => {
    i++; // the opening quote
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
  };
  const value = (path: PathSegment[]): Entry => {
    skip();
    const offset = i;
    if (text[i] === "{") {
      i++;
      const members = new Map<string, Entry>();
      skip();
      while (text[i] !== "}") {
        skip();
        const keyOffset = i;
        skipString();
        const key = JSON.parse(text.slice(keyOffset, i)) as string;
        if (members.has(key)) duplicates.push({ path: [...path, key], key, offset: keyOffset });
        skip();
        i++; // ':'
        members.set(key, { ...value([...path, key]), offset: keyOffset });
        skip();
        if (text[i] === ",") i++;
      }
      i++;
      return { offset, members };
    }
    if (text[i] === "[") {
      i++;
      const items: Entry[] = [];
      skip();
      while (text[i] !== "]") {
        items.push(value([...path, items.length]));
        skip();
        if (text[i] === ",") i++;
        skip();
      }
      i++;
      return { offset, items };
    }
    if (text[i] === '"') skipString();
    else while (i < text.length && !scalarEnd.has(text[i]!)) i++;
    return { offset };
  };
  const root = value([]);

  return { locate: (path) => locateIn(root, path), duplicates };
}

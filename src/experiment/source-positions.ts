// Where the values of a parsed experiment file start: the tree of offsets the JSON scanner and the
// plain-YAML reader build as they read, and the line and column of an offset.
import type { Position } from "./errors.ts";
import type { DocPath } from "./path.ts";

/** A value's offset in the text (its key's, in a mapping) and those of its children. */
export interface PositionTree {
  offset: number;
  members?: Map<string, PositionTree>;
  items?: PositionTree[];
}

/** Offset of the value at `path`, or of its nearest existing ancestor. */
export function locateIn(root: PositionTree, path: DocPath): number {
  let entry = root;
  for (const segment of path) {
    const next = entry.members
      ? entry.members.get(String(segment))
      : typeof segment === "number"
        ? entry.items?.[segment]
        : undefined;
    if (next === undefined) break;
    entry = next;
  }
  return entry.offset;
}

/** Line and column (from 1) of an offset in `text`, as the YAML parser's LineCounter gives them. */
export function positionsIn(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

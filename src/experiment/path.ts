// A location inside an experiment document, as a list of keys and indexes, and how users read it:
// `method[2].provider.arguments.url`, `steady-state-hypothesis.probes[0].tolerance`.

export type PathSegment = string | number;
export type DocPath = readonly PathSegment[];

import { QUOTED_LENGTH, shorten } from "./quote.ts";

const plainKey = /^[^.[\]\s"]+$/;

export function formatPath(path: DocPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (plainKey.test(segment) && segment.length <= QUOTED_LENGTH)
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(shorten(segment))}]`;
  }
  return out;
}

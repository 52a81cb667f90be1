// The words for a value that does not fit its shape: zod's issues for it (shape-messages.ts rewrites
// them for people), from the schema the shape was compiled from. Loaded only once validation has
// found such a value (validate.ts), so that a valid experiment is checked without zod.

import { shapeProblems } from "../shape-messages.ts";
import { compileShapes } from "../shapes-compile.ts";
import type { ShapeProblems } from "./checker.ts";

let schemas: ReturnType<typeof compileShapes>["schemas"] | undefined;

export const zodShapeProblems: ShapeProblems = (shape, value) => {
  schemas ??= compileShapes().schemas;
  return shapeProblems(schemas[shape]!, value);
};

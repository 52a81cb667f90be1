// Typed API answers are class instances with Date fields; outputs and undo data are the plain JSON
// the API server sent (what Chaos Toolkit returns), so tolerances and journals see the same shape.
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

export function toWire(value: unknown, type: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(ObjectSerializer.serialize(value, type, ""))) as Record<string, unknown>;
}

// The JSON Schema of the experiment format, for editors, generated from format.ts (the one source
// of truth). Input mode: unknown keys are allowed, as Chaos Toolkit ignores them.
import * as z from "zod";
import { Experiment } from "./format.ts";

export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Experiment, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
}

/** The checked-in file's exact text: stable key order, two-space indent, final newline. */
export function renderExperimentJsonSchema(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}

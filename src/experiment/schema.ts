// The JSON Schema of the experiment format, for editors, generated from format.ts (the one source
// of truth). Input mode: unknown keys are allowed, as Chaos Toolkit ignores them.
import * as z from "zod";
import { Experiment } from "./format.ts";
import { withNativeFunctions } from "./native-function-schema.ts";
import type { NativeSignature } from "./signature.ts";

/** `signatures`: the registry's native functions, offered as enums for python providers. */
export function experimentJsonSchema(signatures: readonly NativeSignature[]): Record<string, unknown> {
  const schema = z.toJSONSchema(Experiment, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return withNativeFunctions(schema, signatures);
}

/** The checked-in file's exact text: stable key order, two-space indent, final newline. */
export function renderExperimentJsonSchema(signatures: readonly NativeSignature[]): string {
  return `${JSON.stringify(experimentJsonSchema(signatures), null, 2)}\n`;
}

// The JSON Schema of the experiment format, for editors, generated from format.ts (the one source
// of truth). Input mode: unknown keys are allowed, as Chaos Toolkit ignores them. An explicit null
// is allowed exactly where validation accepts one (format.ts, `nullRules`).
import * as z from "zod";
import { Experiment, nullRules } from "./format.ts";
import { withNativeFunctions } from "./native-function-schema.ts";
import type { NativeSignature } from "./signature.ts";

/** Where the schema is published: the repository's `v1` tag. */
export const EXPERIMENT_SCHEMA_ID =
  "https://raw.githubusercontent.com/chaos-action/chaos-action/v1/schema/experiment.schema.json";

/** `signatures`: the registry's native functions, offered as enums for python providers. */
export function experimentJsonSchema(signatures: readonly NativeSignature[]): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(Experiment, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => allowNullWhereAbsent(zodSchema, jsonSchema),
  }) as Record<string, unknown>;
  return withNativeFunctions({ $schema, $id: EXPERIMENT_SCHEMA_ID, ...rest }, signatures);
}

/** An optional key whose null means "not given" (or a value Chaos Toolkit reads it as) also takes null. */
function allowNullWhereAbsent(zodSchema: z.core.$ZodType, jsonSchema: z.core.JSONSchema.BaseSchema): void {
  if (!(zodSchema instanceof z.ZodObject) || jsonSchema.properties === undefined) return;
  const required = new Set(jsonSchema.required ?? []);
  for (const [key, field] of Object.entries(zodSchema.shape as Record<string, z.ZodType>)) {
    const property = jsonSchema.properties[key];
    if (property === undefined || typeof property === "boolean" || required.has(key)) continue;
    const rule = nullRules.get(field);
    if (rule?.null === "refused" || rule?.null === "value") continue;
    jsonSchema.properties[key] = { anyOf: [property, { type: "null" }] };
  }
}

/** The checked-in file's exact text: stable key order, two-space indent, final newline. */
export function renderExperimentJsonSchema(signatures: readonly NativeSignature[]): string {
  return `${JSON.stringify(experimentJsonSchema(signatures), null, 2)}\n`;
}

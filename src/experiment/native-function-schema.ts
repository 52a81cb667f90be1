// Completion for `python` providers in editors: the modules and functions chaos-action runs, added to
// the experiment's JSON Schema as enums. The validator refuses any other module or function, so the
// enums accept exactly what it accepts. Pure: the signatures come from the caller (the registry).
import type { NativeSignature } from "./signature.ts";

type JsonSchema = Record<string, unknown>;

const DEF = "NativeFunction";

/** `$defs.NativeFunction`: `module` one of the native modules, `func` one of that module's functions. */
function nativeFunctionDef(signatures: readonly NativeSignature[]): JsonSchema {
  const byModule = new Map<string, NativeSignature[]>();
  for (const signature of signatures) {
    byModule.set(signature.module, [...(byModule.get(signature.module) ?? []), signature]);
  }
  const modules = [...byModule.keys()].sort();
  return {
    description: "The python modules and functions chaos-action runs natively.",
    properties: { module: { enum: modules } },
    // One if/then per module (draft 2020-12, understood by editors' YAML language servers): the
    // module's constant selects its function names.
    allOf: modules.map((module) => {
      const functions = [...(byModule.get(module) ?? [])].sort((a, b) => a.func.localeCompare(b.func));
      return {
        if: { properties: { module: { const: module } }, required: ["module"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
        then: {
          properties: {
            func: {
              enum: functions.map((f) => f.func),
              markdownEnumDescriptions: functions.map((f) => `${f.kind}: ${f.summary}`),
            },
          },
        },
      };
    }),
  };
}

const isPythonProvider = (node: JsonSchema): boolean => {
  const properties = node.properties as Record<string, JsonSchema> | undefined;
  return properties?.type?.const === "python" && properties.func !== undefined;
};

/** A copy of `schema` whose python providers (those with a `func`) refer to `$defs.NativeFunction`. */
export function withNativeFunctions(schema: JsonSchema, signatures: readonly NativeSignature[]): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== "object" || node === null) return node;
    const copy: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    if (isPythonProvider(copy)) {
      copy.allOf = [...((copy.allOf as unknown[]) ?? []), { $ref: `#/$defs/${DEF}` }];
    }
    return copy;
  };
  const result = visit(schema) as JsonSchema;
  result.$defs = { ...(result.$defs as JsonSchema | undefined), [DEF]: nativeFunctionDef(signatures) };
  return result;
}

// format.ts's zod schemas compiled into the plain table shapes.ts checks with (format-shapes.json):
// run by `npm run schema`, and by validation to find the zod schema behind a node when it words the
// problems of a value that does not fit. A schema kind or check the table cannot express stops the
// compilation, so format.ts cannot drift from what shapes.ts decides without a test failing.
import * as z from "zod";
import * as format from "./format.ts";
import type { ShapeNode, ShapeTable, ShapeValue } from "./shapes.ts";

export interface CompiledShapes {
  table: ShapeTable;
  /** The zod schema each node was compiled from, by node. */
  schemas: z.ZodType[];
}

/** Every schema of `exports` (format.ts's, unless told), in the order of their names. */
export function compileShapes(exports: Record<string, unknown> = format): CompiledShapes {
  const nodes: ShapeNode[] = [];
  const schemas: z.ZodType[] = [];
  const seen = new Map<z.ZodType, number>();

  function compile(schema: z.ZodType, where: string): number {
    const known = seen.get(schema);
    if (known !== undefined) return known;
    const node = nodes.length;
    seen.set(schema, node);
    schemas.push(schema);
    nodes.push({ kind: "unknown" }); // replaced below; reserved first, so that cycles find it
    const { optin, optout } = schema._zod;
    const nullRule = format.nullRules.get(schema);
    nodes[node] = {
      ...describe(schema, where),
      ...(optin ? { optin } : {}),
      ...(optout ? { optout } : {}),
      ...(nullRule ? { nullRule } : {}),
    } as ShapeNode;
    return node;
  }

  function describe(schema: z.ZodType, where: string): ShapeNode {
    const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    const checks = (def.checks ?? []).map((check) => check._zod.def as unknown as Record<string, unknown>);
    const unsupported = (what: string) =>
      new Error(`format-shapes: ${where} is ${what}, which shapes.ts cannot check; teach it`);
    if (def.type !== "string" && def.type !== "number" && checks.length > 0)
      throw unsupported(`a ${def.type} with checks`);
    switch (def.type) {
      case "unknown":
      case "boolean":
        return { kind: def.type };
      case "string": {
        const node: ShapeNode & { kind: "string" } = { kind: "string" };
        for (const check of checks) {
          if (check.check === "min_length") node.minLength = check.minimum as number;
          else if (check.check === "string_format" && check.format === "regex") {
            const pattern = check.pattern as RegExp;
            node.pattern = { source: pattern.source, flags: pattern.flags };
          } else throw unsupported(`a string with a ${String(check.check)} check`);
        }
        return node;
      }
      case "number": {
        const node: ShapeNode & { kind: "number" } = { kind: "number" };
        for (const check of checks) {
          if (check.check === "number_format" && check.format === "safeint") node.int = true;
          else if (check.check === "greater_than" && node.greaterThan === undefined)
            node.greaterThan = { value: check.value as number, inclusive: check.inclusive as boolean };
          else throw unsupported(`a number with a ${String(check.check)} check`);
        }
        return node;
      }
      case "literal":
      case "enum":
        return { kind: "values", values: [...(schema._zod.values ?? [])] as ShapeValue[] };
      case "optional":
        return { kind: "optional", inner: compile(def.innerType as z.ZodType, where) };
      case "array":
        return { kind: "array", element: compile(def.element as z.ZodType, `${where}[]`) };
      case "tuple": {
        if (def.rest) throw unsupported("a tuple with a rest");
        const items = (def.items as z.ZodType[]).map((item, i) => compile(item, `${where}[${i}]`));
        const optionalFrom = (def.items as z.ZodType[]).findIndex((item) => item._zod.optin !== undefined);
        return { kind: "tuple", items, minItems: optionalFrom === -1 ? items.length : optionalFrom };
      }
      case "record": {
        const key = (def.keyType as z.ZodType)._zod.def;
        if (key.type !== "string" || (key.checks ?? []).length > 0 || def.mode === "loose")
          throw unsupported("a record whose keys are not any string");
        return { kind: "record", value: compile(def.valueType as z.ZodType, `${where}.*`) };
      }
      case "object": {
        const catchall = (def.catchall as z.ZodType | undefined)?._zod.def.type;
        if (catchall !== undefined && catchall !== "unknown") throw unsupported(`a ${catchall} catch-all`);
        const fields: Record<string, number> = {};
        for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>))
          fields[key] = compile(field, `${where}.${key}`);
        return { kind: "object", fields, loose: catchall === "unknown" };
      }
      case "union": {
        const key = def.discriminator as string | undefined;
        if (def.unionFallback || (key === undefined && def.inclusive !== undefined))
          throw unsupported("a union that is not a plain or discriminated one");
        const options = (def.options as z.ZodType[]).map((option, i) => compile(option, `${where}|${i}`));
        return key === undefined ? { kind: "union", options } : { kind: "discriminated", key, options };
      }
      default:
        throw unsupported(`a ${def.type}`);
    }
  }

  const named: Record<string, number> = {};
  for (const [name, value] of Object.entries(exports).sort(([a], [b]) => a.localeCompare(b))) {
    if (value instanceof z.ZodType) named[name] = compile(value, name);
  }
  return { table: { nodes, named }, schemas };
}

/** format-shapes.json as `npm run schema` writes it. */
export const renderShapeTable = (table: ShapeTable): string => `${JSON.stringify(table, null, 1)}\n`;

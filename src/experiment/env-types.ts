// Chaos Toolkit's `convert_to_type`: how `env_var_type` (and `--var key:type=value`) turn an
// environment string, or a `default`, into a typed value.
import { parsePythonFloat, parsePythonInt } from "../python/numbers.ts";
import { quote } from "./quote.ts";

export const ENV_VAR_TYPES = [
  "str",
  "string",
  "int",
  "integer",
  "float",
  "number",
  "bytes",
  "bool",
  "json",
] as const;
export type EnvVarType = (typeof ENV_VAR_TYPES)[number];

export class ConversionError extends Error {
  override name = "ConversionError";
}

export const isEnvVarType = (type: unknown): type is EnvVarType =>
  typeof type === "string" && (ENV_VAR_TYPES as readonly string[]).includes(type);

/**
 * Converts like Python: `int()` takes surrounding blanks, a sign and `_` between digits; `float()` also
 * `inf`/`nan`; `bool` is false only for "false", "0" and "no" (any case), so "" and "off" are true;
 * `json` leaves "" and null alone; `bytes` gives UTF-8 bytes. Non-string inputs (a `default`) pass
 * through `int()`/`float()` the Python way and are returned as-is by the other types.
 */
export function convertToType(type: string | undefined | null, value: unknown): unknown {
  if (type === undefined || type === null || type === "str" || type === "string") return value;
  switch (type) {
    case "int":
    case "integer":
      return toInt(value);
    case "float":
    case "number":
      return toFloat(value);
    case "bytes":
      if (typeof value !== "string") throw new ConversionError(`cannot convert ${describe(value)} to bytes`);
      return new TextEncoder().encode(value);
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value !== "string") throw new ConversionError(`cannot convert ${describe(value)} to bool`);
      return !["false", "0", "no"].includes(value.toLowerCase());
    case "json":
      if (value === "" || value === null || value === undefined) return value;
      if (typeof value !== "string") return value;
      try {
        return JSON.parse(value);
      } catch (e) {
        throw new ConversionError(`${describe(value)} is not valid JSON (${(e as Error).message})`);
      }
    default:
      throw new ConversionError(
        `unknown type ${quote(type)}: the type can only be bool, str, int, float, bytes or json (or their aliases string, integer, number)`,
      );
  }
}

function toInt(value: unknown): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ConversionError(`cannot convert ${describe(value)} to int`);
    return Math.trunc(value);
  }
  const parsed = typeof value === "string" ? parsePythonInt(value) : undefined;
  if (parsed !== undefined) return parsed;
  throw new ConversionError(`invalid literal for int(): ${describe(value)}`);
}

function toFloat(value: unknown): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  const parsed = typeof value === "string" ? parsePythonFloat(value) : undefined;
  if (parsed !== undefined) return parsed;
  throw new ConversionError(`could not convert ${describe(value)} to float`);
}

const describe = (value: unknown): string =>
  typeof value === "string" ? quote(value) : value === null || value === undefined ? "null" : String(value);

// Typed reads of an activity's arguments. Declared defaults are already applied (by the function's
// record), so `str` and `reqInt` read an argument that has a value either way. Values may
// arrive as strings after `${var}` substitution, so integers and booleans accept their string forms.
import { ActivityFailed } from "./activity-failed.ts";

export type Args = Record<string, unknown>;

function wrong(name: string, expected: string, value: unknown): ActivityFailed {
  return new ActivityFailed(`argument "${name}" must be ${expected}, got ${JSON.stringify(value)}`);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

export function optString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (absent(value)) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw wrong(name, "a string", value);
}

export function reqString(args: Args, name: string): string {
  const value = optString(args, name);
  if (value === undefined || value === "") throw new ActivityFailed(`argument "${name}" is required`);
  return value;
}

/** A string argument with a declared default (or given): never absent. */
export function str(args: Args, name: string): string {
  const value = optString(args, name);
  if (value === undefined) throw new ActivityFailed(`argument "${name}" is required`);
  return value;
}

export function optInt(args: Args, name: string): number | undefined {
  const value = args[name];
  if (absent(value)) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) throw wrong(name, "an integer", value);
  return number;
}

export function reqInt(args: Args, name: string): number {
  const value = optInt(args, name);
  if (value === undefined) throw new ActivityFailed(`argument "${name}" is required`);
  return value;
}

export function bool(args: Args, name: string): boolean {
  const value = args[name];
  if (absent(value)) return false;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "True") return true;
  if (value === "false" || value === "False") return false;
  throw wrong(name, "true or false", value);
}

export function optObject(args: Args, name: string): Record<string, unknown> | undefined {
  const value = args[name];
  if (absent(value)) return undefined;
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw wrong(name, "an object", value);
}

export function optArray(args: Args, name: string): unknown[] | undefined {
  const value = args[name];
  if (absent(value)) return undefined;
  if (Array.isArray(value)) return value;
  throw wrong(name, "a list", value);
}

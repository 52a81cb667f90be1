// `--var key[:type]=value` and `--var-file FILE` overrides, read the way Chaos Toolkit reads them:
// a JSON/YAML var file holds `{configuration: {...}, secrets: {...}}`; any other file is a .env file
// whose variables join the environment. Later files override earlier ones; `--var` wins over files.

import { readTextFile } from "../common/read-file.ts";
import { ConversionError, convertToType, isEnvVarType } from "./env-types.ts";
import { VarsError } from "./errors.ts";
import { quote } from "./quote.ts";
import { isSecretName, REDACTED } from "./redact.ts";
import type { VarOverrides } from "./var-file.ts";

export type { VarOverrides } from "./var-file.ts";

export const noOverrides = (): VarOverrides => ({ configuration: {}, secrets: {}, env: {} });

/** Parses one `--var` argument: `key=value` (a string) or `key:type=value` (converted). */
export function parseVarArgument(argument: string): [string, unknown] {
  const eq = argument.indexOf("=");
  if (eq <= 0) {
    throw new VarsError(`--var ${quote(argument)} needs to be in the format name[:type]=value`);
  }
  let key = argument.slice(0, eq);
  const raw = argument.slice(eq + 1);
  const colon = key.lastIndexOf(":");
  if (colon === -1) return [key, raw];
  const type = key.slice(colon + 1);
  key = key.slice(0, colon);
  if (key === "") throw new VarsError(`--var ${quote(argument)} needs to be in the format name[:type]=value`);
  try {
    return [key, convertToType(type, raw)];
  } catch (error) {
    if (error instanceof ConversionError) {
      // The value of a secret-named key is never quoted, not even when it is wrong.
      if (isSecretName(key)) {
        const why = isEnvVarType(type)
          ? `the value is not a valid ${type} (it is not shown, as the name marks it secret)`
          : error.message;
        throw new VarsError(`--var ${quote(`${key}:${type}=${REDACTED}`)}: ${why}`);
      }
      throw new VarsError(`--var ${quote(argument)}: ${error.message}`);
    }
    throw error;
  }
}

/** Reads `--var-file`s in order, then applies `--var`s on top. */
export async function loadVarOverrides(options: {
  vars?: readonly string[];
  varFiles?: readonly string[];
}): Promise<VarOverrides> {
  const overrides = noOverrides();
  const files = options.varFiles ?? [];
  if (files.length > 0) {
    // The YAML and .env parsers load only for a run that has var files.
    const { parseVarFileText } = await import("./var-file.ts");
    for (const file of files) {
      let text: string;
      try {
        text = await readTextFile(file);
      } catch (error) {
        throw new VarsError(
          `--var-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
      mergeOverrides(overrides, parseVarFileText(text, file));
    }
  }
  for (const argument of options.vars ?? []) {
    const [key, value] = parseVarArgument(argument);
    overrides.configuration[key] = value;
  }
  return overrides;
}

export function mergeOverrides(into: VarOverrides, from: Partial<VarOverrides>): VarOverrides {
  Object.assign(into.configuration, from.configuration);
  Object.assign(into.secrets, from.secrets);
  Object.assign(into.env, from.env);
  return into;
}

// `--var key[:type]=value` and `--var-file FILE` overrides, read the way Chaos Toolkit reads them:
// a JSON/YAML var file holds `{configuration: {...}, secrets: {...}}`; any other file is a .env file
// whose variables join the environment. Later files override earlier ones; `--var` wins over files.

import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { parse as parseYaml } from "yaml";
import { isRecord } from "../common/record.ts";
import { ConversionError, convertToType, isEnvVarType } from "./env-types.ts";
import { VarsError } from "./errors.ts";
import { pyyamlTags } from "./load.ts";
import { quote, quoteList } from "./quote.ts";
import { isSecretName, REDACTED } from "./redact.ts";

export interface VarOverrides {
  /** Configuration values by key; they replace the experiment's definitions. */
  configuration: Record<string, unknown>;
  /** Secret scopes; a scope given here replaces the experiment's scope of that name. */
  secrets: Record<string, Record<string, unknown>>;
  /** Variables from .env files; they take precedence over the process environment. */
  env: Record<string, string>;
}

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

/** Parses the text of a var file; pure. */
export function parseVarFileText(text: string, file: string): Partial<VarOverrides> {
  const ext = extname(file).toLowerCase();
  if (ext === ".json" || ext === ".yaml" || ext === ".yml") {
    let data: unknown;
    try {
      data = ext === ".json" ? JSON.parse(text) : parseYaml(text, { version: "1.1", customTags: pyyamlTags });
    } catch (error) {
      throw new VarsError(`--var-file ${file}: cannot parse it: ${(error as Error).message.split("\n")[0]}`);
    }
    if (data === null || data === undefined) return {};
    if (!isRecord(data)) {
      throw new VarsError(`--var-file ${file}: expected a mapping with 'configuration' and/or 'secrets'`);
    }
    const unknown = Object.keys(data).filter((k) => k !== "configuration" && k !== "secrets");
    if (unknown.length > 0) {
      throw new VarsError(
        `--var-file ${file}: unknown top-level key(s) ${quoteList(unknown)} (expected 'configuration' and/or 'secrets')`,
      );
    }
    const configuration = data.configuration ?? {};
    const secrets = data.secrets ?? {};
    if (!isRecord(configuration))
      throw new VarsError(`--var-file ${file}: 'configuration' must be a mapping`);
    if (!isRecord(secrets) || !Object.values(secrets).every(isRecord)) {
      throw new VarsError(
        `--var-file ${file}: 'secrets' must be a mapping of scopes, each a mapping of keys to values`,
      );
    }
    return { configuration, secrets: secrets as Record<string, Record<string, unknown>> };
  }
  return { env: parseDotenv(text) };
}

/** Reads `--var-file`s in order, then applies `--var`s on top. */
export async function loadVarOverrides(options: {
  vars?: readonly string[];
  varFiles?: readonly string[];
}): Promise<VarOverrides> {
  const overrides = noOverrides();
  for (const file of options.varFiles ?? []) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new VarsError(
        `--var-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    mergeOverrides(overrides, parseVarFileText(text, file));
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

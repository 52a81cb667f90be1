// The text of one `--var-file`: a JSON/YAML file holding `{configuration: {...}, secrets: {...}}`, or
// any other file read as a .env file. Loaded only by runs that have var files.
import { extname } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { parse as parseYaml } from "yaml";
import { isRecord } from "../common/record.ts";
import { VarsError } from "./errors.ts";
import { quoteList } from "./quote.ts";
import { pyyamlTags } from "./yaml-experiment.ts";

/** What `--var` and `--var-file` override. */
export interface VarOverrides {
  /** Configuration values by key; they replace the experiment's definitions. */
  configuration: Record<string, unknown>;
  /** Secret scopes; a scope given here replaces the experiment's scope of that name. */
  secrets: Record<string, Record<string, unknown>>;
  /** Variables from .env files; they take precedence over the process environment. */
  env: Record<string, string>;
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

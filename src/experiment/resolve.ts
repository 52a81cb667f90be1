// Configuration and secrets as the run sees them: literal values, `type: env` lookups (with
// `default` and `env_var_type` for configuration), and `--var`/`--var-file` overrides, which win.
// Problems (a missing environment variable without default, a failed conversion, a source we do not
// support) are reported before anything runs.
import { isRecord } from "../common/record.ts";
import { ConversionError, convertToType, ENV_VAR_TYPES, isEnvVarType } from "./env-types.ts";
import { ExperimentInvalidError, type Issue, makeIssue, type Position } from "./errors.ts";
import type { DocPath, PathSegment } from "./path.ts";
import { excerpt, quote } from "./quote.ts";
import { isSecretName } from "./redact.ts";
import { noOverrides, type VarOverrides } from "./vars.ts";

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ResolvedExperiment {
  configuration: Record<string, unknown>;
  secrets: Record<string, Record<string, unknown>>;
  /**
   * Configuration keys whose values are secret by name (the key, or the environment variable it
   * reads): every value read from such a variable, and text given literally or by `--var`.
   */
  sensitiveConfiguration: string[];
}

export interface ResolveOptions {
  env: Environment;
  vars?: VarOverrides;
  /**
   * Lint without the environment (`validate --no-env`): a `type: env` value whose variable is not set
   * is no problem; it is listed as unchecked and left unresolved.
   */
  unsetEnvUnchecked?: boolean;
}

export interface ResolutionProblem {
  path: PathSegment[];
  message: string;
}

/**
 * A value secret by its key's name: text, and numbers given by `--var` (`pin_secret:int=1234`). A number
 * or a flag written in the file under such a name (`auth_timeout: 30`) is no secret.
 */
const secretByName = (key: string, value: unknown, fromVar: boolean): boolean =>
  isSecretName(key) && (typeof value === "string" || (fromVar && typeof value === "number"));

/** Resolves what can be resolved and lists every problem; pure (the environment is passed in). */
export function resolveValues(
  experiment: unknown,
  options: ResolveOptions,
): { resolved: ResolvedExperiment; problems: ResolutionProblem[]; unchecked: ResolutionProblem[] } {
  const vars = options.vars ?? noOverrides();
  const env: Environment = { ...options.env, ...vars.env };
  const problems: ResolutionProblem[] = [];
  const unchecked: ResolutionProblem[] = [];
  const missing = (path: PathSegment[], envKey: string, message: string) =>
    options.unsetEnvUnchecked
      ? unchecked.push({ path, message: `not checked: environment variable ${excerpt(envKey)} (--no-env)` })
      : problems.push({ path, message });
  const data = isRecord(experiment) ? experiment : {};
  const configuration: Record<string, unknown> = {};
  const sensitiveConfiguration: string[] = [];

  const declared = isRecord(data.configuration) ? data.configuration : {};
  for (const [key, declaredValue] of Object.entries(declared)) {
    const path: PathSegment[] = ["configuration", key];
    const overridden = Object.hasOwn(vars.configuration, key);
    const value = overridden ? vars.configuration[key] : declaredValue;
    if (!isRecord(value) || !("type" in value)) {
      configuration[key] = value;
      if (secretByName(key, value, overridden)) sensitiveConfiguration.push(key);
      continue;
    }
    if (value.type === "probe") {
      problems.push({
        path,
        message:
          "dynamic configuration (`type: probe`) is not supported yet: give a literal value or `type: env`",
      });
      continue;
    }
    if (value.type !== "env") {
      configuration[key] = value;
      continue;
    }
    const envKey = value.key;
    if (typeof envKey !== "string" || envKey === "") continue; // a shape error, reported by validation
    if (
      value.env_var_type !== undefined &&
      value.env_var_type !== null &&
      !isEnvVarType(value.env_var_type)
    ) {
      problems.push({
        path: [...path, "env_var_type"],
        message: `unknown env_var_type ${describe(value.env_var_type)} (expected ${ENV_VAR_TYPES.join(", ")})`,
      });
      continue;
    }
    const fromEnv = env[envKey];
    if (fromEnv === undefined && !("default" in value)) {
      missing(
        path,
        envKey,
        `Configuration makes reference to an environment key that does not exist: ${excerpt(envKey)} (set ${excerpt(envKey)}, add a \`default\`, or pass --var ${excerpt(key)}=...)`,
      );
      continue;
    }
    const secret = isSecretName(envKey) || isSecretName(key);
    try {
      configuration[key] = convertToType(value.env_var_type as string | undefined, fromEnv ?? value.default);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      const source = fromEnv === undefined ? "the default" : `environment variable ${envKey}`;
      // The value of a secret must not reach the message, nor the log before it is masked.
      const why = secret ? "its value is not shown, as the name marks it secret" : error.message;
      problems.push({
        path: [...path, "env_var_type"],
        message: `cannot convert ${source} to ${quote(String(value.env_var_type))}: ${why}`,
      });
      continue;
    }
    if (fromEnv !== undefined && secret) sensitiveConfiguration.push(key);
  }
  for (const [key, value] of Object.entries(vars.configuration)) {
    if (!Object.hasOwn(declared, key)) {
      configuration[key] = value;
      if (secretByName(key, value, true)) sensitiveConfiguration.push(key);
    }
  }

  const secrets: Record<string, Record<string, unknown>> = {};
  const declaredSecrets = isRecord(data.secrets) ? data.secrets : {};
  for (const [scope, scopeValue] of Object.entries(declaredSecrets)) {
    const override = vars.secrets[scope];
    if (override !== undefined && override !== null) {
      secrets[scope] = override;
      continue;
    }
    if (!isRecord(scopeValue)) continue; // a shape error, reported by validation
    secrets[scope] = resolveSecretLevel(scopeValue, ["secrets", scope], env, problems, missing);
  }
  for (const [scope, value] of Object.entries(vars.secrets)) {
    if (!Object.hasOwn(declaredSecrets, scope)) secrets[scope] = value;
  }

  return { resolved: { configuration, secrets, sensitiveConfiguration }, problems, unchecked };
}

function resolveSecretLevel(
  level: Record<string, unknown>,
  path: PathSegment[],
  env: Environment,
  problems: ResolutionProblem[],
  missing: (path: PathSegment[], envKey: string, message: string) => void,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    const here = [...path, key];
    if (!isRecord(value)) {
      out[key] = value;
    } else if (value.type === "env") {
      const envKey = value.key;
      if (typeof envKey !== "string" || envKey === "") continue;
      const fromEnv = env[envKey];
      if (fromEnv === undefined) {
        missing(
          here,
          envKey,
          `Secrets make reference to an environment key that does not exist: ${excerpt(envKey)} (set ${excerpt(envKey)} or pass it in a --var-file)`,
        );
      } else {
        out[key] = fromEnv;
      }
    } else if (value.type === "vault") {
      problems.push({
        path: here,
        message:
          "Vault secrets (`type: vault`) are not supported: read the value from an environment variable (`type: env`)",
      });
    } else {
      out[key] = resolveSecretLevel(value, here, env, problems, missing);
    }
  }
  return out;
}

/** The source of an experiment, with positions for messages (a LoadedExperiment fits). */
export interface ExperimentSource {
  file: string;
  data: unknown;
  locate?: (path: DocPath) => Position;
}

export function resolutionIssues(source: ExperimentSource, problems: readonly ResolutionProblem[]): Issue[] {
  return problems.map((p) =>
    makeIssue("error", source.file, source.locate?.(p.path) ?? { line: 1, column: 1 }, p.path, p.message),
  );
}

/** Resolves configuration and secrets for a run; throws ExperimentInvalidError listing every problem. */
export function resolveExperiment(source: ExperimentSource, options: ResolveOptions): ResolvedExperiment {
  const { resolved, problems } = resolveValues(source.data, options);
  if (problems.length > 0) throw new ExperimentInvalidError(source.file, resolutionIssues(source, problems));
  return resolved;
}

const describe = (value: unknown): string =>
  typeof value === "string" ? quote(value) : excerpt(JSON.stringify(value));

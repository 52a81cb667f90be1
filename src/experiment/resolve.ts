// Configuration and secrets as the run sees them: literal values, `type: env` lookups (with
// `default` and `env_var_type` for configuration), and `--var`/`--var-file` overrides, which win.
// Problems (a missing environment variable without default, a failed conversion, a source we do not
// support) are reported before anything runs.
import { isRecord } from "../common/record.ts";
import { ConversionError, convertToType, ENV_VAR_TYPES, isEnvVarType } from "./env-types.ts";
import { ExperimentInvalidError, type Issue, makeIssue, type Position } from "./errors.ts";
import type { DocPath, PathSegment } from "./path.ts";
import { excerpt, quote } from "./quote.ts";
import { noOverrides, type VarOverrides } from "./vars.ts";

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ResolvedExperiment {
  configuration: Record<string, unknown>;
  secrets: Record<string, Record<string, unknown>>;
  /** Configuration keys whose values came from environment variables with secret-looking names. */
  sensitiveConfiguration: string[];
}

export interface ResolveOptions {
  env: Environment;
  vars?: VarOverrides;
}

export interface ResolutionProblem {
  path: PathSegment[];
  message: string;
}

const secretLooking = /(token|secret|passw(or)?d|pwd|api[-_]?key|credential|private[-_]?key|auth)/i;

/** Resolves what can be resolved and lists every problem; pure (the environment is passed in). */
export function resolveValues(
  experiment: unknown,
  options: ResolveOptions,
): { resolved: ResolvedExperiment; problems: ResolutionProblem[] } {
  const vars = options.vars ?? noOverrides();
  const env: Environment = { ...options.env, ...vars.env };
  const problems: ResolutionProblem[] = [];
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
      problems.push({
        path,
        message: `Configuration makes reference to an environment key that does not exist: ${excerpt(envKey)} (set ${excerpt(envKey)}, add a \`default\`, or pass --var ${excerpt(key)}=...)`,
      });
      continue;
    }
    try {
      configuration[key] = convertToType(value.env_var_type as string | undefined, fromEnv ?? value.default);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      const source = fromEnv === undefined ? "the default" : `environment variable ${envKey}`;
      problems.push({
        path: [...path, "env_var_type"],
        message: `cannot convert ${source} to ${quote(String(value.env_var_type))}: ${error.message}`,
      });
      continue;
    }
    if (fromEnv !== undefined && (secretLooking.test(envKey) || secretLooking.test(key))) {
      sensitiveConfiguration.push(key);
    }
  }
  for (const [key, value] of Object.entries(vars.configuration)) {
    if (!Object.hasOwn(declared, key)) configuration[key] = value;
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
    secrets[scope] = resolveSecretLevel(scopeValue, ["secrets", scope], env, problems);
  }
  for (const [scope, value] of Object.entries(vars.secrets)) {
    if (!Object.hasOwn(declaredSecrets, scope)) secrets[scope] = value;
  }

  return { resolved: { configuration, secrets, sensitiveConfiguration }, problems };
}

function resolveSecretLevel(
  level: Record<string, unknown>,
  path: PathSegment[],
  env: Environment,
  problems: ResolutionProblem[],
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
        problems.push({
          path: here,
          message: `Secrets make reference to an environment key that does not exist: ${excerpt(envKey)} (set ${excerpt(envKey)} or pass it in a --var-file)`,
        });
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
      out[key] = resolveSecretLevel(value, here, env, problems);
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

// Prepare once: discover → var files → load → validate → resolve, for every experiment of a run.
// Running, dry runs, validation alone and the report all consume this one preparation; no file is
// read and no value resolved a second time.
import { resolve } from "node:path";
import { discoverExperiments } from "../experiment/discover.ts";
import { ExperimentLoadError, NoExperimentsError, VarsError } from "../experiment/errors.ts";
import type { Experiment } from "../experiment/format.ts";
import type { LoadedExperiment } from "../experiment/loaded.ts";
import { loadExperimentFile } from "../experiment/read-experiment.ts";
import { secretValues } from "../experiment/redact.ts";
import type { ResolvedExperiment } from "../experiment/resolve.ts";
import { substitute, substitutionMapping } from "../experiment/substitute.ts";
import { validateExperiment } from "../experiment/validate.ts";
import { loadVarOverrides } from "../experiment/vars.ts";
import { chaosk8sSource } from "../kubernetes/chaosk8s-source.ts";
import { loadSource } from "../load/catalog.ts";
import { prometheusSource } from "../prometheus/catalog.ts";
import { resolveExecutable } from "../providers/executable.ts";
import { osSource } from "../providers/os-module.ts";
import { createRegistry, type NativeRegistry } from "../providers/registry.ts";
import type { RunOptions } from "./options.ts";
import { type ExperimentOutcome, invalidOutcome, type RunResult } from "./outcome.ts";
import type { Reporter } from "./reporter.ts";
import { environmentSecrets, overrideSecrets, type SecretRegistry } from "./secrets.ts";
import { combineVerdicts } from "./verdict.ts";

/** An experiment ready to run: checked, its values resolved, its `${var}`s substituted. */
export interface PreparedExperiment {
  /** As discovery found it, relative to cwd. */
  file: string;
  /** As validated: what the engine runs (it substitutes at execution time, as Chaos Toolkit does). */
  experiment: Experiment;
  resolved: ResolvedExperiment;
  /** `${var}`s substituted: what the guard, the RBAC preflight and a dry run look at. */
  substituted: Experiment;
  /** Every secret value, to redact wherever text may quote one. */
  secrets: string[];
  /** Warnings (a valid experiment has no errors). */
  issues: ExperimentOutcome["issues"];
}

export type Preparation =
  /** Nothing to prepare: no experiment matched, or a var file or --var is wrong. One invalid outcome. */
  | { usable: false; result: RunResult }
  | {
      usable: true;
      /** The environment with the variables of `.env` var files on top. */
      env: NodeJS.ProcessEnv;
      registry: NativeRegistry;
      /** In path order: prepared, or the outcome of a file that cannot run. */
      experiments: Array<PreparedExperiment | ExperimentOutcome>;
    };

export interface PrepareRequest extends Pick<RunOptions, "targets" | "vars" | "varFiles"> {
  cwd: string;
  env: NodeJS.ProcessEnv;
  reporter: Pick<Reporter, "info">;
  /** Reads one experiment file (tests count the reads). */
  load?: (path: string) => Promise<LoadedExperiment>;
  registry?: NativeRegistry;
  /** Receives every secret value as soon as it is read, before anything could print it. */
  secrets?: SecretRegistry;
  /**
   * `validate --no-env`: check structure, refs and providers without the environment. No variable is
   * read (`type: env` values without a default are listed as not checked) and executables are not
   * looked up on PATH.
   */
  noEnv?: boolean;
}

export function defaultRegistry(): NativeRegistry {
  return createRegistry([osSource, chaosk8sSource, prometheusSource, loadSource]);
}

export const isPrepared = (item: PreparedExperiment | ExperimentOutcome): item is PreparedExperiment =>
  !("verdict" in item);

export async function prepareExperiments(request: PrepareRequest): Promise<Preparation> {
  request.secrets?.add(environmentSecrets(request.env));
  let files: string[];
  let vars: Awaited<ReturnType<typeof loadVarOverrides>>;
  try {
    const discovery = await discoverExperiments(request.targets, { cwd: request.cwd });
    for (const skipped of discovery.skipped) {
      request.reporter.info(`Skipped ${skipped.file}: ${skipped.reason}`);
    }
    files = discovery.files;
    vars = await loadVarOverrides({
      vars: request.vars,
      varFiles: request.varFiles.map((file) => resolve(request.cwd, file)),
    });
    request.secrets?.add(overrideSecrets(vars));
  } catch (error) {
    if (
      error instanceof NoExperimentsError ||
      error instanceof VarsError ||
      error instanceof ExperimentLoadError
    ) {
      const where = request.targets.join(" ");
      const outcome =
        error instanceof ExperimentLoadError
          ? invalidOutcome(error.file, [error.toIssue()])
          : { file: where, verdict: "invalid" as const, reason: `invalid: ${error.message}`, issues: [] };
      return { usable: false, result: { verdict: "invalid", outcomes: [outcome] } };
    }
    throw error;
  }

  const registry = request.registry ?? defaultRegistry();
  const env = request.noEnv ? { ...vars.env } : { ...request.env, ...vars.env };
  const load = request.load ?? loadExperimentFile;
  const signatures = registry.allSignatures();
  const experiments: Array<PreparedExperiment | ExperimentOutcome> = [];
  for (const file of files) {
    let loaded: LoadedExperiment;
    try {
      // Messages name the file as discovery found it (relative to cwd); reading needs the real path.
      loaded = { ...(await load(resolve(request.cwd, file))), file };
    } catch (error) {
      if (!(error instanceof ExperimentLoadError)) throw error;
      experiments.push(invalidOutcome(file, [{ ...error.toIssue(), file }]));
      continue;
    }
    const { issues, experiment, resolved } = await validateExperiment(loaded, {
      file,
      signatures,
      findExecutable: request.noEnv ? (path) => path : (path) => resolveExecutable(path, env.PATH ?? ""),
      env,
      vars,
      unsetEnvUnchecked: request.noEnv,
    });
    if (experiment === undefined || resolved === undefined) {
      experiments.push({ ...invalidOutcome(file, issues), title: titleOf(loaded.data) });
      continue;
    }
    const secrets = secretValues(resolved);
    request.secrets?.add(secrets);
    experiments.push({
      file,
      experiment,
      resolved,
      substituted: substitute(experiment, substitutionMapping(resolved.configuration, resolved.secrets)),
      secrets,
      issues,
    });
  }
  return { usable: true, env, registry, experiments };
}

/** `chaos-action validate` (and the action's check before a cluster is set up): each file valid or not. */
export function validationResult(preparation: Preparation): RunResult {
  if (!preparation.usable) return preparation.result;
  const outcomes = preparation.experiments.map(
    (item): ExperimentOutcome =>
      isPrepared(item)
        ? {
            file: item.file,
            title: item.experiment.title,
            verdict: "passed",
            reason: "valid",
            issues: item.issues,
          }
        : item,
  );
  return { verdict: combineVerdicts(outcomes.map((o) => o.verdict)), outcomes };
}

const titleOf = (data: unknown): string | undefined =>
  data && typeof data === "object" && typeof (data as { title?: unknown }).title === "string"
    ? (data as { title: string }).title
    : undefined;

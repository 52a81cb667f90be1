// The pipeline both entry points share: discover → load → validate → resolve → (cluster: connect,
// RBAC preflight, blast-radius guard) → engine → journal. It returns data; the CLI and the action
// decide how to print it and which exit code it means.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { activityTarget, type RunEvent } from "../engine/events.ts";
import type { Journal, UndoRun } from "../engine/journal.ts";
import { runExperiment } from "../engine/run.ts";
import { createUndoLog, replayUndoFile } from "../engine/undo.ts";
import { discoverExperiments } from "../experiment/discover.ts";
import {
  ExperimentInvalidError,
  ExperimentLoadError,
  formatIssue,
  type Issue,
  NoExperimentsError,
  VarsError,
} from "../experiment/errors.ts";
import type { Experiment } from "../experiment/format.ts";
import { loadExperimentFile } from "../experiment/load.ts";
import { redact, secretValues } from "../experiment/redact.ts";
import { type ResolvedExperiment, resolveExperiment } from "../experiment/resolve.ts";
import { substitute, substitutionMapping } from "../experiment/substitute.ts";
import { validateExperiment } from "../experiment/validate.ts";
import { loadVarOverrides, type VarOverrides } from "../experiment/vars.ts";
import { chaosk8sSource } from "../kubernetes/catalog.ts";
import { kubernetesActivities } from "../kubernetes/scope.ts";
import { createExecutor } from "../providers/execute.ts";
import { osSource } from "../providers/os-module.ts";
import { resolveExecutable } from "../providers/process.ts";
import { createRegistry, type NativeRegistry } from "../providers/registry.ts";
import { type Cluster, type ClusterRequest, createCluster } from "./cluster-gate.ts";
import { JournalPathError, journalPaths } from "./journal-path.ts";
import { combineVerdicts, type Verdict } from "./verdict.ts";

export type { Verdict } from "./verdict.ts";
export type ValidationIssue = Issue;

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Live progress of a run (the CLI prints it; the action logs it). */
  event?(event: RunEvent, file: string): void;
}

export interface RunRequest {
  /** Files, directories or globs; default `experiments/`. */
  targets: string[];
  cwd: string;
  journalPath?: string;
  vars: string[];
  varFiles: string[];
  hypothesisStrategy?: string;
  hypothesisFrequency?: number;
  failFast?: boolean;
  rollbackStrategy?: string;
  dryRun?: boolean;
  cluster: ClusterRequest;
  namespaces?: string[];
  maxAffected?: string;
  timeoutSeconds?: number;
  /** A limit for every activity (their own `timeout` key is ignored, as by Chaos Toolkit). */
  activityTimeoutSeconds?: number;
  /** Where undo steps of our cluster changes are persisted (RUNNER_TEMP in the action). */
  undoFile?: string;
  /** Aborted on SIGINT/SIGTERM/cancellation: the method stops, rollbacks and undo run. */
  signal?: AbortSignal;
  reporter: Reporter;
  /** Receives every secret value, so the action can mask it in logs. */
  secretsSink?: (secret: string) => void;
  env?: NodeJS.ProcessEnv;
  /** The commit the run is about (GITHUB_SHA in the action). */
  commit?: string;
  version?: string;
}

export interface ExperimentOutcome {
  /** Relative to cwd. */
  file: string;
  title?: string;
  verdict: Verdict;
  /** "held" | "deviated: <probe>" | "failed: <reason>" | "invalid: <first error>" | "skipped: dry run". */
  reason: string;
  journal?: Journal;
  journalPath?: string;
  issues: Issue[];
}

export interface RunResult {
  verdict: Verdict;
  outcomes: ExperimentOutcome[];
}

/** Everything needed to run experiments once they are valid, shared by every experiment of a run. */
interface Prepared {
  file: string;
  experiment: Experiment;
  resolved: ResolvedExperiment;
  issues: Issue[];
}

export function defaultRegistry(): NativeRegistry {
  return createRegistry([osSource, chaosk8sSource]);
}

const invalid = (file: string, issues: readonly Issue[], fallback?: string): ExperimentOutcome => {
  const first = issues.find((issue) => issue.severity === "error");
  return {
    file,
    verdict: "invalid",
    reason: `invalid: ${first ? formatIssue(first) : (fallback ?? "the file could not be used")}`,
    issues: [...issues],
  };
};

function errorOutcome(file: string, error: unknown): ExperimentOutcome {
  if (error instanceof ExperimentInvalidError) return invalid(file, error.issues);
  if (error instanceof ExperimentLoadError) return invalid(error.file, [error.toIssue()]);
  const message = error instanceof Error ? error.message : String(error);
  return { file, verdict: "invalid", reason: `invalid: ${message}`, issues: [] };
}

/** Loads, validates and resolves one file; an outcome when it cannot run. */
async function prepare(
  file: string,
  cwd: string,
  registry: NativeRegistry,
  env: NodeJS.ProcessEnv,
  vars: VarOverrides,
): Promise<Prepared | ExperimentOutcome> {
  try {
    // Messages name the file as discovery found it (relative to cwd); reading needs the real path.
    const loaded = { ...(await loadExperimentFile(resolve(cwd, file))), file };
    const { issues, valid, experiment } = validateExperiment(loaded, {
      file,
      signatures: registry.allSignatures(),
      findExecutable: (path) => resolveExecutable(path, env.PATH ?? ""),
      env,
      vars,
    });
    if (!valid || experiment === undefined) return { ...invalid(file, issues), title: titleOf(loaded.data) };
    const resolved = resolveExperiment(loaded, { env, vars });
    return { file, experiment, resolved, issues: [...issues] };
  } catch (error) {
    // A load error names the path it read; the messages name the file as discovery found it.
    if (error instanceof ExperimentLoadError) return invalid(file, [{ ...error.toIssue(), file }]);
    if (error instanceof ExperimentInvalidError) return errorOutcome(file, error);
    throw error;
  }
}

const titleOf = (data: unknown): string | undefined =>
  data && typeof data === "object" && typeof (data as { title?: unknown }).title === "string"
    ? (data as { title: string }).title
    : undefined;

const isOutcome = (value: Prepared | ExperimentOutcome): value is ExperimentOutcome => "verdict" in value;

/** Discovery and variable overrides; a usage-level problem is one `invalid` outcome. */
async function gather(
  request: Pick<RunRequest, "targets" | "cwd" | "vars" | "varFiles" | "reporter">,
): Promise<{ files: string[]; vars: VarOverrides } | RunResult> {
  try {
    const discovery = await discoverExperiments(request.targets, { cwd: request.cwd });
    for (const skipped of discovery.skipped) {
      request.reporter.info(`Skipped ${skipped.file}: ${skipped.reason}`);
    }
    const vars = await loadVarOverrides({
      vars: request.vars,
      varFiles: request.varFiles.map((file) => resolve(request.cwd, file)),
    });
    return { files: discovery.files, vars };
  } catch (error) {
    if (
      error instanceof NoExperimentsError ||
      error instanceof VarsError ||
      error instanceof ExperimentLoadError
    ) {
      const outcome = errorOutcome(request.targets.join(" "), error);
      return { verdict: "invalid", outcomes: [outcome] };
    }
    throw error;
  }
}

/** `chaos-action validate`: load, validate and resolve every experiment, touching nothing. */
export async function validateExperiments(
  request: Pick<RunRequest, "targets" | "cwd" | "vars" | "varFiles" | "reporter" | "env">,
): Promise<RunResult> {
  const gathered = await gather(request);
  if ("verdict" in gathered) return gathered;
  const registry = defaultRegistry();
  const env = { ...(request.env ?? process.env), ...gathered.vars.env };
  const outcomes: ExperimentOutcome[] = [];
  for (const file of gathered.files) {
    const prepared = await prepare(file, request.cwd, registry, env, gathered.vars);
    outcomes.push(
      isOutcome(prepared)
        ? prepared
        : {
            file,
            title: prepared.experiment.title,
            verdict: "passed",
            reason: "valid",
            issues: prepared.issues,
          },
    );
  }
  return { verdict: combineVerdicts(outcomes.map((o) => o.verdict)), outcomes };
}

/** Runs every experiment the request names, one after another, whatever an earlier one returned. */
export async function runExperiments(request: RunRequest): Promise<RunResult> {
  const { reporter } = request;
  const gathered = await gather(request);
  if ("verdict" in gathered) return gathered;
  const registry = defaultRegistry();
  const env = { ...(request.env ?? process.env), ...gathered.vars.env };

  let journals: string[];
  try {
    journals = journalPaths(gathered.files, request.cwd, request.journalPath);
  } catch (error) {
    if (!(error instanceof JournalPathError)) throw error;
    return { verdict: "invalid", outcomes: [errorOutcome(request.journalPath ?? "", error)] };
  }

  // Every file is checked before anything runs: one invalid experiment stops the whole run (exit 2).
  const prepared: Prepared[] = [];
  const outcomes: ExperimentOutcome[] = [];
  for (const file of gathered.files) {
    const result = await prepare(file, request.cwd, registry, env, gathered.vars);
    if (isOutcome(result)) outcomes.push(result);
    else prepared.push(result);
  }
  if (outcomes.length > 0) {
    return { verdict: "invalid", outcomes: [...outcomes, ...prepared.map(notRunBecauseInvalid)] };
  }
  for (const { resolved } of prepared) {
    for (const secret of secretValues(resolved)) request.secretsSink?.(secret);
  }

  const undoFile =
    request.undoFile ?? join(tmpdir(), `chaos-action-undo-${process.pid}-${randomUUID()}.json`);
  let cluster: Cluster | undefined;
  const clusterFor = async (): Promise<Cluster> => {
    cluster ??= await createCluster(request.cluster, { env, reporter, cwd: request.cwd });
    return cluster;
  };

  try {
    for (const [index, item] of prepared.entries()) {
      const journalPath = journals[index]!;
      if (request.signal?.aborted) {
        outcomes.push({
          file: item.file,
          title: item.experiment.title,
          verdict: "failed",
          reason: "failed: not run, the run was interrupted before it started",
          issues: item.issues,
        });
        continue;
      }
      outcomes.push(await runOne(item, journalPath, { ...request, env }, registry, undoFile, clusterFor));
    }
  } finally {
    await cluster?.close();
  }
  return { verdict: combineVerdicts(outcomes.map((o) => o.verdict)), outcomes };
}

const dryRunOutcome = (item: Prepared): ExperimentOutcome => ({
  file: item.file,
  title: item.experiment.title,
  verdict: "skipped",
  reason: "skipped: dry run",
  issues: item.issues,
});

const notRunBecauseInvalid = (item: Prepared): ExperimentOutcome => ({
  file: item.file,
  title: item.experiment.title,
  verdict: "skipped",
  reason: "skipped: not run because another experiment is invalid",
  issues: item.issues,
});

async function runOne(
  item: Prepared,
  journalPath: string,
  request: RunRequest,
  registry: NativeRegistry,
  undoFile: string,
  clusterFor: () => Promise<Cluster>,
): Promise<ExperimentOutcome> {
  const { experiment, resolved, file } = item;
  const reporter = request.reporter;
  // The guard and the preflight look at what will really run: `${var}`s substituted.
  const substituted = substitute(experiment, substitutionMapping(resolved.configuration, resolved.secrets));
  const k8sActivities = kubernetesActivities(substituted);
  const needsCluster = k8sActivities.length > 0;
  const secrets = secretValues(resolved);
  const failed = (error: unknown): ExperimentOutcome => ({
    file,
    title: experiment.title,
    verdict: "failed",
    reason: `failed: ${redact(error instanceof Error ? error.message : String(error), secrets)}`,
    issues: item.issues,
  });

  if (request.dryRun) {
    reporter.info(`${file}: dry run of "${experiment.title}"`);
    reporter.info(redact(describePlan(substituted), secrets));
    try {
      if (needsCluster) {
        const plan = await (await clusterFor()).plan(substituted, k8sActivities, request, registry);
        reporter.info(redact(plan, secrets));
      }
    } catch (error) {
      return failed(error);
    }
    return dryRunOutcome(item);
  }

  let cluster: Cluster | undefined;
  try {
    cluster = needsCluster ? await clusterFor() : undefined;
  } catch (error) {
    return failed(error);
  }
  const runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

  const undoLog = cluster?.undoLog(undoFile, runId) ?? noClusterUndoLog(undoFile, runId);
  const journal = await runExperiment({
    experiment,
    file,
    experimentDir: dirname(resolve(request.cwd, file)),
    configuration: resolved.configuration,
    secrets: resolved.secrets,
    strategies: {
      hypothesis: request.hypothesisStrategy as never,
      rollbacks: request.rollbackStrategy as never,
      frequencySeconds: request.hypothesisFrequency,
      failFast: request.failFast,
    },
    timeoutSeconds: request.timeoutSeconds,
    activityTimeoutSeconds: request.activityTimeoutSeconds,
    signal: request.signal,
    // Processes see the environment with the variables of `.env` var files, as in Chaos Toolkit.
    execute: createExecutor({ registry, env: request.env }),
    undo: { registry: undoLog, replay: () => undoLog.replay() },
    services: { ...(cluster?.services ?? {}), runId },
    gate: cluster ? () => cluster.gate(substituted, k8sActivities, request, registry) : undefined,
    onEvent: (event) => reporter.event?.(redactEvent(event, secrets), file),
    version: request.version,
    commit: request.commit,
  });
  // The connection is made by the gate, inside the run: only now is there a cluster to name.
  const where = cluster?.describe();
  if (where) journal.chaos_action.cluster = where;
  // Outputs and error messages may quote a secret (a token in a URL, a password echoed back).
  const text = redact(JSON.stringify(journal, null, 2), secrets);
  await mkdir(dirname(journalPath), { recursive: true });
  await writeFile(journalPath, `${text}\n`);
  return {
    file,
    title: experiment.title,
    verdict: journal.chaos_action.verdict,
    reason: redact(journal.chaos_action.reason, secrets),
    journal: JSON.parse(text) as Journal,
    journalPath,
    issues: item.issues,
  };
}

function noClusterUndoLog(file: string, runId: string) {
  return createUndoLog({
    file,
    runId,
    execute: async (step) => {
      throw new Error(`cannot undo '${step.description}': no cluster connection in this run`);
    },
  });
}

/** Progress is printed as it happens: an activity's error or an undo step may quote a secret. */
function redactEvent(event: RunEvent, secrets: readonly string[]): RunEvent {
  if (event.type === "undo-finished") {
    const { undo } = event;
    return {
      ...event,
      undo: {
        ...undo,
        description: redact(undo.description, secrets),
        ...(undo.error === undefined ? {} : { error: redact(undo.error, secrets) }),
      },
    };
  }
  return event.type === "activity-finished" && event.error
    ? { ...event, error: redact(event.error, secrets) }
    : event;
}

/** Each activity of the substituted experiment and what it acts on; the caller redacts secrets. */
function describePlan(experiment: Experiment): string {
  const lines: string[] = [];
  const hypothesis = experiment["steady-state-hypothesis"];
  const name = (activity: Experiment["method"][number]) =>
    "ref" in activity
      ? `ref ${activity.ref}`
      : `${activity.type} ${activity.name} [${activityTarget(activity)}]${activity.background ? " (background)" : ""}`;
  if (hypothesis) {
    lines.push(`  steady-state hypothesis "${hypothesis.title}":`);
    for (const probe of hypothesis.probes ?? []) lines.push(`    - ${name(probe)}`);
  }
  lines.push("  method:");
  for (const activity of experiment.method) lines.push(`    - ${name(activity)}`);
  if ((experiment.rollbacks ?? []).length > 0) {
    lines.push("  rollbacks:");
    for (const activity of experiment.rollbacks ?? []) lines.push(`    - ${name(activity)}`);
  }
  return lines.join("\n");
}

/** Replays what a killed or cancelled run left pending (the action's post step, `chaos-action cleanup`). */
export async function replayPendingUndo(
  undoFile: string,
  options: { cluster: ClusterRequest; reporter: Reporter; cwd: string; env?: NodeJS.ProcessEnv },
): Promise<UndoRun[]> {
  const env = options.env ?? process.env;
  let cluster: Cluster | undefined;
  try {
    return await replayUndoFile(undoFile, async (step) => {
      cluster ??= await createCluster(options.cluster, { env, reporter: options.reporter, cwd: options.cwd });
      await cluster.executeUndo(step);
    });
  } finally {
    await cluster?.close();
  }
}

// Running the prepared experiments, one after another: (cluster: connect, RBAC preflight,
// blast-radius guard) → engine → journal. It returns data; the CLI and the action decide how to print
// it and which exit code it means. Preparation (discover, load, validate, resolve) happens once,
// before, in prepare.ts.
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { errorMessage } from "../common/error-message.ts";
import { randomHex } from "../common/random-id.ts";
import type { Journal, UndoRun } from "../engine/journal.ts";
import { DEFAULT_RECOVERY_SECONDS } from "../engine/recovery.ts";
import { notStartedJournal, runExperiment } from "../engine/run.ts";
import { safeguardDefinitions } from "../engine/safeguards.ts";
import {
  createUndoLog,
  replayUndoFile,
  settleUndoFile,
  temporaryUndoFile,
  type UndoLog,
} from "../engine/undo.ts";
import type { HeldLeases } from "../kubernetes/lease.ts";
import { holderIdentity } from "../kubernetes/lease-scope.ts";
import { kubernetesActivities } from "../kubernetes/scope.ts";
import { createExecutor } from "../providers/execute.ts";
import type { NativeRegistry } from "../providers/registry.ts";
import { adviceLines } from "../report/advice.ts";
import type { Cluster, ClusterPlan, ClusterRequest, GateRequest } from "./cluster-gate.ts";
import { buildPlan, formatPlan } from "./dry-run.ts";
import { isInputError } from "./error-verdict.ts";
import { JournalPathError, journalPaths } from "./journal-path.ts";
import { leaseFileOf, readLeaseFile, removeLeaseFile } from "./lease-file.ts";
import { DEFAULT_LEASE_WAIT_SECONDS, type RunOptions } from "./options.ts";
import type { DryRunPlan, ExperimentOutcome, RunResult } from "./outcome.ts";
import { isPrepared, type Preparation, type PreparedExperiment, prepareExperiments } from "./prepare.ts";
import type { Reporter } from "./reporter.ts";
import { environmentSecrets, redactingReporter, SecretRegistry } from "./secrets.ts";
import { type ExperimentLimits, experimentLimits, recoveryWindowSeconds } from "./time-limits.ts";
import { combineVerdicts } from "./verdict.ts";

/** The cluster side (connection, guard, preflight, Leases) is loaded only once a run needs a cluster. */
async function createCluster(...args: Parameters<typeof import("./cluster-gate.ts").createCluster>) {
  return (await import("./cluster-gate.ts")).createCluster(...args);
}

export type { ExperimentOutcome, RunResult } from "./outcome.ts";
export type { Reporter } from "./reporter.ts";
export type { Verdict } from "./verdict.ts";

export interface RunRequest {
  options: RunOptions;
  cwd: string;
  /** The environment of the run: processes, `type: env` values and the cluster connection read it. */
  env: NodeJS.ProcessEnv;
  cluster: ClusterRequest;
  reporter: Reporter;
  /** Aborted on SIGINT/SIGTERM/cancellation: the method stops, rollbacks and undo run. */
  signal?: AbortSignal;
  /**
   * Every secret value of the run, the connection's credentials included as soon as they are known;
   * the action's registry masks each in the log. Default: a registry of this run's own.
   */
  secrets?: SecretRegistry;
  /** The commit the run is about (GITHUB_SHA in the action). */
  commit?: string;
  /**
   * The hard limit of the whole step (the action's `timeout-minutes`) and when the step started
   * (Date.now()): every experiment's method stops early enough to leave the reserve (time-limits.ts).
   */
  stepLimit?: { seconds: number; startedAt: number };
  version?: string;
}

/** Prepares, then runs: for callers that do nothing between the two. */
export async function runExperiments(request: RunRequest): Promise<RunResult> {
  const { targets, vars, varFiles } = request.options;
  const secrets = request.secrets ?? new SecretRegistry();
  const preparation = await prepareExperiments({
    targets,
    vars,
    varFiles,
    cwd: request.cwd,
    env: request.env,
    reporter: redactingReporter(request.reporter, secrets),
    secrets,
  });
  return runPrepared(preparation, { ...request, secrets });
}

/**
 * The chaosk8s activities of what will really run (`${var}`s substituted): the guard and the
 * preflight look at them. Safeguard probes may read the cluster too: they need the connection and
 * their permissions.
 */
function clusterActivitiesOf({ substituted }: PreparedExperiment) {
  return kubernetesActivities({
    ...substituted,
    rollbacks: [...(substituted.rollbacks ?? []), ...safeguardDefinitions(substituted)],
  });
}

/**
 * Runs every prepared experiment, one after another, whatever an earlier one returned, except that
 * after one whose system did not recover (its hypothesis not met again after its undo) the rest are
 * skipped: they would start on a system still hurt.
 */
export async function runPrepared(preparation: Preparation, request: RunRequest): Promise<RunResult> {
  if (!preparation.usable) return preparation.result;
  const { options } = request;
  const secrets = request.secrets ?? new SecretRegistry();
  for (const item of preparation.experiments) if (isPrepared(item)) secrets.add(item.secrets);
  const reporter = redactingReporter(request.reporter, secrets);
  const { env, registry } = preparation;
  const files = preparation.experiments.map((item) => item.file);

  let journals: string[];
  try {
    journals = journalPaths(files, request.cwd, options.journalPath);
  } catch (error) {
    if (!(error instanceof JournalPathError)) throw error;
    const outcome: ExperimentOutcome = {
      file: options.journalPath ?? "",
      verdict: "invalid",
      reason: `invalid: ${error.message}`,
      issues: [],
    };
    return { verdict: "invalid", outcomes: [outcome] };
  }

  // Every file is checked before anything runs: one invalid experiment stops the whole run (exit 2).
  const invalid = invalidRunResult(preparation);
  if (invalid) return invalid;
  const prepared = preparation.experiments.filter(isPrepared);

  const undoFile = options.undoFile ?? temporaryUndoFile();
  if (!options.dryRun && prepared.some((item) => clusterActivitiesOf(item).length > 0))
    reporter.info(`Undo steps of our cluster changes are written to ${undoFile}`);
  const runIds: string[] = [];
  // One holder for the whole run: its Leases are taken and deleted around each experiment.
  const leases: RunLeases = {
    holder: holderIdentity(request.env, hostname(), process.pid, randomHex(4)),
    file: leaseFileOf(undoFile),
  };
  let cluster: Cluster | undefined;
  const clusterFor = async (): Promise<Cluster> => {
    cluster ??= await createCluster(request.cluster, {
      env,
      reporter,
      cwd: request.cwd,
      onCredentials: (values) => secrets.add(values),
    });
    return cluster;
  };

  const outcomes: ExperimentOutcome[] = [];
  /** The first experiment whose system did not recover. */
  let notRecovered: string | undefined;
  try {
    for (const [index, item] of prepared.entries()) {
      const journalPath = journals[index]!;
      if (request.signal?.aborted) {
        outcomes.push(await notStarted(item, journalPath, request, secrets));
        continue;
      }
      if (notRecovered !== undefined) {
        outcomes.push({
          file: item.file,
          title: item.experiment.title,
          verdict: "skipped",
          reason: `skipped: the previous experiment ${notRecovered} did not recover`,
          issues: item.issues,
        });
        continue;
      }
      const step = {
        stepLimitSeconds: request.stepLimit?.seconds,
        elapsedSeconds: request.stepLimit && (Date.now() - request.stepLimit.startedAt) / 1000,
      };
      const limits = experimentLimits({
        timeoutSeconds: options.timeoutSeconds,
        undoTimeoutSeconds: options.undoTimeoutSeconds,
        ...step,
      });
      if (!limits) {
        outcomes.push({
          file: item.file,
          title: item.experiment.title,
          verdict: "failed",
          reason: "failed: not run, no time was left before the step's limit (timeout-minutes)",
          issues: item.issues,
        });
        continue;
      }
      const runId = `${Date.now().toString(36)}-${randomHex(4)}`;
      runIds.push(runId);
      const run = { undoFile, runId, limits, recoveryWindowSeconds: recoveryWindowSeconds(step) };
      const outcome = await runOne(
        item,
        journalPath,
        { ...request, env, reporter, secrets },
        registry,
        run,
        clusterFor,
        leases,
      );
      outcomes.push(outcome);
      if (outcome.journal?.chaos_action.recovery?.recovered === false) notRecovered = item.file;
    }
  } finally {
    await cluster?.close();
  }
  const result: RunResult = { verdict: combineVerdicts(outcomes.map((o) => o.verdict)), outcomes };
  if (options.dryRun) return result;
  // Removed when everything in it is undone; kept, and the run failed, while anything is pending.
  const pending = await settleUndoFile(undoFile);
  if (pending.length === 0) return result;
  const ours = pending.some((entry) => runIds.includes(entry.runId));
  return {
    ...result,
    verdict: ours ? combineVerdicts([result.verdict, "failed"]) : result.verdict,
    undo: { file: undoFile, pending: pending.map((entry) => entry.description) },
  };
}

/** `skipped` when the real run would start; `failed` when it would be refused or inject nothing. */
const dryRunOutcome = (item: PreparedExperiment, plan: DryRunPlan): ExperimentOutcome => ({
  file: item.file,
  title: item.experiment.title,
  ...(plan.refusals.length === 0
    ? { verdict: "skipped", reason: "skipped: dry run" }
    : { verdict: "failed", reason: `failed: dry run: ${plan.refusals.join("\n")}` }),
  issues: item.issues,
  plan,
});

/** When any experiment is invalid, the run's result: the invalid ones, and the valid ones `skipped`. */
export function invalidRunResult(preparation: Preparation): RunResult | undefined {
  if (!preparation.usable) return preparation.result;
  const prepared = preparation.experiments.filter(isPrepared);
  if (prepared.length === preparation.experiments.length) return undefined;
  const invalid = preparation.experiments.filter((item): item is ExperimentOutcome => !isPrepared(item));
  return { verdict: "invalid", outcomes: [...invalid, ...prepared.map(notRunBecauseInvalid)] };
}

const notRunBecauseInvalid = (item: PreparedExperiment): ExperimentOutcome => ({
  file: item.file,
  title: item.experiment.title,
  verdict: "skipped",
  reason: "skipped: not run because another experiment is invalid",
  issues: item.issues,
});

interface ExperimentRunInfo {
  undoFile: string;
  runId: string;
  limits: ExperimentLimits;
  /** Under a step limit: the most the recovery check may last, counted from the experiment's start. */
  recoveryWindowSeconds?: number;
}

/** Who holds this run's Leases, and the file that lists them for `cleanup`. */
interface RunLeases {
  holder: string;
  file: string;
}

async function runOne(
  item: PreparedExperiment,
  journalPath: string,
  request: RunRequest,
  registry: NativeRegistry,
  run: ExperimentRunInfo,
  clusterFor: () => Promise<Cluster>,
  leases: RunLeases,
): Promise<ExperimentOutcome> {
  const { undoFile, runId } = run;
  const { experiment, file, substituted } = item;
  const { reporter, options } = request;
  const secrets = request.secrets ?? new SecretRegistry();
  const k8sActivities = clusterActivitiesOf(item);
  const needsCluster = k8sActivities.length > 0;
  const gateRequest: GateRequest = {
    namespaces: options.namespaces,
    maxAffected: options.maxAffected,
    ...(options.allowNodeDrain ? { allowNodeDrain: true } : {}),
    cluster: request.cluster,
  };
  const failed = (error: unknown): ExperimentOutcome => ({
    file,
    title: experiment.title,
    // Wrong connection settings are bad input, like a bad file: the cluster was never asked.
    verdict: isInputError(error) ? "invalid" : "failed",
    // A refusal lists its reasons (RBAC rules, guard violations) on several lines.
    reason: `${isInputError(error) ? "invalid" : "failed"}: ${secrets.redact(errorMessage(error, { whole: true }))}`,
    issues: item.issues,
  });

  if (options.dryRun) {
    reporter.info(`${file}: dry run of "${experiment.title}"`);
    let clusterPlan: ClusterPlan | undefined;
    try {
      if (needsCluster) {
        await (await clusterFor()).checkConnection();
        clusterPlan = await (await clusterFor()).plan(substituted, k8sActivities, gateRequest, registry);
      }
    } catch (error) {
      return failed(error);
    }
    // Targets, reasons and activity targets may quote a secret (a token in a URL).
    const plan = secrets.redactValue(buildPlan(substituted, clusterPlan, options));
    const title = substituted["steady-state-hypothesis"]?.title ?? "";
    reporter.info(formatPlan(title, plan, needsCluster));
    return dryRunOutcome(item, plan);
  }

  let cluster: Cluster | undefined;
  try {
    cluster = needsCluster ? await clusterFor() : undefined;
    await cluster?.checkConnection();
  } catch (error) {
    return failed(error);
  }
  const undoLog = cluster?.undoLog(undoFile, runId) ?? noClusterUndoLog(undoFile, runId);
  // Taken once the gate has passed, held through the undo (and whatever checks follow it), released last.
  let held: HeldLeases | undefined;
  const gate = async (on: Cluster) => {
    const needed = await on.gate(substituted, k8sActivities, gateRequest, registry);
    held = await on.holdLeases(needed, {
      holder: leases.holder,
      waitSeconds: options.leaseWaitSeconds ?? DEFAULT_LEASE_WAIT_SECONDS,
      leaseFile: leases.file,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };
  try {
    return await runGated(item, journalPath, request, registry, run, undoLog, cluster, gate);
  } finally {
    if (held && !(await held.release())) {
      reporter.warn(
        `Some Leases could not be deleted; they expire on their own, or \`chaos-action cleanup --undo-file ${undoFile}\` deletes them.`,
      );
    }
  }
}

async function runGated(
  item: PreparedExperiment,
  journalPath: string,
  request: RunRequest,
  registry: NativeRegistry,
  { undoFile, runId, limits, recoveryWindowSeconds }: ExperimentRunInfo,
  undoLog: UndoLog,
  cluster: Cluster | undefined,
  gate: (cluster: Cluster) => Promise<void>,
): Promise<ExperimentOutcome> {
  const { experiment, resolved, file } = item;
  const { reporter, options } = request;
  const secrets = request.secrets ?? new SecretRegistry();
  const journal = await runExperiment({
    experiment,
    file,
    experimentDir: dirname(resolve(request.cwd, file)),
    configuration: resolved.configuration,
    secrets: resolved.secrets,
    strategies: {
      hypothesis: options.hypothesisStrategy,
      rollbacks: options.rollbackStrategy,
      frequencySeconds: options.hypothesisFrequencySeconds,
      failFast: options.failFast,
    },
    ...limits,
    activityTimeoutSeconds: options.activityTimeoutSeconds,
    allowNoTarget: options.allowNoTarget,
    recovery: {
      timeoutSeconds: options.recoveryTimeoutSeconds ?? DEFAULT_RECOVERY_SECONDS,
      ...(recoveryWindowSeconds === undefined ? {} : { endsWithinSeconds: recoveryWindowSeconds }),
    },
    signal: request.signal,
    // Processes see the environment with the variables of `.env` var files, as in Chaos Toolkit.
    execute: createExecutor({ registry, env: request.env }),
    undo: { registry: undoLog, replay: (replay) => undoLog.replay(replay), file: undoFile },
    services: { ...(cluster?.services ?? {}), runId },
    gate: cluster ? () => gate(cluster) : undefined,
    onEvent: (event) => reporter.event?.(event, file),
    version: request.version,
    commit: request.commit,
  });
  // The connection is made by the gate, inside the run: only now is there a cluster to name.
  const where = cluster?.describe();
  if (where) journal.chaos_action.cluster = where;
  // Advice reads the targeted objects once a run that injected its fault is over; a run refused
  // before its method, or interrupted, skips it.
  if (cluster && where && journal.chaos_action.fault_injected && !request.signal?.aborted) {
    journal.chaos_action.advice = await cluster.advise(item.substituted, journal, request.signal);
    for (const line of adviceLines(journal.chaos_action.advice)) reporter.info(secrets.redact(line));
  }
  return writeJournal(item, journal, journalPath, secrets);
}

/** A stop before the experiment started: its journal says it did not run (nothing changed). */
async function notStarted(
  item: PreparedExperiment,
  journalPath: string,
  request: RunRequest,
  secrets: SecretRegistry,
): Promise<ExperimentOutcome> {
  const { options } = request;
  const journal = notStartedJournal(
    {
      experiment: item.experiment,
      file: item.file,
      version: request.version,
      commit: request.commit,
      strategies: { hypothesis: options.hypothesisStrategy, rollbacks: options.rollbackStrategy },
    },
    request.signal?.reason,
    Date.now(),
  );
  return writeJournal(item, journal, journalPath, secrets);
}

/** Writes the journal (secrets masked) and turns it into the experiment's outcome. */
async function writeJournal(
  item: PreparedExperiment,
  journal: Journal,
  journalPath: string,
  secrets: SecretRegistry,
): Promise<ExperimentOutcome> {
  // Outputs and error messages may quote a secret (a token in a URL, a password echoed back).
  const text = JSON.stringify(secrets.redactValue(journal), null, 2);
  await mkdir(dirname(journalPath), { recursive: true });
  await writeFile(journalPath, `${text}\n`);
  return {
    file: item.file,
    title: item.experiment.title,
    verdict: journal.chaos_action.verdict,
    reason: secrets.redact(journal.chaos_action.reason),
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

/**
 * Replays what a run left pending (a step that kept failing; the runner killed or cancelled): the
 * action's post step and `chaos-action cleanup`. Failing steps are retried until `timeoutSeconds`
 * (default 120) and stay pending; the file is removed once nothing in it is pending.
 */
export async function replayPendingUndo(
  undoFile: string,
  options: {
    cluster: ClusterRequest;
    reporter: Reporter;
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutSeconds?: number;
    /** The connection's credentials join it before anything about the connection is printed. */
    secrets?: SecretRegistry;
  },
): Promise<UndoRun[]> {
  const { env } = options;
  const secrets = options.secrets ?? new SecretRegistry();
  secrets.add(environmentSecrets(env));
  const reporter = redactingReporter(options.reporter, secrets);
  let cluster: Cluster | undefined;
  try {
    const deadline =
      options.timeoutSeconds === undefined ? undefined : Date.now() + options.timeoutSeconds * 1000;
    const runs = await replayUndoFile(
      undoFile,
      async (step, signal) => {
        cluster ??= await createCluster(options.cluster, {
          env,
          reporter,
          cwd: options.cwd,
          onCredentials: (values) => secrets.add(values),
        });
        return cluster.executeUndo(step, signal);
      },
      { deadline },
    );
    await settleUndoFile(undoFile);
    return runs.map((step) => ({
      ...step,
      description: secrets.redact(step.description),
      ...(step.error === undefined ? {} : { error: secrets.redact(step.error) }),
    }));
  } finally {
    await cluster?.close();
  }
}

/**
 * Deletes the Leases a killed run still holds (listed beside its undo file); one line per Lease.
 * A Lease another run has taken over since is left alone.
 */
export async function deleteLeftoverLeases(
  undoFile: string,
  options: {
    cluster: ClusterRequest;
    reporter: Reporter;
    cwd: string;
    env: NodeJS.ProcessEnv;
    secrets?: SecretRegistry;
  },
): Promise<string[]> {
  const file = leaseFileOf(undoFile);
  const record = await readLeaseFile(file);
  if (!record) return [];
  const secrets = options.secrets ?? new SecretRegistry();
  secrets.add(environmentSecrets(options.env));
  const cluster = await createCluster(options.cluster, {
    env: options.env,
    reporter: redactingReporter(options.reporter, secrets),
    cwd: options.cwd,
    onCredentials: (values) => secrets.add(values),
  });
  try {
    const lines = await cluster.deleteLeftoverLeases(record);
    await removeLeaseFile(file);
    return lines;
  } finally {
    await cluster.close();
  }
}

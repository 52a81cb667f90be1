// The GitHub Action: read the inputs, prepare the experiments once, set up the cluster, run, then
// publish one report and fail the step once, at the end, per `fail-on`. The post step (cleanup())
// replays pending undo and deletes a kind cluster this action created, even when the job failed or
// was cancelled.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import * as core from "@actions/core";
import { errorMessage } from "../common/error-message.ts";
import { formatRunEvent } from "../report/progress.ts";
import type { ClusterRequest } from "../run/cluster-gate.ts";
import { deleteLeftoverLeases, invalidRunResult, replayPendingUndo, runPrepared } from "../run/pipeline.ts";
import { prepareExperiments } from "../run/prepare.ts";
import type { Reporter } from "../run/reporter.ts";
import { environmentSecrets, redactingReporter, SecretRegistry } from "../run/secrets.ts";
import { runUpgradeRehearsal } from "../run/upgrade-rehearsal.ts";
import { exportForLaterSteps, setUpCluster, tearDownCluster } from "./cluster-setup.ts";
import { inputSecrets } from "./input-secrets.ts";
import { type ActionInputs, failsStep, parseActionInputs, readRawInputs } from "./inputs.ts";
import { info } from "./log.ts";
import { gatedCommitOf, publish, publishFailure, readEvent, summaryLine } from "./publish.ts";
import { experimentSource, exportCommit } from "./trusted-checkout.ts";

const STATE_UNDO_FILE = "undo-file";
const STATE_CLUSTER = "cluster-request";

const log: Reporter = {
  info: (message: string) => info(message),
  warn: (message: string) => core.warning(message),
  error: (message: string) => core.error(message),
  event: (event, file) => {
    const line = formatRunEvent(event);
    if (line) info(`${file}:${line}`);
  },
};

/** The run's identity in file names, so two jobs on one self-hosted runner do not collide. */
function runTag(env: NodeJS.ProcessEnv): string {
  return [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB, process.pid]
    .filter((part) => part !== undefined && part !== "")
    .join("-")
    .replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** The action's main step. Everything thrown ends in one setFailed; cleanup is the post step's. */
export async function run(env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const startedAt = Date.now();
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    // A second signal (the runner follows SIGINT with SIGTERM; a person may press Ctrl-C twice)
    // leaves the rollbacks and the undo running.
    if (controller.signal.aborted) {
      core.warning(`${signal} again: still running rollbacks and undo`);
      return;
    }
    core.warning(`${signal} received: stopping the method, running rollbacks and undo`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGTERM", interrupt);
  process.on("SIGINT", interrupt);
  // Masked in the log by the runner as each is found, and redacted by us from the log, the summary,
  // the comment, JUnit, annotations and outputs. Those in the inputs and the environment come first,
  // before any line is logged; the experiments' as they are read; the connection's before it is named.
  const secrets = new SecretRegistry((secret) => core.setSecret(secret));
  const reporter = redactingReporter(log, secrets);
  let inputs: ActionInputs | undefined;
  let exported: { dir: string; from: string } | undefined;
  try {
    const raw = readRawInputs((name) => core.getInput(name));
    secrets.add(inputSecrets(raw));
    secrets.add(environmentSecrets(env));
    inputs = parseActionInputs(raw, env);

    const tempDir = env.RUNNER_TEMP || tmpdir();
    const tag = runTag(env);
    const clusterSetup = { env, cwd, tempDir, tag, signal: controller.signal, secrets };
    if (inputs.bootOnly) {
      // No experiment: the cluster is for the job's later steps, which deploy and then gate.
      const { kind } = await setUpCluster(inputs, clusterSetup);
      if (kind) exportForLaterSteps(kind);
      return;
    }
    const undoFile = join(tempDir, `chaos-action-undo-${tag}.json`);
    core.saveState(STATE_UNDO_FILE, undoFile);
    const journalDir = join(tempDir, `chaos-action-journals-${tag}`);
    await mkdir(journalDir, { recursive: true });

    // Untrusted code: where the experiments and the files they name are read from, and run in.
    const filesDir = await experimentFiles(inputs, { env, cwd, tempDir, tag });
    if (filesDir !== cwd) {
      exported = { dir: filesDir, from: process.cwd() };
      // Relative paths of `process` activities resolve from here too.
      process.chdir(filesDir);
    }

    // Prepared once; invalid experiments fail before a cluster is created or touched.
    const { targets, vars, varFiles } = inputs.options;
    const preparation = await prepareExperiments({
      targets,
      vars,
      varFiles,
      cwd: filesDir,
      env,
      reporter,
      secrets,
    });
    // The valid experiments beside an invalid one did not run: `skipped`, not `passed`.
    const invalid = invalidRunResult(preparation);
    if (invalid) {
      info(secrets.redact(summaryLine(invalid)));
      await publish(inputs, invalid, { env, cwd, secrets, journalDir });
      core.setFailed(secrets.redact(`${summaryLine(invalid)} (invalid experiments always fail the step)`));
      return;
    }

    const { cluster } = await setUpCluster(inputs, clusterSetup);
    // The post step replays pending undo against the same cluster; the request holds no secret.
    core.saveState(STATE_CLUSTER, JSON.stringify(cluster));
    // A journal-path of the workflow's is in its workspace, wherever the experiments were read from.
    const { journalPath } = inputs.options;
    const runRequest: Parameters<typeof runPrepared>[1] = {
      options: {
        ...inputs.options,
        journalPath: journalPath
          ? isAbsolute(journalPath)
            ? journalPath
            : join(cwd, journalPath)
          : `${journalDir}/`,
        undoFile,
      },
      cwd: filesDir,
      env,
      cluster,
      commit: await gatedCommitOf(env),
      signal: controller.signal,
      reporter: log,
      secrets,
      // timeout-minutes is the hard limit of the step, with a reserve for rollbacks, undo and publishing.
      stepLimit:
        inputs.options.timeoutSeconds === undefined
          ? undefined
          : { seconds: inputs.options.timeoutSeconds, startedAt },
    };
    // An upgrade rehearsal runs the experiments twice, around the drain of the previous nodes.
    const result = inputs.upgradeDrain
      ? await runUpgradeRehearsal(preparation, runRequest, {
          labelSelector: inputs.upgradeDrain,
          timeoutSeconds: inputs.waitForTimeoutSeconds,
          waitFor: inputs.waitFor,
          waitTimeoutSeconds: inputs.waitForTimeoutSeconds,
        })
      : await runPrepared(preparation, runRequest);
    info(secrets.redact(summaryLine(result)));
    await publish(inputs, result, { env, cwd, secrets, journalDir });
    if (result.undo) {
      // Changes left in the cluster fail the step whatever fail-on says.
      core.setFailed(secrets.redact(pendingUndoMessage(result.undo, cluster)));
    } else if (failsStep(result.verdict, inputs.failOn)) {
      core.setFailed(secrets.redact(`${summaryLine(result)} (fail-on: ${inputs.failOn})`));
    }
  } catch (error) {
    // Nothing ran to a verdict: the configuration, the cluster set-up or the run itself broke.
    // Reporting that must not hide the error itself.
    try {
      await publishFailure(inputs, error, { env, cwd, secrets });
    } catch {}
    core.setFailed(secrets.redact(errorMessage(error, { whole: true })));
  } finally {
    process.off("SIGTERM", interrupt);
    process.off("SIGINT", interrupt);
    if (exported) {
      process.chdir(exported.from);
      await rm(exported.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The directory the experiments are read from and run in: the checkout, or on pull_request_target and
 * workflow_run the files of the workflow's own commit (trusted-checkout.ts).
 */
async function experimentFiles(
  inputs: ActionInputs,
  context: { env: NodeJS.ProcessEnv; cwd: string; tempDir: string; tag: string },
): Promise<string> {
  const source = experimentSource(await readEvent(context.env), inputs.trustCheckout);
  if (source.kind === "checkout") return context.cwd;
  const dir = join(context.tempDir, `chaos-action-trusted-${context.tag}`);
  await exportCommit(context.cwd, source.sha, dir);
  core.notice(
    `On ${source.event} the checkout may hold a pull request's files: the experiments, var files, manifests and the files they name are read from commit ${source.sha}, the workflow's own. Set trust-checked-out-experiments: true to run the checked-out files instead.`,
  );
  return dir;
}

/** What is left changed in the cluster, and how it gets undone. */
function pendingUndoMessage(undo: { file: string; pending: string[] }, cluster: ClusterRequest): string {
  const left = `${undo.pending.length} change(s) could not be undone and are left in the cluster: ${undo.pending.join("; ")}`;
  if (cluster.mode === "sim") return `${left}. The simulated cluster ended with the step.`;
  return `${left}. The post step replays them; by hand: chaos-action cleanup --undo-file ${undo.file}`;
}

/**
 * The post step: pending undo first (the cluster must still be there), then the Leases the main
 * step still held, then the kind cluster.
 */
export async function cleanup(env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const secrets = new SecretRegistry((secret) => core.setSecret(secret));
  const undoFile = core.getState(STATE_UNDO_FILE);
  const clusterState = core.getState(STATE_CLUSTER);
  const cluster = clusterState ? (JSON.parse(clusterState) as ClusterRequest) : undefined;
  try {
    secrets.add(inputSecrets(readRawInputs((name) => core.getInput(name))));
    secrets.add(environmentSecrets(env));
    if (undoFile && existsSync(undoFile) && cluster) {
      if (cluster.mode === "sim") info("The simulated cluster ended with the main step: nothing to undo.");
      else {
        const replayed = await replayPendingUndo(undoFile, { cluster, reporter: log, cwd, env, secrets });
        for (const step of replayed) {
          info(`Undo ${step.description}: ${step.status}${step.error ? ` (${step.error})` : ""}`);
        }
        if (replayed.length > 0) {
          core.warning(`Replayed ${replayed.length} pending undo step(s) the main step could not run`);
        }
        const failed = replayed.filter((step) => step.status !== "succeeded");
        if (failed.length > 0) {
          throw new Error(
            `${failed.map((step) => `${step.description}: ${step.error ?? step.status}`).join("; ")}. ` +
              `Still pending in ${undoFile}: chaos-action cleanup --undo-file ${undoFile}`,
          );
        }
      }
    }
  } catch (error) {
    core.setFailed(
      `Replaying pending undo failed; the cluster may still carry injected faults: ${secrets.redact(errorMessage(error, { whole: true }))}`,
    );
  }
  if (undoFile && cluster && cluster.mode !== "sim") {
    try {
      for (const line of await deleteLeftoverLeases(undoFile, { cluster, reporter: log, cwd, env, secrets }))
        info(secrets.redact(line));
    } catch (error) {
      core.warning(
        `Could not delete the run's Leases; they expire on their own: ${secrets.redact(errorMessage(error))}`,
      );
    }
  }
  await tearDownCluster();
}

// The GitHub Action: read the inputs, boot or connect to the cluster, run the experiments, then
// publish one report (job summary, sticky PR comment, JUnit, annotations, outputs) and fail the step
// once, at the end, per `fail-on`. The post step (cleanup()) replays pending undo and deletes a kind
// cluster this action created, even when the job failed or was cancelled.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import type { KubeConfig } from "@kubernetes/client-node";
import { annotationsFor } from "../report/annotations.ts";
import {
  CommentForbiddenError,
  commentKey,
  findPullRequests,
  upsertStickyComment,
} from "../report/comment.ts";
import { renderJUnit } from "../report/junit.ts";
import { capReport, renderReport, renderRunFailure } from "../report/markdown.ts";
import { formatRunEvent } from "../report/progress.ts";
import {
  type Reporter,
  type RunRequest,
  type RunResult,
  replayPendingUndo,
  runExperiments,
  validateExperiments,
} from "../run/pipeline.ts";
import {
  ActionInputError,
  type ActionInputs,
  failsStep,
  parseActionInputs,
  readRawInputs,
} from "./inputs.ts";

const STATE_UNDO_FILE = "undo-file";
const STATE_KIND = "kind-cluster";
const STATE_KUBECONFIG = "kubeconfig-file";
const STATE_CLUSTER = "cluster-request";
/** GitHub refuses job summaries over 1 MiB. */
const SUMMARY_LIMIT = 1_000_000;

const reporter: Reporter = {
  info: (message: string) => core.info(message),
  warn: (message: string) => core.warning(message),
  error: (message: string) => core.error(message),
  event: (event, file) => {
    const line = formatRunEvent(event);
    if (line) core.info(`${file}:${line}`);
  },
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The run's identity in file names, so two jobs on one self-hosted runner do not collide. */
function runTag(env: NodeJS.ProcessEnv): string {
  return [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB, process.pid]
    .filter((part) => part !== undefined && part !== "")
    .join("-")
    .replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * The credentials inside a kubeconfig, for masking: the runner masks a multi-line value per line, and
 * the report, comment and JUnit redact each credential wherever an error message might quote it.
 */
function kubeconfigSecrets(content: string): string[] {
  const found = [content];
  for (const match of content.matchAll(
    /^\s*(token|client-key-data|client-certificate-data|password):\s*(\S+)/gm,
  )) {
    if (match[2]) found.push(match[2].replace(/^(["'])(.*)\1$/, "$2"));
  }
  return found;
}

type ClusterRequest = RunRequest["cluster"];

async function writeKubeconfig(content: string, tempDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const file = join(tempDir, `chaos-action-kubeconfig-${runTag(env)}`);
  await writeFile(file, content, { mode: 0o600 });
  core.saveState(STATE_KUBECONFIG, file);
  return file;
}

async function connectForSetup(cluster: ClusterRequest): Promise<KubeConfig> {
  const { resolveConnection, describeConnection } = await import("../kubernetes/connection.ts");
  const resolved = await resolveConnection({
    kubeconfig: cluster.kubeconfig,
    context: cluster.context,
    ...(cluster.kubeconfigLabel === undefined ? {} : { kubeconfigLabel: cluster.kubeconfigLabel }),
    env: process.env,
  });
  core.info(describeConnection(resolved.source));
  for (const warning of resolved.warnings) core.warning(warning);
  return resolved.kc;
}

async function createKind(
  inputs: ActionInputs,
  tempDir: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<ClusterRequest> {
  const config = inputs.kindConfig ? resolve(inputs.kindConfig) : undefined;
  if (config && !existsSync(config)) {
    throw new ActionInputError([`kind-config: ${config} does not exist`]);
  }
  const kind = await import("../kubernetes/kind.ts");
  const toolCache = await import("@actions/tool-cache");
  const binary = await kind.findKind({
    version: inputs.kindVersion,
    toolCache,
    log: { info: core.info, warn: core.warning },
  });
  if (await kind.kindClusterExists(binary.path, inputs.clusterName)) {
    throw new Error(
      `cluster-name: a kind cluster named "${inputs.clusterName}" already exists on this runner; ` +
        "choose another cluster-name (this action deletes only clusters it created)",
    );
  }
  // Saved before creating: a cancel during creation still leaves the post step a cluster to delete.
  core.saveState(STATE_KIND, JSON.stringify({ kind: binary.path, name: inputs.clusterName }));
  const content = await core.group(`Creating kind cluster ${inputs.clusterName}`, () =>
    kind.createKindCluster({
      kind: binary.path,
      name: inputs.clusterName,
      config,
      log: { info: core.info, warn: core.warning },
      signal,
    }),
  );
  const file = await writeKubeconfig(content, tempDir, env);
  core.info(
    `Connecting with the kubeconfig of kind cluster ${inputs.clusterName}, kept in ${file} for the post step`,
  );
  return {
    mode: "auto",
    kubeconfig: file,
    kubeconfigLabel: `the kubeconfig of kind cluster ${inputs.clusterName}`,
    context: `kind-${inputs.clusterName}`,
  };
}

async function prepareCluster(
  inputs: ActionInputs,
  tempDir: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<ClusterRequest> {
  if (inputs.cluster === "sim") {
    if (inputs.waitFor.length > 0) {
      core.warning(
        "wait-for is ignored with cluster: sim; the simulated cluster starts its workloads itself",
      );
    }
    return { mode: "sim", ...(inputs.manifests.length > 0 ? { simManifests: inputs.manifests } : {}) };
  }
  let cluster: ClusterRequest;
  if (inputs.cluster === "kind") cluster = await createKind(inputs, tempDir, env, signal);
  else if (inputs.kubeconfig) {
    // A file, not the content: the post step needs the same cluster and state must hold no secret.
    const file = await writeKubeconfig(inputs.kubeconfig, tempDir, env);
    core.info(`Connecting with the kubeconfig input, kept in ${file} for the post step`);
    cluster = {
      mode: "auto",
      kubeconfig: file,
      kubeconfigLabel: "the kubeconfig input",
      context: inputs.context,
    };
  } else cluster = { mode: "auto", context: inputs.context };

  const needsClient = inputs.cluster === "kind" || inputs.manifests.length > 0 || inputs.waitFor.length > 0;
  if (needsClient) {
    const apply = await import("../kubernetes/apply.ts");
    const kubeConfig = await connectForSetup(cluster);
    const wait = { timeoutSeconds: inputs.waitForTimeoutSeconds, log: { info: core.info }, signal };
    if (inputs.cluster === "kind") await apply.waitForNodesReady(kubeConfig, wait);
    if (inputs.manifests.length > 0) {
      await core.group("Applying manifests", () =>
        apply.applyManifests(kubeConfig, inputs.manifests, { cwd: process.cwd(), log: { info: core.info } }),
      );
    }
    if (inputs.waitFor.length > 0) {
      await core.group("Waiting for workloads", () =>
        apply.waitForWorkloads(kubeConfig, inputs.waitFor, wait),
      );
    }
  }
  return cluster;
}

interface GitHubEvent {
  name: string;
  payload: Record<string, unknown>;
  sha: string;
}

async function readEvent(env: NodeJS.ProcessEnv): Promise<GitHubEvent> {
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
  }
  return { name: env.GITHUB_EVENT_NAME ?? "", payload, sha: env.GITHUB_SHA ?? "" };
}

function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** Posts or refreshes the sticky comment; returns its URL. Never throws: a comment never fails the gate. */
async function comment(
  inputs: ActionInputs,
  held: boolean,
  markdown: string,
  event: GitHubEvent,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (inputs.comment === "never") return undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) {
    core.notice("No GITHUB_REPOSITORY: the report is in the job summary only.");
    return undefined;
  }
  if (!inputs.githubToken) {
    core.notice("No github-token: the report is in the job summary only.");
    return undefined;
  }
  try {
    const { getOctokit } = await import("@actions/github");
    // A hanging API must not hold the job: the whole comment gets one minute.
    const client = getOctokit(inputs.githubToken, {
      baseUrl: env.GITHUB_API_URL ?? "https://api.github.com",
      request: { signal: AbortSignal.timeout(60_000) },
    });
    const repository = { owner, repo };
    const pulls = await findPullRequests(client, repository, event);
    if (pulls.length === 0) {
      core.notice(
        `No pull request for this ${event.name || "run"} (commit ${event.sha.slice(0, 7)}): the report is in the job summary only.`,
      );
      return undefined;
    }
    const key = commentKey({
      workflow: env.GITHUB_WORKFLOW,
      job: env.GITHUB_JOB,
      commentKey: inputs.commentKey,
    });
    let url: string | undefined;
    for (const issueNumber of pulls) {
      const posted = await upsertStickyComment(client, {
        repository,
        issueNumber,
        key,
        body: markdown,
        fullReportUrl: runUrl(env),
        create: inputs.comment === "always" || !held,
      });
      if (posted.action !== "skipped") {
        core.info(`Report comment ${posted.action} on #${issueNumber}: ${posted.url}`);
      }
      url ??= posted.url;
    }
    return url;
  } catch (error) {
    if (error instanceof CommentForbiddenError) core.warning(error.message);
    else {
      core.warning(
        `Could not comment on the pull request: ${messageOf(error)}. The report is in the job summary.`,
      );
    }
    return undefined;
  }
}

function journalOutput(inputs: ActionInputs, result: RunResult, journalDir: string): string {
  const paths = result.outcomes.flatMap((outcome) => (outcome.journalPath ? [outcome.journalPath] : []));
  if (paths.length === 1) return paths[0] ?? "";
  return inputs.journalPath ? resolve(inputs.journalPath) : journalDir;
}

async function publish(
  inputs: ActionInputs,
  result: RunResult,
  secrets: readonly string[],
  journalDir: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const event = await readEvent(env);
  const repositoryPayload = event.payload.repository as { private?: boolean; html_url?: string } | undefined;
  const markdown = renderReport(result, {
    commit: event.sha || undefined,
    repositoryUrl:
      repositoryPayload?.html_url ??
      (env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}`
        : undefined),
    runUrl: runUrl(env),
    // Only private repositories see the API server's address.
    showServer: repositoryPayload?.private === true,
    secrets,
    subtitle: inputs.commentKey,
  });

  for (const annotation of annotationsFor(result)) {
    const properties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.startLine,
      startColumn: annotation.startColumn,
    };
    if (annotation.level === "error") core.error(annotation.message, properties);
    else if (annotation.level === "warning") core.warning(annotation.message, properties);
    else core.notice(annotation.message, properties);
  }

  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(capReport(markdown, SUMMARY_LIMIT)).write();
  else core.info(markdown);

  let junitPath = "";
  if (inputs.junitPath) {
    junitPath = resolve(inputs.junitPath);
    await mkdir(dirname(junitPath), { recursive: true });
    await writeFile(junitPath, renderJUnit(result, { secrets }));
    core.info(`JUnit report written to ${junitPath}`);
  }

  const count = (verdicts: string[]) =>
    result.outcomes.filter((outcome) => verdicts.includes(outcome.verdict)).length;
  core.setOutput("verdict", result.verdict);
  core.setOutput("experiments", result.outcomes.length);
  core.setOutput("deviated", count(["deviated"]));
  core.setOutput("failed", count(["failed", "invalid"]));
  core.setOutput("journal-path", journalOutput(inputs, result, journalDir));
  core.setOutput("junit-path", junitPath);
  core.setOutput("report", markdown);
  const held = result.verdict === "passed" || result.verdict === "skipped";
  core.setOutput("comment-url", (await comment(inputs, held, markdown, event, env)) ?? "");
}

/**
 * A run that broke before any verdict (bad inputs, cluster set-up, connection): the reason goes to the
 * job summary, and the comment says the run failed, so a pass from an earlier run is not left standing.
 */
async function publishFailure(
  inputs: ActionInputs | undefined,
  error: unknown,
  secrets: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  core.setOutput("verdict", error instanceof ActionInputError ? "invalid" : "failed");
  const event = await readEvent(env);
  const context = { runUrl: runUrl(env), secrets, subtitle: inputs?.commentKey };
  const markdown = renderRunFailure(messageOf(error), context);
  core.setOutput("report", markdown);
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
  if (!inputs) return;
  // Only private repositories see the reason in the comment: it may quote the API server's address.
  const isPrivate = (event.payload.repository as { private?: boolean } | undefined)?.private === true;
  const body = isPrivate ? markdown : renderRunFailure(undefined, context);
  core.setOutput("comment-url", (await comment(inputs, false, body, event, env)) ?? "");
}

function summaryLine(result: RunResult): string {
  const word = {
    passed: "held",
    deviated: "deviated",
    failed: "failed",
    invalid: "invalid",
    skipped: "skipped",
  };
  return `Chaos gate ${word[result.verdict]}: ${result.outcomes.map((outcome) => `${outcome.file} ${outcome.reason}`).join("; ") || "no experiment matched"}`;
}

/** The action's main step. Everything thrown ends in one setFailed; cleanup is the post step's. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    core.warning(`${signal} received: stopping the method, running rollbacks and undo`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGTERM", interrupt);
  process.once("SIGINT", interrupt);
  // Masked in the log by the runner, and redacted by us from the summary, comment, JUnit and outputs.
  const secrets: string[] = [];
  const addSecret = (secret: string) => {
    core.setSecret(secret);
    secrets.push(secret);
  };
  let inputs: ActionInputs | undefined;
  try {
    inputs = parseActionInputs(readRawInputs((name) => core.getInput(name)));
    if (inputs.kubeconfig) kubeconfigSecrets(inputs.kubeconfig).forEach(addSecret);
    if (inputs.githubToken) addSecret(inputs.githubToken);

    const tempDir = env.RUNNER_TEMP || tmpdir();
    const undoFile = join(tempDir, `chaos-action-undo-${runTag(env)}.json`);
    core.saveState(STATE_UNDO_FILE, undoFile);
    const journalDir = join(tempDir, `chaos-action-journals-${runTag(env)}`);
    await mkdir(journalDir, { recursive: true });

    // Invalid experiments fail before a cluster is created or touched.
    const validation = await validateExperiments({
      targets: inputs.experiments,
      cwd: process.cwd(),
      vars: inputs.vars,
      varFiles: inputs.varFiles,
      reporter,
    });
    if (validation.verdict === "invalid") {
      core.info(summaryLine(validation));
      await publish(inputs, validation, secrets, journalDir, env);
      core.setFailed(`${summaryLine(validation)} (invalid experiments always fail the step)`);
      return;
    }

    const cluster = await prepareCluster(inputs, tempDir, env, controller.signal);
    // The post step replays pending undo against the same cluster; the request holds no secret.
    core.saveState(STATE_CLUSTER, JSON.stringify(cluster));
    const result = await runExperiments({
      targets: inputs.experiments,
      cwd: process.cwd(),
      journalPath: inputs.journalPath ?? `${journalDir}/`,
      vars: inputs.vars,
      varFiles: inputs.varFiles,
      hypothesisStrategy: inputs.hypothesisStrategy,
      hypothesisFrequency: inputs.hypothesisFrequency,
      failFast: inputs.failFast,
      rollbackStrategy: inputs.rollbackStrategy,
      dryRun: inputs.dryRun,
      cluster,
      namespaces: inputs.namespaces.length > 0 ? inputs.namespaces : undefined,
      maxAffected: inputs.maxAffected,
      timeoutSeconds: inputs.timeoutMinutes !== undefined ? inputs.timeoutMinutes * 60 : undefined,
      undoFile,
      commit: env.GITHUB_SHA || undefined,
      signal: controller.signal,
      reporter,
      secretsSink: addSecret,
    });
    core.info(summaryLine(result));
    await publish(inputs, result, secrets, journalDir, env);
    if (failsStep(result.verdict, inputs.failOn)) {
      core.setFailed(`${summaryLine(result)} (fail-on: ${inputs.failOn})`);
    }
  } catch (error) {
    // Nothing ran to a verdict: the configuration, the cluster set-up or the run itself broke.
    // Reporting that must not hide the error itself.
    try {
      await publishFailure(inputs, error, secrets, env);
    } catch {}
    core.setFailed(messageOf(error));
  } finally {
    process.off("SIGTERM", interrupt);
    process.off("SIGINT", interrupt);
  }
}

/** The post step: pending undo first (the cluster must still be there), then the kind cluster. */
export async function cleanup(): Promise<void> {
  try {
    const undoFile = core.getState(STATE_UNDO_FILE);
    const clusterState = core.getState(STATE_CLUSTER);
    if (undoFile && existsSync(undoFile) && clusterState) {
      const cluster = JSON.parse(clusterState) as RunRequest["cluster"];
      if (cluster.mode === "sim")
        core.info("The simulated cluster ended with the main step: nothing to undo.");
      else {
        const replayed = await replayPendingUndo(undoFile, { cluster, reporter, cwd: process.cwd() });
        for (const step of replayed) {
          core.info(`Undo ${step.description}: ${step.status}${step.error ? ` (${step.error})` : ""}`);
        }
        if (replayed.length > 0) {
          core.warning(`Replayed ${replayed.length} pending undo step(s) the main step could not run`);
        }
        const failed = replayed.filter((step) => step.status === "failed");
        if (failed.length > 0) {
          throw new Error(failed.map((step) => `${step.description}: ${step.error ?? "failed"}`).join("; "));
        }
      }
    }
  } catch (error) {
    core.setFailed(
      `Replaying pending undo failed; the cluster may still carry injected faults: ${messageOf(error)}`,
    );
  }
  const kindState = core.getState(STATE_KIND);
  if (kindState) {
    try {
      const { kind, name } = JSON.parse(kindState) as { kind: string; name: string };
      const { deleteKindCluster } = await import("../kubernetes/kind.ts");
      await deleteKindCluster(kind, name, { info: core.info, warn: core.warning });
      core.info(`Deleted kind cluster ${name}`);
    } catch (error) {
      core.warning(`Could not delete the kind cluster: ${messageOf(error)}`);
    }
  }
  const kubeconfigFile = core.getState(STATE_KUBECONFIG);
  if (kubeconfigFile) await rm(kubeconfigFile, { force: true });
}

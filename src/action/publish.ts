// One report, published everywhere: the markdown is rendered once and goes to the job summary and the
// sticky PR comment; JUnit, annotations and the step's outputs come from the same result. Publishing
// never fails the gate: a comment that cannot be posted is a warning.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { errorMessage } from "../common/error-message.ts";
import { annotationsFor } from "../report/annotations.ts";
import { COMMENT_LIMIT, capReport, SUMMARY_LIMIT } from "../report/budget.ts";
import {
  CommentForbiddenError,
  commentKey,
  commentMarker,
  findPullRequests,
  reportedCommit,
  upsertStickyComment,
} from "../report/comment.ts";
import { renderJUnit } from "../report/junit.ts";
import { type ReportContext, renderReport, renderRunFailure } from "../report/markdown.ts";
import type { RunResult } from "../run/outcome.ts";
import type { SecretRegistry } from "../run/secrets.ts";
import { ActionInputError, type ActionInputs } from "./inputs.ts";
import { defaultArtifactName, randomSuffix, uploadJournalArtifact } from "./journal-artifact.ts";
import { info } from "./log.ts";
import { workflowRunUrl } from "./workflow-run.ts";

export interface PublishContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Every secret value, redacted from the summary, comment, JUnit, annotations and outputs. */
  secrets: SecretRegistry;
}

export interface GitHubEvent {
  name: string;
  payload: Record<string, unknown>;
  sha: string;
}

export async function readEvent(env: NodeJS.ProcessEnv): Promise<GitHubEvent> {
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
  }
  return { name: env.GITHUB_EVENT_NAME ?? "", payload, sha: env.GITHUB_SHA ?? "" };
}

/**
 * The commit the run gated: for `workflow_run`, the head of the run (the pull request's head) that
 * triggered it, since GITHUB_SHA is then the default branch's; otherwise GITHUB_SHA.
 */
export function gatedCommit(event: GitHubEvent): string | undefined {
  const run = event.payload.workflow_run as { head_sha?: unknown } | undefined;
  if (event.name === "workflow_run" && typeof run?.head_sha === "string" && run.head_sha !== "") {
    return run.head_sha;
  }
  return event.sha || undefined;
}

/** The same, read from the runner's environment: what the journals record as their commit. */
export async function gatedCommitOf(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return gatedCommit(await readEvent(env));
}

/** One sticky comment per workflow, job, step and `comment-key`. */
function stickyKey(inputs: ActionInputs | undefined, env: NodeJS.ProcessEnv): string {
  return commentKey({
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB,
    step: env.GITHUB_ACTION,
    commentKey: inputs?.commentKey,
  });
}

/** Why a run reports to no pull request, for its notice. */
function noPullRequest(event: GitHubEvent): string {
  if (event.name === "schedule") return "A scheduled run belongs to no pull request";
  const sha = reportedCommit(event);
  if (!sha) return `This ${event.name || "run"} names no commit, so no pull request`;
  return `No pull request was merged as commit ${sha.slice(0, 7)} or has it as its head (${event.name || "run"})`;
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
      core.notice(`${noPullRequest(event)}: the report is in the job summary only.`);
      return undefined;
    }
    const key = stickyKey(inputs, env);
    let url: string | undefined;
    for (const issueNumber of pulls) {
      const posted = await upsertStickyComment(client, {
        repository,
        issueNumber,
        key,
        body: markdown,
        fullReportUrl: workflowRunUrl(env),
        create: inputs.comment === "always" || !held,
      });
      if (posted.action !== "skipped") {
        info(`Report comment ${posted.action} on #${issueNumber}: ${posted.url}`);
      }
      url ??= posted.url;
    }
    return url;
  } catch (error) {
    if (error instanceof CommentForbiddenError) core.warning(error.message);
    else {
      core.warning(
        `Could not comment on the pull request: ${errorMessage(error, { whole: true })}. The report is in the job summary.`,
      );
    }
    return undefined;
  }
}

function journalOutput(inputs: ActionInputs, result: RunResult, context: PublishContext, journalDir: string) {
  const paths = result.outcomes.flatMap((outcome) => (outcome.journalPath ? [outcome.journalPath] : []));
  if (paths.length === 1) return paths[0] ?? "";
  const { journalPath } = inputs.options;
  return journalPath ? resolve(context.cwd, journalPath) : journalDir;
}

/**
 * Uploads the run's journals and JUnit file as an artifact for the report to link; a failure is a
 * warning, and the report goes out without the link.
 */
async function journalArtifact(
  inputs: ActionInputs,
  result: RunResult,
  junit: { path: string; content: string } | undefined,
  context: PublishContext & { journalDir: string },
): Promise<{ id: number; url?: string } | undefined> {
  if (!inputs.uploadJournals) return undefined;
  const { env, secrets } = context;
  const name = inputs.artifactName ?? defaultArtifactName(env, inputs.commentKey, randomSuffix());
  // @actions/artifact logs each stage of the upload: folded away in the log.
  core.startGroup(`Uploading the journals as artifact ${name}`);
  const upload = await uploadJournalArtifact({
    name,
    journalPaths: result.outcomes.flatMap((outcome) => (outcome.journalPath ? [outcome.journalPath] : [])),
    junit,
    secrets,
    tempDir: env.RUNNER_TEMP || tmpdir(),
    env,
  }).finally(() => core.endGroup());
  if (upload.status === "uploaded") {
    info(`Artifact ${name} (${upload.files.join(", ")}): ${upload.url ?? `id ${upload.id}`}`);
    return upload;
  }
  if (upload.status === "nothing") info(`No artifact: ${upload.reason}.`);
  else {
    core.warning(
      `Could not upload the journals as artifact ${name}: ${upload.reason}. The report has no journals link; ` +
        `the journals are at ${journalOutput(inputs, result, context, context.journalDir)}. ` +
        "Set upload-journals: false to skip the upload.",
    );
  }
  return undefined;
}

/** The report of a run that reached a verdict (or stopped at invalid experiments). */
export async function publish(
  inputs: ActionInputs,
  result: RunResult,
  context: PublishContext & { journalDir: string },
): Promise<void> {
  const { env, secrets } = context;
  const event = await readEvent(env);

  // The artifact first, JUnit in it: the report links the artifact.
  const junit = inputs.junitPath
    ? {
        path: resolve(context.cwd, inputs.junitPath),
        content: renderJUnit(result, { secrets: secrets.list() }),
      }
    : undefined;
  const artifact = await journalArtifact(inputs, result, junit, context);

  const repositoryPayload = event.payload.repository as { private?: boolean; html_url?: string } | undefined;
  const report: ReportContext = {
    commit: gatedCommit(event),
    repositoryUrl:
      repositoryPayload?.html_url ??
      (env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}`
        : undefined),
    runUrl: workflowRunUrl(env),
    journalUrl: artifact?.url,
    // Only private repositories see the API server's address.
    showServer: repositoryPayload?.private === true,
    secrets: secrets.list(),
    subtitle: inputs.commentKey,
  };
  // Rendered once per place, each within its own limit: the summary in bytes, the comment in
  // characters with room for its marker.
  const markdown = renderReport(result, { ...report, limit: { max: SUMMARY_LIMIT, unit: "bytes" } });
  const marker = commentMarker(stickyKey(inputs, env));
  const commentMarkdown = renderReport(result, {
    ...report,
    limit: { max: COMMENT_LIMIT - marker.length - 1, unit: "characters" },
  });

  for (const annotation of annotationsFor(result)) {
    const properties = {
      title: secrets.redact(annotation.title),
      file: annotation.file,
      startLine: annotation.startLine,
      startColumn: annotation.startColumn,
    };
    const message = secrets.redact(annotation.message);
    if (annotation.level === "error") core.error(message, properties);
    else if (annotation.level === "warning") core.warning(message, properties);
    else core.notice(message, properties);
  }

  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
  else info(markdown);

  if (junit) {
    await mkdir(dirname(junit.path), { recursive: true });
    await writeFile(junit.path, junit.content);
    info(`JUnit report written to ${junit.path}`);
  }

  const count = (verdicts: string[]) =>
    result.outcomes.filter((outcome) => verdicts.includes(outcome.verdict)).length;
  core.setOutput("verdict", result.verdict);
  core.setOutput("experiments", result.outcomes.length);
  core.setOutput("deviated", count(["deviated"]));
  core.setOutput("failed", count(["failed", "invalid"]));
  core.setOutput("journal-path", journalOutput(inputs, result, context, context.journalDir));
  core.setOutput("junit-path", junit?.path ?? "");
  core.setOutput("report", markdown);
  core.setOutput("artifact-id", artifact?.id ?? "");
  core.setOutput("artifact-url", artifact?.url ?? "");
  const held = result.verdict === "passed" || result.verdict === "skipped";
  core.setOutput("comment-url", (await comment(inputs, held, commentMarkdown, event, env)) ?? "");
}

/**
 * A run that broke before any verdict (bad inputs, cluster set-up, connection): the reason goes to the
 * job summary, and the comment says the run failed, so a pass from an earlier run is not left standing.
 */
export async function publishFailure(
  inputs: ActionInputs | undefined,
  error: unknown,
  context: PublishContext,
): Promise<void> {
  const { env, secrets } = context;
  core.setOutput("verdict", error instanceof ActionInputError ? "invalid" : "failed");
  const event = await readEvent(env);
  const details = { runUrl: workflowRunUrl(env), secrets: secrets.list(), subtitle: inputs?.commentKey };
  const markdown = renderRunFailure(errorMessage(error, { whole: true }), details);
  core.setOutput("report", markdown);
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(capReport(markdown, SUMMARY_LIMIT, undefined, "bytes")).write();
  }
  if (!inputs) return;
  // Only private repositories see the reason in the comment: it may quote the API server's address.
  const isPrivate = (event.payload.repository as { private?: boolean } | undefined)?.private === true;
  const body = isPrivate ? markdown : renderRunFailure(undefined, details);
  core.setOutput("comment-url", (await comment(inputs, false, body, event, env)) ?? "");
}

/** One line for the log and for setFailed: the gate's verdict and each experiment's reason. */
export function summaryLine(result: RunResult): string {
  const word = {
    passed: "held",
    deviated: "deviated",
    failed: "failed",
    invalid: "invalid",
    skipped: "skipped",
  };
  return `Chaos gate ${word[result.verdict]}: ${result.outcomes.map((outcome) => `${outcome.file} ${outcome.reason}`).join("; ") || "no experiment matched"}`;
}

// One sticky comment per pull request and key: a hidden marker names it, the bot's login proves it is
// ours, and later runs edit it in place. The client is passed in (an Octokit instance fits), so this
// module imports nothing from @actions and tests talk to a local HTTP server instead of GitHub.
//
// Whose comment is ours: the login `GET /user` returns for the token. Installation tokens (the
// workflow's GITHUB_TOKEN, GitHub Apps) may not read /user and answer 403; for them the author is
// `github-actions[bot]`, the login GITHUB_TOKEN comments under. /user is asked only when a marked
// comment exists, so a first run costs no extra call.
import { plainErrorMessage } from "../common/error-message.ts";
import { COMMENT_LIMIT, capReport } from "./budget.ts";

export interface GitHubResponse {
  status: number;
  data: unknown;
}

/** The part of Octokit this module uses; errors carry the HTTP `status`, as Octokit's RequestError does. */
export interface GitHubClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<GitHubResponse>;
}

export interface Repository {
  owner: string;
  repo: string;
}

export const GITHUB_ACTIONS_BOT = "github-actions[bot]";

/** Thrown when GitHub refuses (403): the caller warns and goes on, a comment never fails the gate. */
export class CommentForbiddenError extends Error {
  override name = "CommentForbiddenError";
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string; type?: string } | null;
}

interface PullRequest {
  number: number;
  state: string;
  head?: { sha?: string };
  merged_at?: string | null;
  merge_commit_sha?: string | null;
}

export interface GitHubEventLike {
  name: string;
  payload: Record<string, unknown>;
  sha: string;
}

const PAGE_SIZE = 100;

export function commentMarker(key: string): string {
  // A key must not end the HTML comment it sits in.
  const safe = key.replaceAll("--", "-").replaceAll(">", "").trim();
  return `<!-- chaos-action:${safe} -->`;
}

/**
 * The default key: workflow, job and step (two gating steps in one job keep their own comments),
 * plus the `comment-key` input (e.g. a matrix value: a JS action cannot see the matrix) when given.
 * The step is `GITHUB_ACTION`: the step's `id`, or a name GitHub makes from the action and its position.
 */
export function commentKey(parts: {
  workflow?: string;
  job?: string;
  step?: string;
  commentKey?: string;
}): string {
  const key = [parts.workflow, parts.job, parts.step, parts.commentKey].filter(
    (part) => part !== undefined && part !== "",
  );
  return key.length > 0 ? key.join("/") : "default";
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

async function call(client: GitHubClient, route: string, parameters: Record<string, unknown>) {
  try {
    return await client.request(route, parameters);
  } catch (error) {
    if (statusOf(error) === 403) {
      throw new CommentForbiddenError(
        `GitHub refused ${route.split(" ")[0]} on ${route.split(" ")[1]} (403: ${plainErrorMessage(error)}). ` +
          "Give the job `permissions: pull-requests: write`; pull requests from forks get a read-only token, " +
          "so their report is in the job summary only.",
      );
    }
    throw error;
  }
}

/**
 * The commit whose pull requests a run reports to: a deployment's commit, the head of the run that
 * triggered a `workflow_run`, a push's new head, else GITHUB_SHA. None for a scheduled run (it belongs to
 * no change) or a push that deleted a branch.
 */
export function reportedCommit(event: GitHubEventLike): string | undefined {
  if (event.name === "schedule") return undefined;
  const payload = event.payload as {
    deployment?: { sha?: string };
    workflow_run?: { head_sha?: string };
    after?: string;
  };
  const sha = payload.deployment?.sha ?? payload.workflow_run?.head_sha ?? payload.after ?? event.sha;
  return sha && !/^0+$/.test(sha) ? sha : undefined;
}

/**
 * Of the pull requests GitHub associates with a commit, those it reports to: the one merged as that
 * commit (a deploy after merge: merge, squash or rebase commit), else those whose head it is, open or
 * merged. A closed, unmerged pull request gets nothing; nor does one the commit merely passed through.
 */
export function pullRequestsOfCommit(pulls: readonly PullRequest[], sha: string): number[] {
  const mergedAs = pulls.filter((pull) => pull.merged_at && pull.merge_commit_sha === sha);
  if (mergedAs.length > 0) return mergedAs.map((pull) => pull.number);
  return pulls
    .filter((pull) => pull.head?.sha === sha && (pull.state === "open" || Boolean(pull.merged_at)))
    .map((pull) => pull.number);
}

/**
 * The pull requests a run reports to: the event's own, or for push / deployment_status / workflow_run /
 * workflow_dispatch (and any other event but schedule) those of the commit (pullRequestsOfCommit).
 */
export async function findPullRequests(
  client: GitHubClient,
  repository: Repository,
  event: GitHubEventLike,
): Promise<number[]> {
  const payload = event.payload as { pull_request?: { number?: number } };
  if (typeof payload.pull_request?.number === "number") return [payload.pull_request.number];
  const sha = reportedCommit(event);
  if (!sha) return [];
  const response = await call(client, "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
    ...repository,
    commit_sha: sha,
    per_page: PAGE_SIZE,
  });
  return pullRequestsOfCommit(Array.isArray(response.data) ? (response.data as PullRequest[]) : [], sha);
}

async function markedComments(client: GitHubClient, repository: Repository, issue: number, marker: string) {
  const found: IssueComment[] = [];
  for (let page = 1; ; page++) {
    const response = await call(client, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repository,
      issue_number: issue,
      per_page: PAGE_SIZE,
      page,
    });
    const comments = Array.isArray(response.data) ? (response.data as IssueComment[]) : [];
    found.push(...comments.filter((comment) => comment.body?.includes(marker)));
    if (comments.length < PAGE_SIZE) return found;
  }
}

/** The token's login, or `github-actions[bot]` for tokens that may not read /user. */
export async function tokenLogin(client: GitHubClient): Promise<string> {
  try {
    const response = await client.request("GET /user");
    const login = (response.data as { login?: unknown }).login;
    return typeof login === "string" ? login : GITHUB_ACTIONS_BOT;
  } catch (error) {
    const status = statusOf(error);
    if (status === 401 || status === 403 || status === 404) return GITHUB_ACTIONS_BOT;
    throw error;
  }
}

export interface StickyComment {
  repository: Repository;
  issueNumber: number;
  key: string;
  /** The report; capped to GitHub's limit together with the marker. */
  body: string;
  /** Where the full report is, named when the body had to be cut. */
  fullReportUrl?: string;
  /** False: only refresh a comment that exists (e.g. `comment: on-failure` after a pass). */
  create?: boolean;
}

export interface StickyCommentResult {
  action: "created" | "updated" | "skipped";
  url?: string;
}

export async function upsertStickyComment(
  client: GitHubClient,
  comment: StickyComment,
): Promise<StickyCommentResult> {
  const marker = commentMarker(comment.key);
  const body = `${marker}\n${capReport(comment.body, COMMENT_LIMIT - marker.length - 1, comment.fullReportUrl)}`;
  const marked = await markedComments(client, comment.repository, comment.issueNumber, marker);
  let ours: IssueComment | undefined;
  if (marked.length > 0) {
    const login = await tokenLogin(client);
    ours = marked.find((candidate) => candidate.user?.login === login);
  }
  if (ours) {
    const response = await call(client, "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...comment.repository,
      comment_id: ours.id,
      body,
    });
    return { action: "updated", url: (response.data as IssueComment).html_url ?? ours.html_url };
  }
  if (comment.create === false) return { action: "skipped" };
  const response = await call(client, "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...comment.repository,
    issue_number: comment.issueNumber,
    body,
  });
  return { action: "created", url: (response.data as IssueComment).html_url };
}

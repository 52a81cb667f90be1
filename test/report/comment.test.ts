import { getOctokit } from "@actions/github";
import { afterEach, describe, expect, it } from "vitest";
import {
  CommentForbiddenError,
  commentKey,
  commentMarker,
  findPullRequests,
  type GitHubClient,
  tokenLogin,
  upsertStickyComment,
} from "../../src/report/comment.ts";
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from "../e2e/github-api.ts";

const repository = { owner: "acme", repo: "shop" };
let github: FakeGitHub | undefined;

async function client(options: FakeGitHubOptions = {}): Promise<{ api: FakeGitHub; octokit: GitHubClient }> {
  github = await startFakeGitHub(options);
  const octokit = getOctokit("test-token", { baseUrl: github.url, request: { retries: 0 } });
  return { api: github, octokit };
}

afterEach(async () => {
  await github?.close();
  github = undefined;
});

describe("sticky comment", () => {
  it("creates a marked comment, then edits the same one in place", async () => {
    const { api, octokit } = await client();
    const first = await upsertStickyComment(octokit, {
      repository,
      issueNumber: 7,
      key: "gate/chaos",
      body: "one",
    });
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(octokit, {
      repository,
      issueNumber: 7,
      key: "gate/chaos",
      body: "two",
    });
    expect(second).toEqual({ action: "updated", url: first.url });
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toBe("<!-- chaos-action:gate/chaos -->\ntwo");
    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toContain(
      `PATCH /repos/acme/shop/issues/comments/${api.comments[0]?.id}`,
    );
  });

  it("ignores a comment carrying our marker from another author", async () => {
    const { api, octokit } = await client();
    api.comments.push({ id: 1, issue: 7, login: "someone", body: `${commentMarker("gate/chaos")}\nquoted` });
    const result = await upsertStickyComment(octokit, {
      repository,
      issueNumber: 7,
      key: "gate/chaos",
      body: "ours",
    });
    expect(result.action).toBe("created");
    expect(api.comments.find((comment) => comment.id === 1)?.body).toContain("quoted");
  });

  it("keeps one comment per key, so matrix legs do not overwrite each other", async () => {
    const { api, octokit } = await client();
    await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "gate/chaos/1.31", body: "a" });
    await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "gate/chaos/1.32", body: "b" });
    expect(api.comments).toHaveLength(2);
  });

  it("pages through long discussions to find its comment", async () => {
    const { api, octokit } = await client();
    for (let id = 1; id <= 230; id++)
      api.comments.push({ id, issue: 7, login: "someone", body: `chatter ${id}` });
    api.comments.push({
      id: 500,
      issue: 7,
      login: "github-actions[bot]",
      body: `${commentMarker("k")}\nold`,
    });
    const result = await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "k", body: "new" });
    expect(result.action).toBe("updated");
    const pages = api.requests.filter((request) => request.path.endsWith("/issues/7/comments"));
    expect(pages.map((request) => request.query.page)).toEqual(["1", "2", "3"]);
  });

  it("matches the token's own login when /user answers (a personal token)", async () => {
    const { api, octokit } = await client({ userLogin: "release-bot", commenter: "release-bot" });
    api.comments.push({ id: 1, issue: 7, login: "github-actions[bot]", body: `${commentMarker("k")}\nold` });
    await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "k", body: "mine" });
    await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "k", body: "mine again" });
    expect(api.comments.map((comment) => [comment.login, comment.body.split("\n")[1]])).toEqual([
      ["github-actions[bot]", "old"],
      ["release-bot", "mine again"],
    ]);
    expect(await tokenLogin(octokit)).toBe("release-bot");
  });

  it("only refreshes an existing comment when told not to create one", async () => {
    const { api, octokit } = await client();
    const result = await upsertStickyComment(octokit, {
      repository,
      issueNumber: 7,
      key: "k",
      body: "x",
      create: false,
    });
    expect(result).toEqual({ action: "skipped" });
    expect(api.comments).toHaveLength(0);
  });

  it("caps the body at GitHub's limit with a link to the job summary", async () => {
    const { api, octokit } = await client();
    const body = `${"line of report\n".repeat(6000)}`;
    const url = "https://github.com/acme/shop/actions/runs/9";
    await upsertStickyComment(octokit, { repository, issueNumber: 7, key: "k", body, fullReportUrl: url });
    expect(api.comments[0]?.body.length).toBeLessThanOrEqual(65_536);
    expect(api.comments[0]?.body).toContain(url);
  });

  it("turns a 403 into an error naming the permission", async () => {
    const { octokit } = await client({ forbidWrites: true });
    const attempt = upsertStickyComment(octokit, { repository, issueNumber: 7, key: "k", body: "x" });
    await expect(attempt).rejects.toBeInstanceOf(CommentForbiddenError);
    await expect(attempt).rejects.toThrow(/pull-requests: write/);
  });
});

describe("findPullRequests", () => {
  const sha = "3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

  it("takes the pull request of a pull_request event without asking GitHub", async () => {
    const { api, octokit } = await client();
    const numbers = await findPullRequests(octokit, repository, {
      name: "pull_request",
      payload: { pull_request: { number: 12 } },
      sha,
    });
    expect(numbers).toEqual([12]);
    expect(api.requests).toHaveLength(0);
  });

  it("finds the open pull requests whose head is the deployed commit", async () => {
    const { octokit } = await client({
      pullsByCommit: {
        [sha]: [
          { number: 3, state: "open", head: { sha } },
          { number: 4, state: "closed", head: { sha } },
          { number: 5, state: "open", head: { sha: "0123abc" } },
        ],
      },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "deployment_status",
      payload: { deployment: { sha } },
      sha: "ignored",
    });
    expect(numbers).toEqual([3]);
  });

  it("finds the open pull request of a pushed commit, asking for the pushed head", async () => {
    const { api, octokit } = await client({
      pullsByCommit: { [sha]: [{ number: 8, state: "open", head: { sha } }] },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "push",
      payload: { after: sha },
      sha: "0000000000000000000000000000000000000001",
    });
    expect(numbers).toEqual([8]);
    expect(api.requests.map((request) => request.path)).toEqual([`/repos/acme/shop/commits/${sha}/pulls`]);
  });

  it("finds the open pull request of the commit a workflow_run ran on", async () => {
    const { api, octokit } = await client({
      pullsByCommit: { [sha]: [{ number: 9, state: "open", head: { sha } }] },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "workflow_run",
      payload: { workflow_run: { head_sha: sha } },
      sha: "0000000000000000000000000000000000000001",
    });
    expect(numbers).toEqual([9]);
    expect(api.requests.map((request) => request.path)).toEqual([`/repos/acme/shop/commits/${sha}/pulls`]);
  });

  const merge = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
  const mergedAt = "2026-12-06T21:14:00Z";

  it("reports a push to the default branch to the pull request merged as that commit, not to an open one", async () => {
    const { api, octokit } = await client({
      pullsByCommit: {
        [merge]: [
          { number: 21, state: "open", head: { sha: merge } },
          { number: 20, state: "closed", head: { sha }, merged_at: mergedAt, merge_commit_sha: merge },
        ],
      },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "push",
      payload: { after: merge, ref: "refs/heads/main" },
      sha: merge,
    });
    expect(numbers).toEqual([20]);
    expect(api.requests.map((request) => request.path)).toEqual([`/repos/acme/shop/commits/${merge}/pulls`]);
  });

  it("reports a deploy after merge (deployment_status) to the merged pull request of the deployed commit", async () => {
    const { octokit } = await client({
      pullsByCommit: {
        [merge]: [
          { number: 20, state: "closed", head: { sha }, merged_at: mergedAt, merge_commit_sha: merge },
        ],
      },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "deployment_status",
      payload: { deployment: { sha: merge } },
      sha: merge,
    });
    expect(numbers).toEqual([20]);
  });

  it("falls back to the merged pull request whose head is the commit (a deploy of its head after the merge)", async () => {
    const { octokit } = await client({
      pullsByCommit: {
        [sha]: [
          { number: 20, state: "closed", head: { sha }, merged_at: mergedAt, merge_commit_sha: merge },
          { number: 19, state: "closed", head: { sha }, merged_at: null, merge_commit_sha: "1".repeat(40) },
        ],
      },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "deployment_status",
      payload: { deployment: { sha } },
      sha,
    });
    expect(numbers).toEqual([20]);
  });

  it("reports to none when the commit only passed through a merged pull request", async () => {
    const { octokit } = await client({
      pullsByCommit: {
        [sha]: [
          {
            number: 20,
            state: "closed",
            head: { sha: "2".repeat(40) },
            merged_at: mergedAt,
            merge_commit_sha: merge,
          },
        ],
      },
    });
    expect(
      await findPullRequests(octokit, repository, { name: "push", payload: { after: sha }, sha }),
    ).toEqual([]);
  });

  it("looks up GITHUB_SHA for workflow_dispatch", async () => {
    const { api, octokit } = await client({
      pullsByCommit: {
        [merge]: [
          { number: 20, state: "closed", head: { sha }, merged_at: mergedAt, merge_commit_sha: merge },
        ],
      },
    });
    const numbers = await findPullRequests(octokit, repository, {
      name: "workflow_dispatch",
      payload: { ref: "refs/heads/main" },
      sha: merge,
    });
    expect(numbers).toEqual([20]);
    expect(api.requests).toHaveLength(1);
  });

  it("asks nothing for a scheduled run: it belongs to no change", async () => {
    const { api, octokit } = await client({
      pullsByCommit: {
        [merge]: [
          { number: 20, state: "closed", head: { sha }, merged_at: mergedAt, merge_commit_sha: merge },
        ],
      },
    });
    expect(
      await findPullRequests(octokit, repository, { name: "schedule", payload: {}, sha: merge }),
    ).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it("asks nothing for a push that deleted a branch", async () => {
    const { api, octokit } = await client();
    const deleted = { name: "push", payload: { after: "0".repeat(40) }, sha: "0".repeat(40) };
    expect(await findPullRequests(octokit, repository, deleted)).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it("finds none for a scheduled run on a commit without pull requests", async () => {
    const { octokit } = await client();
    expect(await findPullRequests(octokit, repository, { name: "schedule", payload: {}, sha })).toEqual([]);
  });
});

describe("comment keys", () => {
  it("combine workflow, job and the comment-key input", () => {
    expect(commentKey({ workflow: "deploy", job: "gate", commentKey: "eu-1" })).toBe("deploy/gate/eu-1");
    expect(commentKey({})).toBe("default");
  });

  it("include the step, so two gating steps in one job keep their own comments", () => {
    expect(commentKey({ workflow: "deploy", job: "gate", step: "canary" })).toBe("deploy/gate/canary");
    expect(
      commentKey({ workflow: "deploy", job: "gate", step: "__acme_chaos-action_2", commentKey: "eu-1" }),
    ).toBe("deploy/gate/__acme_chaos-action_2/eu-1");
  });

  it("cannot close the HTML comment they live in", () => {
    expect(commentMarker("a-->b")).toBe("<!-- chaos-action:a-b -->");
  });
});

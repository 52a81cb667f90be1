// Which pull request a run's report reaches, per event, through the action's main step with GitHub's
// REST API played by a local recording server: a deploy after merge reports to the merged pull request,
// a run that belongs to none says so in the log and keeps the report in the job summary.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../e2e/github-api.ts";
import { runStep } from "./action-step.ts";

const savedEnv = { ...process.env };
const savedCwd = process.cwd();
let work: string;
let repo: string;
let github: FakeGitHub | undefined;

const head = "3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const merge = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
const merged = {
  number: 20,
  state: "closed",
  head: { sha: head },
  merged_at: "2026-12-06T21:14:00Z",
  merge_commit_sha: merge,
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "action-report-target-"));
  repo = await mkdtemp(join(work, "repo-"));
  await writeFile(
    join(repo, "holds.yaml"),
    'title: Holds\ndescription: d\nmethod:\n  - type: action\n    name: nothing\n    provider:\n      type: process\n      path: "true"\n',
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  process.chdir(savedCwd);
  vi.restoreAllMocks();
  await github?.close();
  github = undefined;
});

async function gate(event: { name: string; payload: object }, sha: string) {
  if (!github) throw new Error("start the fake GitHub first");
  return runStep(
    work,
    repo,
    {
      experiments: "holds.yaml",
      comment: "always",
      "github-token": "ghs_report-target",
    },
    { GITHUB_API_URL: github.url, GITHUB_SHA: sha },
    event,
  );
}

describe("the pull request a report reaches", () => {
  it("is the one merged as the pushed commit after a merge to the default branch", async () => {
    github = await startFakeGitHub({ pullsByCommit: { [merge]: [merged] } });
    const result = await gate({ name: "push", payload: { ref: "refs/heads/main", after: merge } }, merge);
    expect(result.outputs.verdict).toBe("passed");
    expect(github.comments.map((comment) => comment.issue)).toEqual([20]);
    expect(result.log).toContain("Report comment created on #20");
    expect(result.outputs["comment-url"]).toContain("/pull/20#issuecomment-");
  });

  it("is the merged one for a deployment_status of the merge commit", async () => {
    github = await startFakeGitHub({ pullsByCommit: { [merge]: [merged] } });
    const result = await gate(
      {
        name: "deployment_status",
        payload: { deployment: { sha: merge }, deployment_status: { state: "success" } },
      },
      merge,
    );
    expect(github.comments.map((comment) => comment.issue)).toEqual([20]);
    expect(result.summary).toContain("Chaos gate: the system held");
  });

  it("is none for a commit no pull request holds: the log says so, the report is in the job summary", async () => {
    github = await startFakeGitHub();
    const result = await gate({ name: "push", payload: { after: merge } }, merge);
    expect(result.log).toContain(
      "::notice::No pull request was merged as commit 9e8d7c6 or has it as its head (push): the report is in the job summary only.",
    );
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repos/acme/shop/commits/${merge}/pulls`,
    ]);
    expect(result.summary).toContain("Chaos gate: the system held");
  });

  it("is none for a scheduled run, without asking GitHub", async () => {
    github = await startFakeGitHub({ pullsByCommit: { [merge]: [merged] } });
    const result = await gate({ name: "schedule", payload: { schedule: "17 3 * * *" } }, merge);
    expect(result.log).toContain(
      "::notice::A scheduled run belongs to no pull request: the report is in the job summary only.",
    );
    expect(github.requests).toEqual([]);
    expect(github.comments).toEqual([]);
  });
});

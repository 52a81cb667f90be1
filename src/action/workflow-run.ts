// Where this workflow run is on GitHub (GitHub Enterprise Cloud hosts included): the report's link to
// the job summary, and the base of an artifact's download link.

/** The workflow run's page, or undefined outside a GitHub Actions run. */
export function workflowRunUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

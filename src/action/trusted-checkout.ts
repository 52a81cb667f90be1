// Untrusted code: on `pull_request_target` and `workflow_run` the job holds the repository's secrets
// (the deploy credentials), yet its checkout may hold a pull request's files, e.g. when the workflow
// checks out `github.event.pull_request.head.sha`. Experiments run commands (`process`,
// `exec_in_pods`), create objects from spec files and delete things: a pull request could make the job
// run anything with those credentials. There, the experiments, var files, manifests and every file they
// name are read from the workflow's own commit (GITHUB_SHA: the base branch, or the default branch for
// `workflow_run`), exported from git into a directory of their own, unless the workflow says with
// `trust-checked-out-experiments: true` that its checkout is safe.
import { execFile, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

/** Events whose runs have the base repository's secrets while their checkout may be a pull request's. */
export const UNTRUSTED_EVENTS = ["pull_request_target", "workflow_run"] as const;

export type ExperimentSource =
  | { kind: "checkout" }
  | {
      kind: "commit";
      event: string;
      /** The commit whose files are trusted. */
      sha: string;
    };

export class TrustedCommitError extends Error {
  override name = "TrustedCommitError";
}

const untrustedFix =
  "or, if this job's checkout cannot hold a pull request's files, set `trust-checked-out-experiments: true`";

/** Pure: where the run reads its files from, for this event and the trust input. */
export function experimentSource(
  event: { name: string; payload: Record<string, unknown>; sha: string },
  trustCheckout: boolean,
): ExperimentSource {
  if (trustCheckout || !(UNTRUSTED_EVENTS as readonly string[]).includes(event.name)) {
    return { kind: "checkout" };
  }
  const pull = event.payload.pull_request as { base?: { sha?: unknown } } | undefined;
  const sha = event.sha || (typeof pull?.base?.sha === "string" ? pull.base.sha : "");
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) {
    throw new TrustedCommitError(
      `On ${event.name} the experiments are read from the workflow's own commit, but GITHUB_SHA names none${sha ? ` ("${sha}")` : ""}; ${untrustedFix}.`,
    );
  }
  return { kind: "commit", event: event.name, sha };
}

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<boolean> {
  try {
    await run("git", ["-C", cwd, ...args], { timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the files of `sha` into `into`: from the checkout's repository at `cwd`, fetching the one
 * commit from `origin` when a shallow checkout of the pull request lacks it.
 */
export async function exportCommit(cwd: string, sha: string, into: string): Promise<void> {
  const commit = `${sha}^{commit}`;
  if (!(await git(cwd, ["cat-file", "-e", commit]))) {
    await git(cwd, ["fetch", "--no-tags", "--depth=1", "origin", sha]);
    if (!(await git(cwd, ["cat-file", "-e", commit]))) {
      throw new TrustedCommitError(
        `Cannot read the experiments from commit ${sha}: it is not in the git repository at ${cwd}, and fetching it from origin failed. Check out the repository (actions/checkout) before this step, ${untrustedFix}.`,
      );
    }
  }
  await mkdir(into, { recursive: true });
  const archive = spawn("git", ["-C", cwd, "archive", "--format=tar", sha], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const extract = spawn("tar", ["-x", "-f", "-", "-C", into], { stdio: ["pipe", "ignore", "pipe"] });
  archive.stdout.pipe(extract.stdin);
  let errors = "";
  const exited = (child: typeof archive | typeof extract) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    return new Promise<number | null>((resolve) => {
      child.on("error", (error) => {
        errors += `${error.message}\n`;
        resolve(null);
      });
      child.on("close", resolve);
    });
  };
  const codes = await Promise.all([exited(archive), exited(extract)]);
  if (codes.some((code) => code !== 0)) {
    throw new TrustedCommitError(
      `Cannot export commit ${sha} from ${cwd}: ${errors.trim() || "git archive failed"}`,
    );
  }
}

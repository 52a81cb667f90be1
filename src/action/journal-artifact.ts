// The run's journals (and its JUnit file) as one workflow artifact, so the report can link them.
// Only the run's own files go in, copied into a fresh directory with every secret masked once more:
// a `journal-path` of the user's may be a directory holding other files, and uploading it whole would
// publish them. @actions/artifact (and the Azure SDK behind it) is imported only when uploading; the
// CLI never loads it. An upload that cannot happen or fails is the caller's warning, never a failed gate.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { errorMessage } from "../common/error-message.ts";
import { randomHex } from "../common/random-id.ts";
import type { SecretRegistry } from "../run/secrets.ts";
import { workflowRunUrl } from "./workflow-run.ts";

/** What the results service refuses in an artifact's name (NTFS, paths). */
const FORBIDDEN_IN_NAME = /["<>|*?:\\/\r\n]/g;

/** How long the upload may take before the report goes out without its link. */
const UPLOAD_BOUND_MS = 120_000;

/** Why `name` cannot name an artifact, or undefined when it can. */
export function artifactNameProblem(name: string): string | undefined {
  const found = [...new Set(name.match(FORBIDDEN_IN_NAME) ?? [])];
  if (found.length === 0) return undefined;
  const shown = found.map((character) => JSON.stringify(character)).join(" ");
  return `artifact-name: "${name}" holds ${shown}; an artifact name may not contain " : < > | * ? \\ / or line breaks`;
}

/**
 * The default name: unique within the workflow run, as artifact names must be. Job, step (its id) and
 * attempt tell gating steps and re-runs apart; a JS action cannot see the matrix, so `comment-key`
 * names a matrix leg when given, and `suffix` (random) keeps legs without one from colliding.
 */
export function defaultArtifactName(
  env: Readonly<Record<string, string | undefined>>,
  commentKey: string | undefined,
  suffix: string,
): string {
  const parts = [
    "chaos-journals",
    env.GITHUB_JOB,
    env.GITHUB_ACTION,
    commentKey,
    env.GITHUB_RUN_ATTEMPT ? `attempt-${env.GITHUB_RUN_ATTEMPT}` : undefined,
    suffix,
  ];
  return parts
    .filter((part) => part !== undefined && part !== "")
    .join("-")
    .replace(FORBIDDEN_IN_NAME, "_");
}

/** A random suffix for defaultArtifactName. */
export function randomSuffix(): string {
  return randomHex(3);
}

/** Where an artifact of this workflow run is downloaded from. */
export function artifactUrl(
  env: Readonly<Record<string, string | undefined>>,
  id: number,
): string | undefined {
  const run = workflowRunUrl(env);
  return run === undefined ? undefined : `${run}/artifacts/${id}`;
}

/**
 * Why no upload can be tried here, or undefined: outside a GitHub Actions runner the results service
 * is unknown, and GitHub Enterprise Server has no v2 artifacts (@actions/artifact refuses it too).
 */
export function uploadUnavailable(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    return "ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set (not a GitHub Actions runner)";
  }
  const host = hostOf(env.GITHUB_SERVER_URL || "https://github.com");
  if (host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost")) {
    return `${host} looks like GitHub Enterprise Server, where @actions/artifact cannot upload`;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

/** A file of the artifact: its name in the archive and its text. */
export interface ArtifactFile {
  name: string;
  content: string;
}

/**
 * The archive's files: each journal under its own file name (re-masked as a value, so keys and numbers
 * stay intact), then the JUnit report. A name taken twice gets a number.
 */
export function artifactFiles(
  journals: ReadonlyArray<{ path: string; journal: unknown }>,
  junit: { path: string; content: string } | undefined,
  secrets: SecretRegistry,
): ArtifactFile[] {
  const files: ArtifactFile[] = journals.map(({ path, journal }) => ({
    name: basename(path),
    content: `${JSON.stringify(secrets.redactValue(journal), null, 2)}\n`,
  }));
  if (junit) files.push({ name: basename(junit.path), content: junit.content });
  const taken = new Set<string>();
  return files.map((file) => {
    let name = file.name;
    const extension = extname(name);
    for (let copy = 2; taken.has(name); copy++)
      name = `${basename(file.name, extension)}-${copy}${extension}`;
    taken.add(name);
    return { ...file, name };
  });
}

export interface JournalArtifact {
  name: string;
  /** Journal files the run wrote. */
  journalPaths: readonly string[];
  /** The JUnit report: where the action writes it (its name in the archive) and its text. */
  junit?: { path: string; content: string };
  secrets: SecretRegistry;
  /** Where the files are staged (RUNNER_TEMP). */
  tempDir: string;
  env: Readonly<Record<string, string | undefined>>;
}

export type ArtifactUpload =
  | { status: "uploaded"; id: number; url?: string; files: string[] }
  | { status: "nothing"; reason: string }
  | { status: "failed"; reason: string };

/** Uploads the run's journals and JUnit report as one artifact. Never throws. */
export async function uploadJournalArtifact(request: JournalArtifact): Promise<ArtifactUpload> {
  let staging: string | undefined;
  try {
    const journals = await Promise.all(
      request.journalPaths.map(async (path) => ({
        path,
        journal: JSON.parse(await readFile(path, "utf8")) as unknown,
      })),
    );
    const files = artifactFiles(journals, request.junit, request.secrets);
    if (files.length === 0) return { status: "nothing", reason: "the run wrote no journal" };
    const unavailable = uploadUnavailable(request.env);
    if (unavailable) return { status: "failed", reason: unavailable };
    staging = await mkdtemp(join(request.tempDir, "chaos-action-artifact-"));
    for (const file of files) await writeFile(join(staging, file.name), file.content, { mode: 0o600 });
    const root = staging;
    const { DefaultArtifactClient } = await import("@actions/artifact");
    const upload = new DefaultArtifactClient().uploadArtifact(
      request.name,
      files.map((file) => join(root, file.name)),
      root,
    );
    const { id } = await bounded(upload, UPLOAD_BOUND_MS);
    if (id === undefined) return { status: "failed", reason: "the results service returned no artifact id" };
    return {
      status: "uploaded",
      id,
      url: artifactUrl(request.env, id),
      files: files.map((file) => file.name),
    };
  } catch (error) {
    return { status: "failed", reason: request.secrets.redact(errorMessage(error, { whole: true })) };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

/** The upload, or an error once `ms` have passed (the upload itself cannot be cancelled). */
async function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the upload did not finish within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

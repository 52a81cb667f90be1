// A throwaway kind cluster for `cluster: kind`: find kind (PATH, the tool cache, or a download of the
// pinned release verified by sha256), create the cluster, read its kubeconfig, delete it afterwards.
// The downloader is passed in (@actions/tool-cache fits), so only the entry point imports @actions.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";

export const PINNED_KIND_VERSION = "v0.32.0";

/** sha256 of the v0.32.0 release binaries, as published beside them (`kind-<os>-<arch>.sha256sum`). */
const PINNED_SHA256: Record<string, string> = {
  "linux-amd64": "50030de23cf40a18505f20426f6a8506bedf13c6e509244bd1fa9463721b0f54",
  "linux-arm64": "b92cd615e97585de8ddade28ed5cd7feb4248d717c233eea5b03c37298900f5d",
  "darwin-amd64": "295ac6d0d634c9819c9907df45e3017d1f13166bd13c3404c45e79f7faa47498",
  "darwin-arm64": "dca67911095a110c2b5c36e26df6cac860c602033e456c0db47be498cdef1ebb",
};

export const KIND_RELEASES_URL = "https://github.com/kubernetes-sigs/kind/releases/download";

export class KindError extends Error {
  override name = "KindError";
}

/** What @actions/tool-cache offers, and all this module needs of it. */
export interface ToolCache {
  find(toolName: string, versionSpec: string, arch?: string): string;
  downloadTool(url: string): Promise<string>;
  cacheFile(
    sourceFile: string,
    targetFile: string,
    toolName: string,
    version: string,
    arch?: string,
  ): Promise<string>;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export interface KindBinary {
  path: string;
  /** The requested version, or "PATH" when kind came from PATH. */
  version: string;
  source: "PATH" | "tool cache" | "download";
}

export interface FindKindOptions {
  /** An exact release tag; absent means "kind from PATH, else the pinned release". */
  version?: string;
  toolCache: ToolCache;
  log: Log;
  /** Defaults to process.env.PATH, process.platform, process.arch and GitHub's release URL. */
  searchPath?: string;
  platform?: string;
  arch?: string;
  releasesUrl?: string;
  /** Reads the published checksum of a release that is not pinned. */
  fetchText?: (url: string) => Promise<string>;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(searchPath: string, name: string): Promise<string | undefined> {
  for (const directory of searchPath.split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function kindPlatform(platform: string, arch: string): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "amd64" : arch;
  if (!["linux", "darwin"].includes(os) || !["amd64", "arm64"].includes(cpu)) {
    throw new KindError(
      `cluster: kind supports Linux and macOS on amd64 or arm64 runners, not ${platform}/${arch}`,
    );
  }
  return `${os}-${cpu}`;
}

async function sha256Of(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

async function defaultFetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new KindError(`could not read ${url}: HTTP ${response.status}`);
  return response.text();
}

async function expectedChecksum(version: string, target: string, url: string, options: FindKindOptions) {
  const pinned = version === PINNED_KIND_VERSION ? PINNED_SHA256[target] : undefined;
  if (pinned) return pinned;
  options.log.warn(
    `kind ${version} is not the release this action pins (${PINNED_KIND_VERSION}); verifying it against the checksum published with it`,
  );
  const published = (await (options.fetchText ?? defaultFetchText)(`${url}.sha256sum`))
    .trim()
    .split(/\s+/)[0];
  if (!published || !/^[0-9a-f]{64}$/.test(published)) {
    throw new KindError(`the checksum published at ${url}.sha256sum is not a sha256 digest`);
  }
  return published;
}

/** kind from PATH (unless a version is asked for), else the tool cache, else a verified download. */
export async function findKind(options: FindKindOptions): Promise<KindBinary> {
  if (options.version === undefined) {
    const found = await onPath(options.searchPath ?? process.env.PATH ?? "", "kind");
    if (found) {
      options.log.info(`Using kind from PATH: ${found}`);
      return { path: found, version: "PATH", source: "PATH" };
    }
  }
  const version = options.version ?? PINNED_KIND_VERSION;
  const target = kindPlatform(options.platform ?? process.platform, options.arch ?? process.arch);
  const arch = target.split("-")[1];
  const cached = options.toolCache.find("kind", version.replace(/^v/, ""), arch);
  if (cached) {
    options.log.info(`Using kind ${version} from the tool cache: ${cached}`);
    return { path: join(cached, "kind"), version, source: "tool cache" };
  }
  const url = `${options.releasesUrl ?? KIND_RELEASES_URL}/${version}/kind-${target}`;
  options.log.info(`Downloading kind ${version} from ${url}`);
  const expected = await expectedChecksum(version, target, url, options);
  const downloaded = await options.toolCache.downloadTool(url);
  const actual = await sha256Of(downloaded);
  if (actual !== expected) {
    throw new KindError(
      `the kind binary downloaded from ${url} has sha256 ${actual}, expected ${expected}: refusing to run it`,
    );
  }
  await chmod(downloaded, 0o755);
  const directory = await options.toolCache.cacheFile(
    downloaded,
    "kind",
    "kind",
    version.replace(/^v/, ""),
    arch,
  );
  options.log.info(`kind ${version} verified (sha256 ${actual})`);
  return { path: join(directory, "kind"), version, source: "download" };
}

interface Run {
  stdout: string;
  stderr: string;
}

/** Runs kind, streaming its progress (stderr) to the log. */
export function runKind(
  kind: string,
  args: readonly string[],
  log?: Log,
  signal?: AbortSignal,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(kind, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      for (const line of chunk.split("\n")) if (line.trim() !== "") log?.info(line.trimEnd());
    });
    child.on("error", (error) =>
      reject(new KindError(`could not run ${kind} ${args.join(" ")}: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = stderr.trim().split("\n").slice(-5).join("\n");
        reject(new KindError(`${kind} ${args.join(" ")} exited with ${code}${tail ? `:\n${tail}` : ""}`));
      }
    });
  });
}

export interface CreateKindClusterOptions {
  kind: string;
  name: string;
  /** A kind config file (nodes, Kubernetes image, port mappings). */
  config?: string;
  /** The node image of every node (`kind create cluster --image`), over the config's images. */
  image?: string;
  /** How long kind waits for the control plane, in seconds. */
  waitSeconds?: number;
  log?: Log;
  signal?: AbortSignal;
}

export async function kindClusterExists(kind: string, name: string): Promise<boolean> {
  const { stdout } = await runKind(kind, ["get", "clusters"]);
  return stdout.split(/\r?\n/).some((line) => line.trim() === name);
}

/** Creates the cluster and returns its kubeconfig (context `kind-<name>`). */
export async function createKindCluster(options: CreateKindClusterOptions): Promise<string> {
  const args = ["create", "cluster", "--name", options.name, "--wait", `${options.waitSeconds ?? 180}s`];
  if (options.config) args.push("--config", options.config);
  if (options.image) args.push("--image", options.image);
  await runKind(options.kind, args, options.log, options.signal);
  const { stdout } = await runKind(options.kind, ["get", "kubeconfig", "--name", options.name]);
  if (!stdout.includes("clusters:")) {
    throw new KindError(`kind get kubeconfig --name ${options.name} printed no kubeconfig`);
  }
  return stdout;
}

export async function deleteKindCluster(kind: string, name: string, log?: Log): Promise<void> {
  await runKind(kind, ["delete", "cluster", "--name", name], log);
}

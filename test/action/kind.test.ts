import { createHash } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createKindCluster,
  deleteKindCluster,
  findKind,
  KindError,
  kindClusterExists,
  kindPlatform,
  PINNED_KIND_VERSION,
  type ToolCache,
} from "../../src/kubernetes/kind.ts";

// A stand-in for the kind binary: records its arguments and keeps "clusters" in a file.
const FAKE_KIND = `#!/usr/bin/env bash
set -euo pipefail
state="$(dirname "$0")/clusters"
echo "$*" >> "$(dirname "$0")/calls"
touch "$state"
case "$1 $2" in
  "get clusters") cat "$state" ;;
  "create cluster")
    echo "Creating cluster \\"$4\\" ..." >&2
    if [ "$4" = "broken" ]; then echo "ERROR: failed to create cluster: docker is not running" >&2; exit 1; fi
    echo "$4" >> "$state" ;;
  "delete cluster") grep -vx "$4" "$state" > "$state.new" || true; mv "$state.new" "$state" ;;
  "get kubeconfig")
    printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: kind-%s\\n  cluster: {server: "https://127.0.0.1:6443"}\\ncurrent-context: kind-%s\\n' "$4" "$4" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;

const log = {
  lines: [] as string[],
  info(m: string) {
    this.lines.push(m);
  },
  warn(m: string) {
    this.lines.push(`warn: ${m}`);
  },
};
let dir: string;
let server: Server | undefined;
const saved = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kind-test-"));
  log.lines = [];
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  process.env = { ...saved };
  await rm(dir, { recursive: true, force: true });
});

async function fakeKindOnPath(): Promise<string> {
  const bin = join(dir, "bin");
  await import("node:fs/promises").then((fs) => fs.mkdir(bin));
  await writeFile(join(bin, "kind"), FAKE_KIND);
  await chmod(join(bin, "kind"), 0o755);
  return bin;
}

async function releaseServer(files: Record<string, Buffer | string>): Promise<string> {
  server = createServer((request, response) => {
    const body = files[request.url ?? ""];
    if (body === undefined) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases`;
}

async function realToolCache(): Promise<ToolCache> {
  process.env.RUNNER_TOOL_CACHE = join(dir, "tool-cache");
  process.env.RUNNER_TEMP = join(dir, "runner-temp");
  return await import("@actions/tool-cache");
}

describe("finding kind", () => {
  it("uses kind from PATH when no version is asked for", async () => {
    const bin = await fakeKindOnPath();
    const found = await findKind({
      toolCache: await realToolCache(),
      log,
      searchPath: `/nonexistent:${bin}`,
    });
    expect(found).toEqual({ path: join(bin, "kind"), version: "PATH", source: "PATH" });
  });

  it("downloads a release, verifies it against its published sha256 and caches it", async () => {
    const binary = Buffer.from(FAKE_KIND);
    const digest = createHash("sha256").update(binary).digest("hex");
    const releases = await releaseServer({
      "/releases/v0.29.0/kind-linux-amd64": binary,
      "/releases/v0.29.0/kind-linux-amd64.sha256sum": `${digest}  kind-linux-amd64\n`,
    });
    const toolCache = await realToolCache();
    const options = {
      version: "v0.29.0",
      toolCache,
      log,
      platform: "linux",
      arch: "x64",
      releasesUrl: releases,
    };
    const found = await findKind(options);
    expect(found.source).toBe("download");
    expect(await readFile(found.path, "utf8")).toBe(FAKE_KIND);
    expect(log.lines.join("\n")).toContain(`sha256 ${digest}`);
    expect(log.lines.join("\n")).toContain(`not the release this action pins (${PINNED_KIND_VERSION})`);
    const again = await findKind(options);
    expect(again).toEqual({ ...found, source: "tool cache" });
  });

  it("refuses a binary whose checksum does not match", async () => {
    const releases = await releaseServer({
      "/releases/v0.29.0/kind-linux-arm64": "tampered",
      "/releases/v0.29.0/kind-linux-arm64.sha256sum": `${"0".repeat(64)}  kind-linux-arm64\n`,
    });
    const attempt = findKind({
      version: "v0.29.0",
      toolCache: await realToolCache(),
      log,
      platform: "linux",
      arch: "arm64",
      releasesUrl: releases,
    });
    await expect(attempt).rejects.toBeInstanceOf(KindError);
    await expect(attempt).rejects.toThrow(/expected 0{64}: refusing to run it/);
  });

  it("checks the pinned release against the checksum built into the action, not a downloaded one", async () => {
    const releases = await releaseServer({
      [`/releases/${PINNED_KIND_VERSION}/kind-linux-amd64`]: "not kind",
    });
    const attempt = findKind({
      toolCache: await realToolCache(),
      log,
      searchPath: "",
      platform: "linux",
      arch: "x64",
      releasesUrl: releases,
    });
    await expect(attempt).rejects.toThrow(
      /expected 50030de23cf40a18505f20426f6a8506bedf13c6e509244bd1fa9463721b0f54/,
    );
  });

  it("names the platforms it supports", () => {
    expect(kindPlatform("darwin", "arm64")).toBe("darwin-arm64");
    expect(() => kindPlatform("win32", "x64")).toThrow(/Linux and macOS on amd64 or arm64/);
  });
});

describe("kind clusters", () => {
  it("creates a cluster with its config, reads its kubeconfig, and deletes it", async () => {
    const kind = join(await fakeKindOnPath(), "kind");
    const kubeconfig = await createKindCluster({
      kind,
      name: "gate",
      config: "kind.yaml",
      waitSeconds: 60,
      log,
    });
    expect(kubeconfig).toContain("current-context: kind-gate");
    expect(await kindClusterExists(kind, "gate")).toBe(true);
    expect(log.lines).toContain('Creating cluster "gate" ...');
    await deleteKindCluster(kind, "gate", log);
    expect(await kindClusterExists(kind, "gate")).toBe(false);
    const calls = (await readFile(join(dir, "bin", "calls"), "utf8")).trim().split("\n");
    expect(calls).toContain("create cluster --name gate --wait 60s --config kind.yaml");
    expect(calls).toContain("delete cluster --name gate");
  });

  it("reports kind's own error when creation fails", async () => {
    const kind = join(await fakeKindOnPath(), "kind");
    await expect(createKindCluster({ kind, name: "broken" })).rejects.toThrow(
      /exited with 1:\n.*\nERROR: failed to create cluster: docker is not running/,
    );
  });
});

describe("kind checksums per architecture, checked on a local file", () => {
  /** A tool cache whose "download" is a copy of a local file: no network. */
  async function localToolCache(content: string): Promise<ToolCache & { urls: string[] }> {
    const real = await realToolCache();
    const source = join(dir, "local-kind");
    await writeFile(source, content);
    const urls: string[] = [];
    return {
      find: real.find,
      cacheFile: real.cacheFile,
      async downloadTool(url) {
        urls.push(url);
        const copy = join(dir, `download-${urls.length}`);
        await writeFile(copy, await readFile(source));
        return copy;
      },
      urls,
    };
  }

  it("checks the pinned release for arm64 against the arm64 checksum, and for x64 against the amd64 one", async () => {
    for (const [arch, target, digest] of [
      ["arm64", "linux-arm64", "b92cd615e97585de8ddade28ed5cd7feb4248d717c233eea5b03c37298900f5d"],
      ["x64", "linux-amd64", "50030de23cf40a18505f20426f6a8506bedf13c6e509244bd1fa9463721b0f54"],
    ] as const) {
      const toolCache = await localToolCache("not kind");
      const attempt = findKind({ toolCache, log, searchPath: "", platform: "linux", arch });
      await expect(attempt).rejects.toThrow(`expected ${digest}: refusing to run it`);
      expect(toolCache.urls).toEqual([
        `https://github.com/kubernetes-sigs/kind/releases/download/${PINNED_KIND_VERSION}/kind-${target}`,
      ]);
    }
  });

  it("accepts a file whose sha256 is the published one, and caches it executable", async () => {
    const toolCache = await localToolCache(FAKE_KIND);
    const digest = createHash("sha256").update(FAKE_KIND).digest("hex");
    const found = await findKind({
      version: "v0.30.0",
      toolCache,
      log,
      platform: "linux",
      arch: "arm64",
      fetchText: async (url) => {
        expect(url).toMatch(/\/v0.30.0\/kind-linux-arm64\.sha256sum$/);
        return `${digest}  kind-linux-arm64\n`;
      },
    });
    expect(found.source).toBe("download");
    expect(await kindClusterExists(found.path, "none")).toBe(false);
  });
});

describe("node images on the command line", () => {
  it("passes node-image to kind create cluster as --image", async () => {
    const kind = join(await fakeKindOnPath(), "kind");
    const image = `kindest/node:v1.33.1@sha256:${"c".repeat(64)}`;
    await createKindCluster({ kind, name: "pinned", image, waitSeconds: 60 });
    const calls = (await readFile(join(dir, "bin", "calls"), "utf8")).trim().split("\n");
    expect(calls).toContain(`create cluster --name pinned --wait 60s --image ${image}`);
  });
});

// What the bundled CLI (dist/cli.js) loads of Node itself when it reaches a cluster. scripts/build.js
// gives the bundle's ES imports of http and https through process.getBuiltinModule(): an ES import
// of node:http makes Node build a facade whose getters load its own fetch implementation (undici),
// which none of our requests use. Checked on dist/ because the saving comes from the bundling.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dist = process.env.CHAOS_ACTION_DIST ?? join(root, "dist");
const cli = join(dist, "cli.js");
const NODE_FETCH = "NativeModule internal/deps/undici/undici";

const dir = mkdtempSync(join(tmpdir(), "bundle-loading-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Node's internal modules a process loaded, printed on its standard error as it exits. */
const hook = join(dir, "report-builtins.mjs");
writeFileSync(
  hook,
  'process.on("exit", () => process._rawDebug("BUILTINS " + JSON.stringify(process.moduleLoadList)));\n',
);

function builtinsLoadedBy(args: string[]): { builtins: string[]; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", hook, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
  const line = run.stderr.split("\n").find((text) => text.startsWith("BUILTINS "));
  if (!line) throw new Error(`no module list printed:\n${run.stderr}`);
  return { builtins: JSON.parse(line.slice("BUILTINS ".length)) as string[], stderr: run.stderr };
}

describe.skipIf(!existsSync(cli))("the bundled CLI reaching a cluster", () => {
  it("loads the cluster client and TLS but not Node's own fetch implementation", async () => {
    // A port nothing listens on: the run loads the client, tries the server and stops there.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: c, cluster: {server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]`,
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
        "current-context: x",
      ].join("\n"),
    );
    const { builtins, stderr } = builtinsLoadedBy([
      cli,
      "run",
      "experiments/terminate-pod.yaml",
      "--kubeconfig",
      kubeconfig,
      "--journal-path",
      join(dir, "journal.json"),
      "--undo-file",
      join(dir, "undo.json"),
    ]);
    expect(stderr).toContain(`127.0.0.1:${port}`);
    expect(builtins).toContain("NativeModule tls");
    expect(builtins).not.toContain(NODE_FETCH);
  });

  it("would see Node's fetch implementation if an ES import of node:http loaded it (the check can fail)", () => {
    const { builtins } = builtinsLoadedBy(["--input-type=module", "-e", 'import "node:http";']);
    expect(builtins).toContain(NODE_FETCH);
  });
});

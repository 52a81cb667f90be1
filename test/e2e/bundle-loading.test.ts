// What the bundled CLI (dist/cli.js) loads. Of Node itself: scripts/build.js gives the bundle's ES
// imports of http, https and fs through process.getBuiltinModule(): an ES import of node:http makes
// Node build a facade whose getters load its own fetch implementation (undici), which none of our
// requests use, and node:fs's facade loads node:fs/promises and readline. Of the bundle, when an
// experiment needs no cluster and fits its shapes: neither zod (validation checks the compiled
// shapes) nor the cluster side. Checked on dist/ because the savings come from the bundling.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dist = process.env.CHAOS_ACTION_DIST ?? join(root, "dist");
const cli = join(dist, "cli.js");
const NODE_FETCH = "NativeModule internal/deps/undici/undici";

const dir = mkdtempSync(join(tmpdir(), "bundle-loading-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs node with `hook` imported first; the hook prints a JSON list on standard error as the process
 * exits, on a line that starts with `label`. Returns the list and the whole standard error.
 */
function listPrintedBy(
  hook: string,
  label: string,
  args: string[],
  timeoutMs = 30_000,
): { list: string[]; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", hook, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
    timeout: timeoutMs,
  });
  const line = run.stderr.split("\n").find((text) => text.startsWith(`${label} `));
  if (!line) throw new Error(`no ${label} list printed:\n${run.stderr}`);
  return { list: JSON.parse(line.slice(label.length + 1)) as string[], stderr: run.stderr };
}

/** Node's internal modules a process loaded, printed on its standard error as it exits. */
const hook = join(dir, "report-builtins.mjs");
writeFileSync(
  hook,
  'process.on("exit", () => process._rawDebug("BUILTINS " + JSON.stringify(process.moduleLoadList)));\n',
);

/** How many WebAssembly modules a process compiled, printed on its standard error as it exits. */
const wasmHook = join(dir, "report-wasm.mjs");
writeFileSync(
  wasmHook,
  [
    "let compiled = 0;",
    "const { Module, compile, instantiate } = WebAssembly;",
    "WebAssembly.Module = new Proxy(Module, { construct: (target, args) => (compiled++, Reflect.construct(target, args)) });",
    "WebAssembly.compile = (...args) => (compiled++, compile(...args));",
    "WebAssembly.instantiate = (source, ...rest) => (source instanceof Module || compiled++, instantiate(source, ...rest));",
    'process.on("exit", () => process._rawDebug("WASM " + JSON.stringify([String(compiled)])));',
  ].join("\n"),
);

function builtinsLoadedBy(args: string[]): { builtins: string[]; stderr: string } {
  const { list, stderr } = listPrintedBy(hook, "BUILTINS", args);
  return { builtins: list, stderr };
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
    // TLS needs it: what a local run spares itself (below) is paid here anyway.
    expect(builtins).toContain("NativeModule crypto");
    expect(builtins).not.toContain(NODE_FETCH);
  });

  it("would see Node's fetch implementation if an ES import of node:http loaded it (the check can fail)", () => {
    const { builtins } = builtinsLoadedBy(["--input-type=module", "-e", 'import "node:http";']);
    expect(builtins).toContain(NODE_FETCH);
  });

  it("sends its API requests without compiling WebAssembly: Node's HTTP parser is native, undici's is not", () => {
    const { list, stderr } = listPrintedBy(
      wasmHook,
      "WASM",
      [
        cli,
        "run",
        "experiments/terminate-pod.yaml",
        "--cluster",
        "sim",
        "--recovery-timeout",
        "0",
        "--journal-path",
        join(dir, "wasm-journal.json"),
        "--undo-file",
        join(dir, "wasm-undo.json"),
      ],
      90_000,
    );
    expect(stderr).toMatch(/passed\s+experiments\/terminate-pod\.yaml/);
    expect(list).toEqual(["0"]);
  }, 100_000);

  it("would see WebAssembly compiled where a request goes through undici (the check can fail)", () => {
    const fetchOnce = [
      'const server = require("node:http").createServer((_, res) => res.end("ok"));',
      "server.listen(0, '127.0.0.1', async () => {",
      "  await (await fetch('http://127.0.0.1:' + server.address().port)).text();",
      "  server.close();",
      "});",
    ].join("\n");
    expect(listPrintedBy(wasmHook, "WASM", ["-e", fetchOnce]).list).not.toEqual(["0"]);
  });
});

/** The files of the bundle a process loaded, printed on its standard error as it exits. */
const chunkHook = join(dir, "report-chunks.mjs");
writeFileSync(
  chunkHook,
  [
    'import { registerHooks } from "node:module";',
    "const loaded = new Set();",
    "registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });",
    'process.on("exit", () => process._rawDebug("CHUNKS " + JSON.stringify([...loaded])));',
  ].join("\n"),
);

/** The text of every file of dist/ that the CLI loaded with these arguments. */
function bundleLoadedBy(args: string[]): string[] {
  return listPrintedBy(chunkHook, "CHUNKS", [cli, ...args])
    .list.filter((url) => url.startsWith("file:") && fileURLToPath(url).startsWith(dist))
    .map((url) => readFileSync(fileURLToPath(url), "utf8"));
}

describe.skipIf(!existsSync(cli))("the bundled CLI resolving its own files", () => {
  /** The relative specifiers a hook registered before the CLI's own was asked to resolve, from inside dist/. */
  const askedHook = join(dir, "report-resolved.mjs");
  writeFileSync(
    askedHook,
    [
      'import { registerHooks } from "node:module";',
      "const asked = [];",
      "registerHooks({ resolve(specifier, context, next) {",
      `  if (context.parentURL?.startsWith(${JSON.stringify(pathToFileURL(dist).href)}) && specifier.startsWith("./")) asked.push(specifier);`,
      "  return next(specifier, context);",
      "} });",
      'process.on("exit", () => process._rawDebug("ASKED " + JSON.stringify(asked)));',
    ].join("\n"),
  );

  it("answers the imports between its files itself: Node's lookup never sees them", () => {
    const { list, stderr } = listPrintedBy(askedHook, "ASKED", [
      cli,
      "validate",
      "experiments/terminate-pod.yaml",
    ]);
    expect(stderr).toMatch(/passed\s+experiments\/terminate-pod\.yaml/);
    // dist/cli.js's import of cli-main.js included: it registers the hook first.
    expect(list).toEqual([]);
  });

  it("would see them reach the hook chain without it (the check can fail)", () => {
    const { list } = listPrintedBy(askedHook, "ASKED", [
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(pathToFileURL(join(dist, "cli-main.js")).href)}).catch(() => {}); process.exit(0);`,
      "--",
      "--version",
    ]);
    expect(list.some((specifier) => specifier.startsWith("./chunks/"))).toBe(true);
  });
});

describe.skipIf(!existsSync(cli))("the bundled CLI's YAML parsers", () => {
  const cacheRoot = join(dir, "compile-cache");
  const validate = (file: string) => {
    const run = spawnSync(process.execPath, [cli, "validate", file], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: cacheRoot },
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
  };
  /** The kept code of a parser: Node's cache directory holds one folder, named for V8's version and flags. */
  const keptCode = (parser: "js-yaml" | "yaml") =>
    readdirSync(cacheRoot, { recursive: true, encoding: "utf8" }).filter((file) =>
      new RegExp(`^[^/]+/${parser}-[0-9a-f]{16}\\.script-cache$`).test(file),
    );
  const anchored = join(dir, "anchored.yaml");
  writeFileSync(anchored, "title: &t t\ndescription: *t\nmethod: []\n");

  it.each([
    ["js-yaml", "experiments/terminate-pod.yaml"],
    ["yaml", anchored],
  ] as const)(
    "keeps the compiled code of %s for the next run once it has parsed a file, and takes it then",
    (parser, file) => {
      const json = join(dir, "no-yaml.json");
      writeFileSync(json, JSON.stringify({ title: "t", description: "d", method: [] }));
      validate(json);
      expect(keptCode(parser)).toEqual([]);
      validate(file);
      const [kept] = keptCode(parser);
      expect(kept).toBeDefined();
      const written = statSync(join(cacheRoot, kept ?? "")).mtimeMs;
      validate(file);
      // Taken as it was: V8 accepted it, so nothing was written again.
      expect(statSync(join(cacheRoot, kept ?? "")).mtimeMs).toBe(written);
    },
  );

  /** Which YAML parser's script the files of the bundle loaded to validate `file` name. */
  const parsersLoadedBy = (file: string) => {
    const loaded = bundleLoadedBy(["validate", file]).join("\n");
    return ["./js-yaml.script.cjs", "./yaml.script.cjs"].filter((script) => loaded.includes(`"${script}"`));
  };

  it("reads a plain YAML experiment without loading the yaml package", () => {
    expect(parsersLoadedBy("experiments/terminate-pod.yaml")).toEqual(["./js-yaml.script.cjs"]);
  });

  it("loads the yaml package for a file with an anchor (the check can fail)", () => {
    expect(parsersLoadedBy(anchored)).toEqual(["./js-yaml.script.cjs", "./yaml.script.cjs"]);
  });
});

/** Strings only zod's code, only the cluster side (run/cluster-gate.ts) and only @actions/core hold. */
const ZOD = "$ZodObject";
const CLUSTER_SIDE = "Started the simulated cluster at";
const ACTIONS_TOOLKIT = "Unable to find environment variable for file command";

describe.skipIf(!existsSync(cli))("the bundled CLI with an experiment that needs no cluster", () => {
  const experiment = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(file, `title: t\ndescription: d\n${body}`);
    return file;
  };
  const local = experiment(
    "local.yaml",
    "method:\n  - {type: action, name: a, provider: {type: process, path: 'true'}}\n",
  );
  /** Node's modules a run of `local` loaded; `name` keeps its journal apart. */
  const builtinsOfLocalRun = (name: string) =>
    builtinsLoadedBy([cli, "run", local, "--journal-path", join(dir, `${name}-journal.json`)]).builtins;

  it("validates a file that fits its shapes without loading zod", () => {
    const loaded = bundleLoadedBy(["validate", local]);
    expect(loaded.length).toBeGreaterThan(3);
    expect(loaded.filter((text) => text.includes(ZOD))).toEqual([]);
  });

  it("validates it without loading child_process (it only looks the path up)", () => {
    const { builtins } = builtinsLoadedBy([cli, "validate", local]);
    expect(builtins).toContain("NativeModule fs");
    expect(builtins).not.toContain("NativeModule child_process");
    expect(builtinsOfLocalRun("cp")).toContain("NativeModule child_process");
  });

  it("validates it without loading node:fs/promises, which brings Node's readline (a run loads it)", () => {
    const FS_PROMISES = "NativeModule internal/fs/promises";
    const { builtins } = builtinsLoadedBy([cli, "validate", local]);
    expect(builtins).toContain("NativeModule fs");
    expect(builtins).not.toContain(FS_PROMISES);
    expect(builtins).not.toContain("NativeModule internal/readline/interface");
    expect(builtinsOfLocalRun("fs")).toContain(FS_PROMISES);
  });

  it("runs it without loading TLS, which only an https URL or a cluster needs (a cluster run loads it)", () => {
    const builtins = builtinsOfLocalRun("tls");
    expect(builtins).toContain("NativeModule http");
    expect(builtins).not.toContain("NativeModule tls");
  });

  it("runs it without loading node:crypto: its undo file name and run id come from /dev/urandom", () => {
    const builtins = builtinsOfLocalRun("crypto");
    expect(builtins).toContain("NativeModule child_process");
    expect(builtins).not.toContain("NativeModule crypto");
  });

  it("runs it without loading zod, the cluster side or the Actions toolkit", () => {
    const loaded = bundleLoadedBy(["run", local, "--journal-path", join(dir, "local-journal.json")]);
    expect(
      loaded.filter((text) => [ZOD, CLUSTER_SIDE, ACTIONS_TOOLKIT].some((marker) => text.includes(marker))),
    ).toEqual([]);
  });

  it("would see the Actions toolkit where the action loads it (the check can fail)", () => {
    const actionChunks = readdirSync(join(dist, "chunks")).map((file) =>
      readFileSync(join(dist, "chunks", file), "utf8"),
    );
    expect(actionChunks.some((text) => text.includes(ACTIONS_TOOLKIT))).toBe(true);
  });

  it("loads zod to word what is wrong with a value that does not fit (the check can fail)", () => {
    const misfit = experiment(
      "misfit.yaml",
      "method:\n  - {type: action, name: a, provider: {type: process, path: 3}}\n",
    );
    const loaded = bundleLoadedBy(["validate", misfit]);
    expect(loaded.some((text) => text.includes(ZOD))).toBe(true);
  });

  it("loads the cluster side for an experiment that needs a cluster (the check can fail)", () => {
    const loaded = bundleLoadedBy(["run", "experiments/terminate-pod.yaml", "--dry-run", "--cluster", "sim"]);
    expect(loaded.some((text) => text.includes(CLUSTER_SIDE))).toBe(true);
  });
});

// Bundles the action (main + post) and the CLI into dist/, and writes dist/licenses.txt: the licence
// of every package whose code is in the bundle. No source maps: nothing reads them at run time.
//
// The cluster client, the simulated cluster and the GitHub client are reached through dynamic
// import(), so esbuild splits them into chunks of their own that a run loads only when it needs them.
// The CLI's executable (dist/cli.js) is built apart, as one file that imports dist/cli-main.js.
// The factories esbuild wraps bundled CommonJS modules in are put in parentheses
// (eager-factories.ts), so Node's compile cache keeps them compiled between runs. The YAML parser is
// bundled apart, as a script whose code V8 keeps after it has run (src/common/cached-script.ts).
//
// esbuild names a chunk after a hash of its content, which renames it (and, through the import
// lines, its importers) at every edit; here a chunk is named after the set of modules it holds
// instead, so its name changes only when that set does.
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";
import { eagerCommonJsFactories } from "./eager-factories.ts";

// `node scripts/build.js --outdir /tmp/x` builds elsewhere (to compare two builds side by side).
const outdirFlag = process.argv.indexOf("--outdir");
// esbuild names outputs relative to the working directory: so does OUT.
const OUT =
  outdirFlag === -1 ? "dist" : path.relative(process.cwd(), path.resolve(process.argv[outdirFlag + 1]));
const METAFILE = process.argv.includes("--metafile");
/** An export name a generated module can declare with `export const { … }`. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `import … from "node:http"` in an ES module makes Node build an ES facade of node:http, which reads
 * every export, and its WebSocket, MessageEvent and CloseEvent getters load Node's own fetch
 * implementation: ~13 MiB and ~40 ms that none of our requests use. node:fs's facade likewise reads
 * its `promises` getter, which loads node:fs/promises with Node's streams and readline (~2.5 ms of
 * a `validate`). The bundle's ES imports of http, https and fs take the module from
 * process.getBuiltinModule() instead, which builds no facade; its getters stay unread.
 * (require() of them, from bundled CommonJS code, builds none either and is left as it is.)
 */
const builtinsWithoutFacade = {
  name: "builtins-without-es-facade",
  setup(bundle) {
    bundle.onResolve({ filter: /^(node:)?(https?|fs)$/ }, (args) => {
      if (args.kind !== "import-statement" && args.kind !== "dynamic-import") return undefined;
      // Packages may import fs's `promises` getter (@actions/core does): theirs stay the facade.
      if (/fs$/.test(args.path) && args.importer.includes("/node_modules/")) return undefined;
      return { path: args.path.replace(/^node:/, ""), namespace: "builtin-without-facade" };
    });
    bundle.onLoad({ filter: /.*/, namespace: "builtin-without-facade" }, (args) => {
      const id = `node:${args.path}`;
      const exports = Object.entries(Object.getOwnPropertyDescriptors(process.getBuiltinModule(id)))
        .filter(([name, descriptor]) => !descriptor.get && IDENTIFIER.test(name))
        .map(([name]) => name);
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(id)});\nexport default m;\nexport const { ${exports.join(", ")} } = m;\n`,
        loader: "js",
      };
    });
  },
};

/**
 * A JSON module as esbuild bundles it is a JavaScript object literal, which V8 parses and compiles
 * as code; the same data as a string handed to JSON.parse loads in half the time (the signature
 * table every validation reads is 44 KB: ~1.8 ms against ~0.8 ms).
 */
const jsonAsString = {
  name: "json-as-string",
  setup(bundle) {
    bundle.onLoad({ filter: /\/src\/.*\.json$/ }, async (args) => {
      const data = JSON.stringify(JSON.parse(await readFile(args.path, "utf8")));
      return { contents: `export default JSON.parse(${JSON.stringify(data)});\n`, loader: "js" };
    });
  },
};

/**
 * CommonJS dependencies bundled into ESM still call require(): the outputs that name it get one.
 * Only those: each createRequire() and its import cost a module ~0.1 ms at start-up, and most of
 * our chunks are ours, with no require() in them.
 */
const REQUIRE_BANNER =
  "import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);";

function withRequire(code) {
  if (!/\brequire\b/.test(code)) return code;
  // The CLI's shebang (from src/cli/bin.ts) stays the first line.
  const shebang = code.startsWith("#!") ? code.slice(0, code.indexOf("\n") + 1) : "";
  return `${shebang}${REQUIRE_BANNER}\n${code.slice(shebang.length)}`;
}

const shared = {
  outdir: OUT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node24",
  legalComments: "none",
  minify: true,
  keepNames: true,
  metafile: true,
  write: false,
  logLevel: "warning",
};

/**
 * Libraries run as scripts whose compiled code is kept between runs (src/common/cached-script.ts):
 * each is bundled on its own as the body of a CommonJS function, into chunks/<name>.script.cjs, and
 * every import of it in the bundle becomes a module that runs that file and re-exports its exports.
 */
const CACHED_SCRIPTS = ["yaml", "js-yaml"];
const cachedScriptFile = (name) => `chunks/${name}.script.cjs`;
/** Where a file of the bundle names a script's path; replaced by the path from that file once written. */
const scriptPathMark = (name) => `__chaos_cached_script_${name}__`;
const requireForBuild = createRequire(import.meta.url);

async function buildCachedScript(name) {
  const built = await build({
    ...shared,
    outdir: undefined,
    outfile: cachedScriptFile(name),
    entryPoints: [requireForBuild.resolve(name)],
    format: "cjs",
  });
  const text = `(function (exports, require, module, __filename, __dirname) {\n${built.outputFiles[0].text}})\n`;
  const exports = Object.keys(requireForBuild(name)).filter(
    (key) => key !== "default" && IDENTIFIER.test(key),
  );
  const key = `${name}-${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
  return { name, text, key, exports, metafile: built.metafile };
}

const cachedScripts = await Promise.all(CACHED_SCRIPTS.map(buildCachedScript));

const cachedScriptImports = {
  name: "cached-script-imports",
  setup(bundle) {
    const pattern = new RegExp(`^(?:${CACHED_SCRIPTS.join("|")})$`);
    bundle.onResolve({ filter: pattern }, (args) => ({ path: args.path, namespace: "cached-script" }));
    bundle.onLoad({ filter: /.*/, namespace: "cached-script" }, (args) => {
      const script = cachedScripts.find(({ name }) => name === args.path);
      const loader = path.resolve("src/common/cached-script.ts");
      return {
        contents: [
          `import { requireCachedScript } from ${JSON.stringify(loader)};`,
          `const library = requireCachedScript(new URL(${JSON.stringify(scriptPathMark(script.name))}, import.meta.url), ${JSON.stringify(script.key)});`,
          "export default library;",
          `export const { ${script.exports.join(", ")} } = library;`,
        ].join("\n"),
        loader: "js",
        resolveDir: process.cwd(),
      };
    });
  },
};

const bundled = await build({
  ...shared,
  entryPoints: {
    index: "src/action/index.ts",
    post: "src/action/post.ts",
    "cli-main": "src/cli/process-main.ts",
  },
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [builtinsWithoutFacade, jsonAsString, cachedScriptImports],
});

/**
 * dist/cli.js on its own, importing no chunk: Node resolves a module's static imports before running
 * it, and resolving them makes Node optimize its path helpers before bin.ts can hold V8's compilers
 * off (~2 MiB of a short run's peak). It imports the rest (dist/cli-main.js) once it has.
 */
const executable = await build({
  ...shared,
  entryPoints: { cli: "src/cli/bin.ts" },
  plugins: [
    {
      name: "cli-main-apart",
      setup(bundle) {
        bundle.onResolve({ filter: /^\.\/process-main\.ts$/ }, () => ({
          path: "./cli-main.js",
          external: true,
        }));
      },
    },
  ],
});
// Anything else bin.ts imported would be bundled into cli.js: a second copy of a module cli-main.js has.
const BIN_INPUTS = ["src/cli/bin.ts", "src/cli/jit-delay.ts", "src/cli/bundle-resolution.ts"];
if (Object.keys(executable.metafile.inputs).some((input) => !BIN_INPUTS.includes(input))) {
  throw new Error("src/cli/bin.ts may import only jit-delay.ts, bundle-resolution.ts and Node's modules");
}

const result = {
  outputFiles: [...bundled.outputFiles, ...executable.outputFiles],
  metafile: {
    inputs: { ...bundled.metafile.inputs, ...executable.metafile.inputs },
    outputs: { ...bundled.metafile.outputs, ...executable.metafile.outputs },
  },
};

/** `chunks/chunk-3XK2AB7Q.js` → `chunks/chunk-<hash of its modules' paths>.js`. */
function stableNames(outputs) {
  const renames = new Map();
  for (const [file, output] of Object.entries(outputs)) {
    const base = path.posix.basename(file);
    const match = /^(.+)-[A-Z0-9]{8}\.js$/.exec(base);
    if (!file.startsWith(`${OUT}/chunks/`) || !match) continue;
    // A chunk that only re-exports a dynamically imported module holds none: its entry point names it.
    // Paths from node_modules/ on: the same wherever the packages are installed (or linked from).
    const modules = [output.entryPoint ?? "", ...Object.keys(output.inputs)]
      .map((input) => input.replace(/^.*?node_modules\//, "node_modules/"))
      .sort()
      .join("\n");
    const hash = createHash("sha256").update(modules).digest("hex").slice(0, 8);
    renames.set(base, `${match[1]}-${hash}.js`);
  }
  if (new Set(renames.values()).size !== renames.size) throw new Error("two chunks got the same name");
  return renames;
}

/** Fails the build when any input whose path matches `pattern` put code in the bundle. */
function refuseBundled(outputs, pattern, message) {
  for (const output of Object.values(outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (pattern.test(input) && bytesInOutput > 0) throw new Error(message);
    }
  }
}

/**
 * zod's `z` object holds all of zod, every language of its messages too; `import * as z from "zod"`
 * lets esbuild keep only what we call (English messages included), a fifth of the size.
 */
const refuseWholeZod = (outputs) =>
  refuseBundled(
    outputs,
    /node_modules\/zod\/v4\/locales\/(?!en\.js$)/,
    'the bundle holds all of zod: import it as `import * as z from "zod"` everywhere, not `{ z }`',
  );

/**
 * A dynamic import of "@kubernetes/client-node" itself keeps all of its API groups' clients (1.7 MB);
 * src/kubernetes/client-node-api.ts names the few we call. StorageV1Api is one no activity uses.
 */
const refuseWholeClientNode = (outputs) =>
  refuseBundled(
    outputs,
    /client-node\/dist\/gen\/apis\/StorageV1Api\.js$/,
    "the bundle holds every API group of @kubernetes/client-node: load it through clientNode() (src/kubernetes/client-node-api.ts), never import() the package itself",
  );

/**
 * package.json's `dependencies` are what the bundle contains: exactly the packages src/ imports.
 * Nothing is installed at run time; tools that build and test are devDependencies.
 */
async function checkDependencies(inputs) {
  const imported = new Set();
  for (const [file, input] of Object.entries(inputs)) {
    if (!file.startsWith("src/")) continue;
    for (const { path: target } of input.imports) {
      const match =
        /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(target) ?? /^cached-script:(.+)$/.exec(target);
      if (match) imported.add(match[1]);
    }
  }
  const declared = new Set(Object.keys(JSON.parse(await readFile("package.json", "utf8")).dependencies));
  const undeclared = [...imported].filter((name) => !declared.has(name));
  const unused = [...declared].filter((name) => !imported.has(name));
  if (undeclared.length > 0 || unused.length > 0) {
    throw new Error(
      "package.json `dependencies` must list exactly what src/ bundles: " +
        [
          undeclared.length > 0 ? `bundled but not listed: ${undeclared.join(", ")}` : "",
          unused.length > 0 ? `listed but not bundled (a devDependency?): ${unused.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; "),
    );
  }
}

refuseWholeZod(result.metafile.outputs);
refuseWholeClientNode(result.metafile.outputs);
await checkDependencies(result.metafile.inputs);
const renames = stableNames(result.metafile.outputs);
const renameIn = (text) => text.replace(/[\w-]+-[A-Z0-9]{8}\.js/g, (name) => renames.get(name) ?? name);

const texts = eagerCommonJsFactories(
  new Map(result.outputFiles.map((file) => [renameIn(path.basename(file.path)), renameIn(file.text)])),
);
/** The text with each cached script's mark replaced by its path from `dir`. */
function withScriptPaths(text, dir) {
  let result = text;
  for (const { name } of cachedScripts) {
    const relative = path
      .relative(dir, path.join(OUT, cachedScriptFile(name)))
      .split(path.sep)
      .join("/");
    result = result.replaceAll(scriptPathMark(name), relative.startsWith(".") ? relative : `./${relative}`);
  }
  return result;
}

await rm(OUT, { recursive: true, force: true });
for (const file of result.outputFiles) {
  const name = renameIn(path.basename(file.path));
  const target = path.join(path.dirname(file.path), name);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, withRequire(withScriptPaths(texts.get(name), path.dirname(target))));
}
for (const { name, text } of cachedScripts) await writeFile(path.join(OUT, cachedScriptFile(name)), text);

/** The packages whose code is in some output (bytes after tree shaking), by their folder. */
function bundledPackageDirs(outputs) {
  const dirs = new Set();
  for (const output of Object.values(outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match && bytesInOutput > 0) dirs.add(match[1]);
    }
  }
  return [...dirs];
}

async function licenceEntry(dir) {
  const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
  const licence =
    typeof manifest.license === "string" ? manifest.license : (manifest.license?.type ?? "UNKNOWN");
  const file = (await readdir(dir)).sort().find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  const text = file
    ? (await readFile(path.join(dir, file), "utf8")).trim()
    : `(the package ships no licence file; its package.json declares ${licence})`;
  return { name: manifest.name, version: manifest.version, licence, text };
}

const allOutputs = [result.metafile.outputs, ...cachedScripts.map(({ metafile }) => metafile.outputs)];
const entries = await Promise.all([...new Set(allOutputs.flatMap(bundledPackageDirs))].map(licenceEntry));
// Code-unit order, not the locale's: the file must come out the same on every machine.
const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
entries.sort((a, b) => order(a.name, b.name) || order(a.version, b.version));
const licences = entries.map((e) => `${e.name} ${e.version}\nLicense: ${e.licence}\n\n${e.text}\n`);
await writeFile(
  path.join(OUT, "licenses.txt"),
  `Third-party software bundled in dist/ (${entries.length} packages)\n\n${licences.join("\n-----\n\n")}`,
);
// `--metafile`: what each entry and chunk holds, for esbuild's analyzer (https://esbuild.github.io/analyze/).
if (METAFILE) await writeFile(path.join(OUT, "meta.json"), JSON.stringify(result.metafile));
// `npx chaos-action` and the package's `bin` run dist/cli.js itself: it must be executable in git too.
await chmod(path.join(OUT, "cli.js"), 0o755);
console.log(
  `${OUT}/: ${result.outputFiles.length + cachedScripts.length} files; ${OUT}/licenses.txt: ${entries.length} packages`,
);

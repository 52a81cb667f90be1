// Bundles the action (main + post) and the CLI into dist/, with source maps.
// The cluster client is reached through dynamic import(), so esbuild splits it into its own chunk
// and experiments without Kubernetes activities never load it.
import { rm } from "node:fs/promises";
import { build } from "esbuild";

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: { index: "src/action/index.ts", post: "src/action/post.ts", cli: "src/cli/bin.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  sourcemap: true,
  sourcesContent: false,
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  minify: true,
  keepNames: true,
  logLevel: "warning",
  banner: {
    // CommonJS dependencies bundled into ESM still call require(); give them one.
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __chaosCreateRequire } from 'node:module';",
      "const require = __chaosCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});

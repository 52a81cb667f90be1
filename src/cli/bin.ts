#!/usr/bin/env node
// The `chaos-action` executable's first steps, taken before any other module of ours is resolved:
// process-main.ts then wires the CLI to this process. The bundle builds this file on its own, so that
// dist/cli.js imports nothing before these steps.
import * as nodeModule from "node:module";
import { bundleResolution } from "./bundle-resolution.ts";
import { builtinsBeforeDelay, delayJitCompilers, jitDelayApplies } from "./jit-delay.ts";

// Resolving our modules' imports is where Node's path helpers get hot enough to be optimized, and a
// compiler's first use costs its code pages. The V8 flags are set before the compile cache is
// enabled: its entries are keyed by them.
if (jitDelayApplies(process.arch, process.execArgv, process.env.NODE_OPTIONS)) {
  for (const id of builtinsBeforeDelay(process.argv.slice(2), outputOnPipe())) process.getBuiltinModule(id);
  const v8 = process.getBuiltinModule("node:v8");
  delayJitCompilers({
    setFlags: (flags) => v8.setFlagsFromString(flags),
    after: (ms, then) => setTimeout(then, ms).unref(),
  });
}
// Start-up is most of a short run: let Node keep the bundle's compiled code between runs. Every other
// module is imported after this call, so it is compiled through the cache.
// Absent before Node 22.1: then start-up is only slower.
nodeModule.enableCompileCache?.();
// The bundle's own files find each other without Node's file lookups (bundle-resolution.ts).
nodeModule.registerHooks?.({ resolve: bundleResolution(new URL(".", import.meta.url).href) });
await import("./process-main.ts");

function outputOnPipe(): boolean {
  try {
    const output = process.getBuiltinModule("node:fs").fstatSync(1);
    return output.isFIFO() || output.isSocket();
  } catch {
    return false; // closed
  }
}

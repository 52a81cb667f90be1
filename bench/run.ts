// `npm run bench`: the figures the issues ask for, measured in one run on this machine.
// - engine overhead per activity (no I/O);
// - whole-process time of `chaos-action run` (the bundled CLI) on 20 local http/process activities;
// - Kubernetes target selection among 10,000 pods in the simulated cluster: API requests and time;
// - time from a pod turning Ready in the simulated cluster to the readiness probe's answer.
// Only 127.0.0.1 is contacted; everything stops by itself.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { benchEngine } from "./engine.ts";
import { benchKubernetes } from "./kubernetes.ts";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function benchCliProcess(runs: number): Promise<{ medianMs: number; minMs: number; nodeMs: number }> {
  const cli = path.resolve("dist/cli.js");
  if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-bench-"));
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      // Async spawn: the local HTTP server lives in this process and must keep answering.
      const code = await new Promise<number | null>((resolve) => {
        const args = [
          cli,
          "run",
          "bench/fixtures/twenty-activities.yaml",
          "--var",
          `base_url=http://127.0.0.1:${port}`,
          "--journal-path",
          path.join(dir, `journal-${i}.json`),
        ];
        spawn(process.execPath, args, { stdio: "ignore" }).on("exit", resolve);
      });
      times.push(performance.now() - started);
      if (code !== 0) throw new Error(`chaos-action run exited ${code} on the benchmark experiment`);
    }
    const nodeTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      spawnSync(process.execPath, ["-e", "0"]);
      nodeTimes.push(performance.now() - started);
    }
    return { medianMs: median(times), minMs: Math.min(...times), nodeMs: median(nodeTimes) };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const engine = await benchEngine();
console.log(`engine overhead: ${engine.perActivityMs.toFixed(4)} ms per activity (target < 1 ms)`);

const cli = await benchCliProcess(15);
console.log(
  `chaos-action run, 20 local http/process activities: median ${cli.medianMs.toFixed(0)} ms, ` +
    `min ${cli.minMs.toFixed(0)} ms over 15 runs (target < 150 ms); bare \`node -e 0\`: ${cli.nodeMs.toFixed(0)} ms`,
);

const k8s = await benchKubernetes();
console.log(
  `target selection among ${k8s.pods} pods: ${k8s.selectionRequests} API request(s) (${k8s.selectionLists} list call(s), ` +
    `pages of ${k8s.pageSize}), ${k8s.selectionMs.toFixed(0)} ms (target: one paginated list per selection)`,
);
console.log(
  `pod Ready → readiness probe answer: median ${k8s.readyToProbeMs.toFixed(1)} ms over ${k8s.readyRuns} runs ` +
    `(max ${k8s.readyToProbeMaxMs.toFixed(1)} ms; target < 50 ms)`,
);

// The action's first Kubernetes API request, timed from the step's start: dist/index.js is run as the
// runner runs it (INPUT_* variables, GITHUB_* files) against the simulated cluster, reached through a
// TCP relay in this process that notes when the first connection arrives.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startSimCluster } from "../src/sim/index.ts";
import { median } from "./measure.ts";

export async function benchActionFirstRequest(runs: number): Promise<{ firstRequestMs: number }> {
  const sim = await startSimCluster({
    manifests: await readFile("bench/fixtures/web-app.yaml", "utf8"),
    timing: { scheduleMs: 0, startMs: 0, readyMs: 0, jitter: 0, deleteGraceMs: 0 },
  });
  const simPort = Number(new URL(sim.url).port);
  let firstConnection: number | undefined;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    firstConnection ??= performance.now();
    const upstream = connect(simPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const relayPort = (relay.address() as AddressInfo).port;
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-bench-action-"));
  try {
    const files = { output: "output", state: "state", summary: "summary.md" };
    for (const file of Object.values(files)) writeFileSync(path.join(dir, file), "");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SHA: "3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
      GITHUB_RUN_ID: "1",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW: "bench",
      GITHUB_JOB: "bench",
      GITHUB_OUTPUT: path.join(dir, files.output),
      GITHUB_STATE: path.join(dir, files.state),
      GITHUB_STEP_SUMMARY: path.join(dir, files.summary),
      RUNNER_TEMP: dir,
      INPUT_EXPERIMENTS: "bench/fixtures/terminate-pod-no-pause.yaml",
      INPUT_KUBECONFIG: sim.kubeconfig.replace(sim.url, `https://127.0.0.1:${relayPort}`),
      INPUT_COMMENT: "never",
    };
    const gaps: number[] = [];
    for (let run = 0; run < runs; run++) {
      await sim.settled(10_000);
      firstConnection = undefined;
      const started = performance.now();
      const code = await new Promise<number | null>((resolve) => {
        spawn(process.execPath, [path.resolve(process.env.BENCH_DIST ?? "dist", "index.js")], {
          env,
          stdio: "ignore",
        }).on("close", resolve);
      });
      if (code !== 0) throw new Error(`the action exited ${code} on the benchmark experiment`);
      if (firstConnection === undefined) throw new Error("the action never contacted the cluster");
      gaps.push(firstConnection - started);
    }
    return { firstRequestMs: median(gaps) };
  } finally {
    for (const socket of sockets) socket.destroy();
    relay.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

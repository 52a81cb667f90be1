// Run by hand: how long target selection among many pods takes, and the selecting process's peak
// memory. The simulated cluster runs in a child process (its own memory is not counted); this
// process resolves terminate_pods' targets (the dry run's and the guard's path) and then runs the
// same selection as the action does, without deleting (qty 0).
//   node scripts/measure-pod-selection.ts [pods=100000] [--json] [--cli DIST]
// With --cli, the bundled CLI in DIST also runs bench/fixtures/terminate-among-many.yaml against the
// same cluster (guard, selection, one delete): its whole-process wall time and peak memory.
// With --json, the last line of the output is the figures as JSON (`npm run bench` reads it).
import { execFile, fork } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const pods = Number(process.argv[2] ?? 100_000);

if (process.argv[3] === "--sim") {
  const { startSimCluster } = await import("../src/sim/index.ts");
  const manifests = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "load" } }];
  for (let i = 0; i < pods; i++) {
    manifests.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `web-${String(i).padStart(6, "0")}`, namespace: "load", labels: { app: "web" } },
      spec: { containers: [{ name: "main", image: "nginx" }] },
    } as never);
  }
  const sim = await startSimCluster({ manifests, nodes: 3 });
  // Selection is measured on a steady cluster, not while its controllers still schedule the pods.
  await sim.settled(600_000);
  const file = join(tmpdir(), `pod-selection-${process.pid}.kubeconfig`);
  await writeFile(file, sim.kubeconfig);
  const ready = process.cpuUsage();
  process.send?.({ kubeconfig: file });
  process.on("message", async () => {
    const { user, system } = process.cpuUsage(ready);
    process.send?.({ simCpuMs: (user + system) / 1000 });
    await sim.close();
    process.exit(0);
  });
} else {
  const started = Date.now();
  const child = fork(new URL(import.meta.url).pathname, [String(pods), "--sim"], {
    stdio: "inherit",
    execArgv: [],
  });
  const kubeconfig = await new Promise<string>((resolve) =>
    child.once("message", (message) => resolve((message as { kubeconfig: string }).kubeconfig)),
  );
  console.log(`simulated cluster with ${pods} pods ready in ${Date.now() - started} ms`);
  const rssBefore = process.memoryUsage().rss;
  const { clusterKubeConfig } = await import("../src/kubernetes/cluster-client.ts");
  const { resolveTargets } = await import("../src/kubernetes/targets.ts");
  const { selectPods } = await import("../src/kubernetes/activities/selection.ts");
  const kc = await clusterKubeConfig();
  kc.loadFromFile(kubeconfig);
  const loadedPeak = process.resourceUsage().maxRSS * 1024;
  const selection = {
    labelSelector: "app=web",
    all: false,
    rand: true,
    mode: "fixed",
    qty: 0,
    order: "oldest",
  };

  const cpu = process.cpuUsage();
  let start = performance.now();
  const targets = await resolveTargets(
    "chaosk8s.pod.actions",
    "terminate_pods",
    { ns: "load", label_selector: "app=web", rand: true, qty: 1 },
    kc,
  );
  const resolveMs = performance.now() - start;
  const resolveCpu = process.cpuUsage(cpu);
  start = performance.now();
  const { candidates } = await selectPods(kc, "load", selection, Math.random, "metadata");
  const selectMs = performance.now() - start;
  const selectCpu = process.cpuUsage();
  const ms = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1000).toFixed(0);

  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `resolve targets (dry run, guard): ${resolveMs.toFixed(0)} ms wall, ${ms(resolveCpu)} ms CPU here; ${targets?.objects.length} targets of ${targets?.candidates}`,
  );
  console.log(
    `select (oldest first, as the action): ${selectMs.toFixed(0)} ms wall, ${candidates.length} candidates`,
  );
  console.log(
    `peak RSS of this process: ${mib(process.resourceUsage().maxRSS * 1024)} MiB (${mib(rssBefore)} MiB before loading the client, ${mib(loadedPeak)} MiB once loaded)`,
  );
  const peakMiB = (process.resourceUsage().maxRSS * 1024) / 1024 / 1024;
  async function runCli(cliPath: string, kubeconfigFile: string) {
    const dir = await mkdtemp(join(tmpdir(), "pod-selection-cli-"));
    const peakFile = join(dir, "peak");
    const started = performance.now();
    await promisify(execFile)("/usr/bin/time", [
      "-f",
      "%M",
      "-o",
      peakFile,
      process.execPath,
      cliPath,
      "run",
      "bench/fixtures/terminate-among-many.yaml",
      "--kubeconfig",
      kubeconfigFile,
      "--journal-path",
      join(dir, "journal.json"),
      "--undo-file",
      join(dir, "undo.json"),
    ]);
    const wallMs = performance.now() - started;
    const peakMiB = Number((await readFile(peakFile, "utf8")).trim().split("\n").at(-1)) / 1024;
    await rm(dir, { recursive: true, force: true });
    return { wallMs, peakMiB };
  }
  const cliAt = process.argv.indexOf("--cli");
  const cli =
    cliAt > 0 ? await runCli(join(process.argv[cliAt + 1] ?? "dist", "cli.js"), kubeconfig) : undefined;
  if (cli)
    console.log(
      `the bundled CLI's run: ${cli.wallMs.toFixed(0)} ms wall, peak ${cli.peakMiB.toFixed(0)} MiB`,
    );
  const simCpu = new Promise<number>((resolve) =>
    child.once("message", (message) => resolve((message as { simCpuMs: number }).simCpuMs)),
  );
  child.send("close");
  console.log(
    `CPU: this process ${ms(selectCpu)} ms in all, the simulated cluster ${(await simCpu).toFixed(0)} ms once ready`,
  );
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ pods, candidates: targets?.candidates, resolveMs, selectMs, peakMiB, cli }));
  }
}

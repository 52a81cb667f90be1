// Whole-process figures of the bundled CLI (dist/cli.js), each beside an empty `node -e 0`:
// `--help`, `validate` of one file (YAML, and the same as JSON), `run` of 20 local http/process activities, and `run` of a
// terminate-pod experiment (no pauses) against the simulated cluster, which loads the cluster client.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { startSimCluster } from "../src/sim/index.ts";
import { measureNode, type ProcessFigures } from "./measure.ts";

const LOCAL = "bench/fixtures/twenty-activities.yaml";
const KUBERNETES = "bench/fixtures/terminate-pod-no-pause.yaml";
/** Node's own start: measured on its own, and just before each run of the others (their `beside`). */
const EMPTY_NODE = ["-e", "0"];

export interface CliFigures {
  node: ProcessFigures;
  help: ProcessFigures;
  validate: ProcessFigures;
  /** The same experiment as JSON: it loads no YAML parser. */
  validateJson: ProcessFigures;
  runLocal: ProcessFigures;
  runKubernetes: ProcessFigures;
}

export async function benchCli(runs: number): Promise<CliFigures> {
  const cli = path.resolve(process.env.BENCH_DIST ?? "dist", "cli.js");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-bench-"));
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    // Without the recovery check between experiments (two hypothesis checks a second apart), which
    // Chaos Toolkit does not make: the figures compare with `chaos run` on the same file.
    const journal = (name: string) => [
      "--journal-path",
      path.join(dir, `${name}.json`),
      "--recovery-timeout",
      "0",
    ];
    const node = await measureNode(EMPTY_NODE, { runs });
    const help = await measureNode([cli, "--help"], { runs, beside: EMPTY_NODE });
    const validate = await measureNode([cli, "validate", LOCAL], { runs, beside: EMPTY_NODE });
    const localJson = path.join(dir, "twenty-activities.json");
    writeFileSync(localJson, JSON.stringify(parse(await readFile(LOCAL, "utf8"))));
    const validateJson = await measureNode([cli, "validate", localJson], { runs, beside: EMPTY_NODE });
    const runLocal = await measureNode(
      [cli, "run", LOCAL, "--var", `base_url=http://127.0.0.1:${port}`, ...journal("local")],
      { runs, beside: EMPTY_NODE },
    );
    server.close();
    // Started only now: its controllers would otherwise share the CPU with the local figures.
    const sim = await startSimCluster({
      manifests: await readFile("bench/fixtures/web-app.yaml", "utf8"),
      timing: { scheduleMs: 0, startMs: 0, readyMs: 0, jitter: 0, deleteGraceMs: 0 },
    });
    try {
      const kubeconfig = path.join(dir, "kubeconfig");
      writeFileSync(kubeconfig, sim.kubeconfig);
      const undo = ["--undo-file", path.join(dir, "undo.json")];
      const runKubernetes = await measureNode(
        [cli, "run", KUBERNETES, "--kubeconfig", kubeconfig, ...journal("kubernetes"), ...undo],
        { runs, prepare: () => sim.settled(10_000), beside: EMPTY_NODE },
      );
      return { node, help, validate, validateJson, runLocal, runKubernetes };
    } finally {
      await sim.close();
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

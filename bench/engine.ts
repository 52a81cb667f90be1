// Engine overhead per activity: one experiment of 1,000 no-op native actions, on a clock that never
// waits, through the real executor, registry and undo log. What remains is the engine's own cost
// (substitution, bookkeeping, journal, events).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax, not a template literal.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { runExperiment } from "../src/engine/run.ts";
import { createUndoLog } from "../src/engine/undo.ts";
import type { ActivityDefinition, Experiment } from "../src/experiment/format.ts";
import { createExecutor } from "../src/providers/execute.ts";
import type { Clock, NativeModuleSource } from "../src/providers/native.ts";
import { createRegistry } from "../src/providers/registry.ts";

const ACTIVITIES = 1000;

const zeroClock: Clock = { now: () => 0, sleep: async () => {} };

const noopSource: NativeModuleSource = {
  signatures: [
    {
      module: "bench",
      func: "noop",
      kind: "action",
      params: [{ name: "n", type: "integer" }],
      summary: "nothing",
    },
  ],
  load: async () => async (args) => args.n,
};

function experiment(count: number): Experiment {
  const method: ActivityDefinition[] = Array.from({ length: count }, (_, i) => ({
    type: "action",
    name: `noop-${i}`,
    provider: { type: "python", module: "bench", func: "noop", arguments: { n: "${n}" } },
  }));
  return { title: "engine overhead", description: "1,000 no-op activities", method };
}

async function timeRun(count: number, dir: string): Promise<number> {
  const log = createUndoLog({
    file: path.join(dir, `undo-${count}.json`),
    runId: "bench",
    execute: async () => {},
  });
  const execute = createExecutor({ registry: createRegistry([noopSource]) });
  const started = performance.now();
  const journal = await runExperiment({
    experiment: experiment(count),
    file: "bench.yaml",
    experimentDir: dir,
    configuration: { n: 1 },
    clock: zeroClock,
    execute,
    undo: { registry: log, replay: () => log.replay() },
    onEvent: () => {},
  });
  const elapsed = performance.now() - started;
  if (journal.run.length !== count || journal.status !== "completed") {
    throw new Error(
      `the benchmark run did not complete: ${journal.status}, ${journal.run.length} activities`,
    );
  }
  return elapsed;
}

export async function benchEngine(): Promise<{ perActivityMs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-engine-"));
  try {
    await timeRun(100, dir); // warm-up: JIT and module loading
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push(await timeRun(ACTIVITIES, dir));
    samples.sort((a, b) => a - b);
    return { perActivityMs: samples[Math.floor(samples.length / 2)]! / ACTIVITIES };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { perActivityMs } = await benchEngine();
  console.log(`engine overhead: ${perActivityMs.toFixed(4)} ms per activity`);
}

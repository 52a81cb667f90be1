// Test harness: a simulated cluster, a KubeConfig for it, and a NativeContext that records undo
// steps and touch records, with a fast clock (virtual time runs `speed` times faster than real).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { TouchRecord } from "../../../src/engine/journal.ts";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import type { Clock, NativeContext, UndoRegistry, UndoStep } from "../../../src/providers/native.ts";
import { bindArguments } from "../../../src/providers/python.ts";
import { type SimCluster, type SimOptions, startSimCluster } from "../../../src/sim/index.ts";

export const fastTiming = { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 60 };

export function fastClock(speed = 20): Clock {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * speed,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms / speed);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

export class RecordingUndo implements UndoRegistry {
  steps: UndoStep[] = [];
  /** Every registration and discard, in order: `register:<kind>` / `discard:<kind>`. */
  log: string[] = [];
  private next = 1;
  async register(step: Omit<UndoStep, "id">): Promise<UndoStep> {
    const full = { ...step, id: `undo-${this.next++}` };
    this.steps.push(full);
    this.log.push(`register:${step.kind}`);
    return full;
  }
  async discard(step: UndoStep): Promise<void> {
    this.steps = this.steps.filter((s) => s.id !== step.id);
    this.log.push(`discard:${step.kind}`);
  }
}

export interface Harness {
  sim: SimCluster;
  kc: KubeConfig;
  undo: RecordingUndo;
  touches: TouchRecord[];
  dir: string;
  ctx: NativeContext;
  /** Calls `module.func` as the python provider does: arguments bound to the signature. */
  run(module: string, func: string, args?: Record<string, unknown>): Promise<unknown>;
  writeSpec(name: string, content: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: SimOptions = {}): Promise<Harness> {
  const sim = await startSimCluster({ timing: fastTiming, ...options });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  const dir = await mkdtemp(join(tmpdir(), "chaosk8s-test-"));
  const undo = new RecordingUndo();
  const touches: TouchRecord[] = [];
  let seed = 7;
  const ctx: NativeContext = {
    signal: new AbortController().signal,
    secrets: {},
    configuration: {},
    undo,
    clock: fastClock(),
    experimentDir: dir,
    services: {
      kubernetes: { connect: async () => kc },
      runId: "run-test",
      record: (record: TouchRecord) => touches.push(record),
      random: () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      },
    },
  };
  return {
    sim,
    kc,
    undo,
    touches,
    dir,
    ctx,
    async run(module, func, args = {}) {
      const signature = chaosk8sSource.signatures.find((s) => s.module === module && s.func === func);
      if (!signature) throw new Error(`no signature for ${module}.${func}`);
      const implementation = await chaosk8sSource.load(module, func);
      return implementation(bindArguments(signature, args), ctx);
    },
    async writeSpec(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function deploymentManifest(name: string, replicas: number, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "main", image: "nginx:1.27" },
            { name: "sidecar", image: "busybox" },
          ],
        },
      },
      ...extra,
    },
  };
}

export const errorOf = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
};

// Target selection among many pods (issue 7: 100,000 pods in < 2 s, peak < 150 MiB), measured by
// scripts/measure-pod-selection.ts in a process of its own: the simulated cluster runs in a child of
// it, so the peak memory is the selecting process's alone (there: TypeScript sources and unbundled
// packages). The bundled CLI then runs bench/fixtures/terminate-among-many.yaml against the same
// cluster: the whole process, as a user runs it. BENCH_PODS sets the count; 0 skips it.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

export interface PodSelectionFigures {
  pods: number;
  candidates: number;
  /** terminate_pods' targets resolved (the dry run's and the guard's path): wall time. */
  resolveMs: number;
  /** The action's own selection, same listing: wall time. */
  selectMs: number;
  /** Peak resident memory of the selecting process. */
  peakMiB: number;
  /** The bundled CLI's run of terminate-among-many.yaml: guard, selection, one delete. */
  cli: { wallMs: number; peakMiB: number };
}

export async function benchPodSelection(pods: number): Promise<PodSelectionFigures | undefined> {
  if (pods <= 0) return undefined;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "scripts/measure-pod-selection.ts",
      String(pods),
      "--json",
      "--cli",
      path.resolve(process.env.BENCH_DIST ?? "dist"),
    ],
    { maxBuffer: 1024 * 1024, timeout: 30 * 60_000 },
  );
  const figures = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as PodSelectionFigures;
  if (figures.candidates !== pods) throw new Error(`expected ${pods} candidates, got ${figures.candidates}`);
  return figures;
}

// Runs cases a few at a time (each case is a cluster plus one or two CLI processes), in order of
// their position, and hands each result on as it comes.
import type { FaultCase } from "./cases.ts";
import { type CaseOptions, type CaseResult, runCase } from "./run-case.ts";

export interface SuiteOptions extends CaseOptions {
  /** Cases at once; the machine's cores are shared, so keep it small. */
  concurrency: number;
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export async function runSuite(cases: FaultCase[], options: SuiteOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const result = await runCase(cases[index]!, options).catch(
        (error: unknown): CaseResult => ({
          case: cases[index]!,
          judgement: {
            passed: false,
            restored: false,
            truthful: false,
            problems: [
              `the harness could not run the case: ${error instanceof Error ? error.message : String(error)}`,
            ],
          },
          reasons: [],
          durationMs: 0,
        }),
      );
      results[index] = result;
      options.onResult?.(result, ++done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, cases.length)) }, worker));
  return results;
}

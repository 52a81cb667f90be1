// How much to fuzz: a sample in `npm test` (fixed seed, about ten seconds), the full run in
// `npm run fuzz` (FUZZ_RUNS files through load and validate, FUZZ_DRY_RUNS through `run --dry-run`,
// a new seed each time, printed so a failure can be replayed with FUZZ_SEED).
const number = (text: string | undefined, fallback: number) => (text ? Number(text) : fallback);

export const settings = {
  runs: number(process.env.FUZZ_RUNS, 500),
  dryRuns: number(process.env.FUZZ_DRY_RUNS, 40),
  seed: number(process.env.FUZZ_SEED, process.env.FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261206),
};

/** Failures are counted, not stopped at, so the report can say how many files crashed. */
export interface Tally {
  cases: number;
  failures: Array<{ problems: string[]; sample: string }>;
}

export const describeFailures = (tally: Tally): string =>
  tally.failures
    .slice(0, 5)
    .map((f) => `${f.problems.join("; ")}\n  file: ${JSON.stringify(f.sample.slice(0, 300))}`)
    .join("\n");

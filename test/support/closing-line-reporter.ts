import type { Reporter, TestModule } from "vitest/node";

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * The lines a run closes with, after vitest's own summary. CI reads a run's closing lines to tell a
 * run that tested something from one that ran nothing, and vitest's coloured summary table is not a
 * form it reads: the counts come once as node's test runner closes (`# tests N`, `# pass N`, …) and
 * last as one plain line, `tests: N passed, N failed, N skipped`.
 */
export function closingLines(counts: TestCounts): string {
  const total = counts.passed + counts.failed + counts.skipped;
  return [
    "",
    `# tests ${total}`,
    `# pass ${counts.passed}`,
    `# fail ${counts.failed}`,
    `# skipped ${counts.skipped}`,
    `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    "",
  ].join("\n");
}

export function countTests(testModules: ReadonlyArray<TestModule>): TestCounts {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const testModule of testModules) {
    for (const test of testModule.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") counts.passed++;
      else if (state === "failed") counts.failed++;
      else counts.skipped++;
    }
    // A file that failed to load has no tests to count but is a failure all the same.
    if (testModule.state() === "failed" && testModule.children.size === 0) counts.failed++;
  }
  return counts;
}

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    process.stdout.write(closingLines(countTests(testModules)));
  }
}

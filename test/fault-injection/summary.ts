// The suite's report: a table per category (cases, restored, truthful exit and journal, passed),
// the overall restore rate, and each failing case with its differences in words. Pure text.
import { type Category, categories } from "./cases.ts";
import type { CaseResult } from "./run-case.ts";

export interface CategoryTally {
  category: Category;
  cases: number;
  restored: number;
  truthful: number;
  passed: number;
}

export function tally(results: CaseResult[]): CategoryTally[] {
  return categories
    .map((category) => {
      const own = results.filter((r) => r.case.category === category);
      const count = (test: (r: CaseResult) => boolean) => own.filter(test).length;
      return {
        category,
        cases: own.length,
        restored: count((r) => r.judgement.restored),
        truthful: count((r) => r.judgement.truthful),
        passed: count((r) => r.judgement.passed),
      };
    })
    .filter((row) => row.cases > 0);
}

const percent = (part: number, whole: number) => (whole === 0 ? "-" : `${Math.floor((100 * part) / whole)}%`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderSummary(results: CaseResult[]): string {
  const rows = tally(results);
  const total = rows.reduce(
    (sum, row) => ({
      cases: sum.cases + row.cases,
      restored: sum.restored + row.restored,
      truthful: sum.truthful + row.truthful,
      passed: sum.passed + row.passed,
    }),
    { cases: 0, restored: 0, truthful: 0, passed: 0 },
  );
  const cells = (row: Omit<CategoryTally, "category">) => [
    String(row.cases),
    `${row.restored} (${percent(row.restored, row.cases)})`,
    `${row.truthful} (${percent(row.truthful, row.cases)})`,
    `${row.passed} (${percent(row.passed, row.cases)})`,
  ];
  const lines = [
    table([
      ["category", "cases", "restored", "truthful exit/journal", "passed"],
      ...rows.map((row) => [row.category, ...cells(row)]),
      ["all", ...cells(total)],
    ]),
    "",
    `restored ${total.restored}/${total.cases} (${percent(total.restored, total.cases)}); ` +
      `truthful ${total.truthful}/${total.cases} (${percent(total.truthful, total.cases)}); ` +
      `passed ${total.passed}/${total.cases} (${percent(total.passed, total.cases)})`,
  ];
  const failures = results.filter((r) => !r.judgement.passed);
  if (failures.length > 0) {
    lines.push("", `Failing cases (${failures.length}):`);
    for (const failure of failures) {
      lines.push(`✗ ${failure.case.id}`, ...failure.reasons.map((reason) => `    ${reason}`));
      lines.push(...failure.judgement.problems.map((problem) => `    - ${problem}`));
    }
  }
  return lines.join("\n");
}

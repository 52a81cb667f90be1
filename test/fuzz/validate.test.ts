import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { defaultRegistry } from "../../src/run/prepare.ts";
import { fuzzFile } from "./experiments.ts";
import { issueProblems, thrownProblems } from "./properties.ts";
import { describeFailures, settings, type Tally } from "./settings.ts";

const signatures = defaultRegistry().allSignatures();

async function check(text: string, format: "yaml" | "json"): Promise<string[]> {
  const file = `fuzz/case.${format}`;
  let loaded: ReturnType<typeof parseExperimentText>;
  try {
    loaded = parseExperimentText(text, file, format);
  } catch (error) {
    return thrownProblems(error, file);
  }
  try {
    const result = await validateExperiment(loaded, {
      file,
      signatures,
      findExecutable: (path) => (path === "echo" || path === "true" ? `/usr/bin/${path}` : undefined),
      env: { FUZZ: "1" },
    });
    const problems = issueProblems(result.issues, file);
    if (result.valid !== !result.issues.some((i) => i.severity === "error"))
      problems.push("valid disagrees with the issues");
    return problems;
  } catch (error) {
    return [`validate threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
}

describe(`fuzz: load and validate (${settings.runs} files, seed ${settings.seed})`, () => {
  it(
    "never crash, always name the file, stay bounded, never print a workflow command",
    async () => {
      const tally: Tally = { cases: 0, failures: [] };
      let slowest = 0;
      await fc.assert(
        fc.asyncProperty(fuzzFile, async ({ text, format }) => {
          tally.cases++;
          const started = performance.now();
          const problems = await check(text, format);
          slowest = Math.max(slowest, performance.now() - started);
          if (problems.length > 0) tally.failures.push({ problems, sample: text });
        }),
        { numRuns: settings.runs, seed: settings.seed },
      );
      console.log(
        `fuzz: ${tally.cases} files loaded and validated, ${tally.failures.length} crashes, slowest ${Math.round(slowest)} ms (seed ${settings.seed})`,
      );
      expect(describeFailures(tally)).toBe("");
      expect(tally.cases).toBe(settings.runs);
    },
    60_000 + settings.runs * 100,
  );
});

// Validation of the safeguards control (chaosaddons.controls.safeguards), which chaos-action runs.
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../src/experiment/errors.ts";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";

async function check(yaml: string) {
  const loaded = parseExperimentText(yaml, "x.yaml", "yaml");
  const result = await validateExperiment(loaded, {
    file: "x.yaml",
    signatures: fakeSignatures,
    findExecutable: fakeFindExecutable,
    env: fakeEnv,
  });
  return { ...result, lines: result.issues.map(formatIssue) };
}

const control = (probes: string) =>
  `title: t\ndescription: d\nmethod: []\ncontrols:\n  - name: stop-conditions\n    provider:\n      type: python\n      module: chaosaddons.controls.safeguards\n      arguments:\n        probes:\n${probes}`;

const probe = (name: string, extra = "") =>
  `          - type: probe\n            name: ${name}\n            tolerance: 0\n            provider:\n              type: process\n              path: echo\n${extra}`;

describe("the safeguards control", () => {
  it("is run, so it is not warned about; another control still is, by name", async () => {
    const result = await check(
      `${control(probe("budget", "            frequency: 5\n") + probe("once", "            background: true\n"))}  - name: tracing\n    provider:\n      type: python\n      module: chaostracing.control\n`,
    );
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:4:1 controls: warning: controls are not run by chaos-action; ignoring 'tracing'",
    ]);
  });

  it("needs probes, each a probe with a tolerance and a positive frequency", async () => {
    expect((await check(control("          []\n"))).lines).toEqual([
      "x.yaml:10:9 controls[0].provider.arguments.probes: the safeguards control needs at least one probe here, got an empty list",
    ]);
    const result = await check(
      `${control(
        `${probe("slow", "            frequency: -1\n")}          - type: action\n            name: act\n            tolerance: 0\n            provider:\n              type: process\n              path: echo\n          - type: probe\n            name: no-tolerance\n            provider:\n              type: process\n              path: echo\n`,
      )}`,
    );
    expect(result.valid).toBe(false);
    expect(result.lines.map((line) => line.replace(/^x\.yaml:\d+:\d+ /, ""))).toEqual([
      "controls[0].provider.arguments.probes[0].frequency: a safeguard's frequency must be a number of seconds above 0, got an integer (-1)",
      "controls[0].provider.arguments.probes[1].type: a safeguard must be a probe, not an action",
      "controls[0].provider.arguments.probes[2].tolerance: hypothesis probe must have a tolerance entry",
    ]);
  });
});

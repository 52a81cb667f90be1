// `validate` checks chaosprometheus calls against the signatures: names, required arguments, types.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../src/experiment/errors.ts";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { defaultRegistry } from "../../src/run/prepare.ts";

const validate = async (yaml: string, env: Record<string, string> = {}) =>
  await validateExperiment(parseExperimentText(yaml, "x.yaml", "yaml"), {
    file: "x.yaml",
    signatures: defaultRegistry().allSignatures(),
    findExecutable: () => undefined,
    env,
  });

async function check(func: string, args: string) {
  const yaml = `title: t
description: d
steady-state-hypothesis:
  title: h
  probes:
    - type: probe
      name: p
      tolerance: true
      provider: {type: python, module: chaosprometheus.probes, func: ${func}, arguments: ${args}}
method: []
`;
  return (await validate(yaml)).issues.map(formatIssue);
}

describe("validating chaosprometheus probes", () => {
  it("accepts upstream's calls, numbers or strings where Prometheus reads either", async () => {
    expect(
      await check("query", '{query: "up", when: "5 minutes ago", timeout: 30, verify_tls: false}'),
    ).toEqual([]);
    expect(await check("query", '{query: "up", when: 1700000000, timeout: "30s"}')).toEqual([]);
    expect(
      await check("query_interval", '{query: "up", start: "30 seconds ago", end: "now", step: 3}'),
    ).toEqual([]);
    expect(
      await check("query_interval", '{query: "up", start: 1700000000, end: "now", step: "15s"}'),
    ).toEqual([]);
    expect(await check("compute_mean", '{query: "up", window: "1h", mean_type: "harmonic"}')).toEqual([]);
    expect(await check("nodes_cpu_usage_mean", "{}")).toEqual([]);
  });

  it("reports unknown functions, unknown or missing arguments and wrong types", async () => {
    expect(await check("query_range", '{query: "up"}')).toEqual([
      expect.stringContaining(
        "does not expose a function called 'query_range' in probe 'p'; supported functions of chaosprometheus.probes: compute_mean, nodes_cpu_usage_mean, query, query_interval",
      ),
    ]);
    expect(await check("query", '{querry: "up"}')).toEqual([
      expect.stringContaining(
        "required argument 'query' is missing from activity 'p' (chaosprometheus.probes.query)",
      ),
      expect.stringContaining(
        "argument 'querry' is not part of the function signature in activity 'p' (chaosprometheus.probes.query takes: query, when, timeout, verify_tls)",
      ),
    ]);
    expect(await check("query_interval", '{query: "up", start: [1], end: "now", step: true}')).toEqual([
      expect.stringContaining(
        "arguments.start: argument 'start' of chaosprometheus.probes.query_interval expects a number or a string, got a list",
      ),
      expect.stringContaining(
        "arguments.step: argument 'step' of chaosprometheus.probes.query_interval expects a number or a string",
      ),
    ]);
    expect(await check("compute_mean", '{query: "up", window: 1}')).toEqual([
      expect.stringContaining("argument 'window' of chaosprometheus.probes.compute_mean expects a string"),
    ]);
  });
});

describe("the README's Prometheus example", () => {
  it("validates", async () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Prometheus probes"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("chaosprometheus.probes");
    const result = await validate(`title: t\ndescription: d\nmethod: []\n${example}`, {
      PROMETHEUS_TOKEN: "t0k3n-x",
    });
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

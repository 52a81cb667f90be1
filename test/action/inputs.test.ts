import * as core from "@actions/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  ActionInputError,
  failsStep,
  INPUT_NAMES,
  parseActionInputs,
  parseDurationSeconds,
  parseWorkloadRef,
  type RawInputs,
  readRawInputs,
} from "../../src/action/inputs.ts";

const envKeys: string[] = [];

/** Sets inputs the way the runner does: INPUT_ + the name upper-cased, hyphens kept. */
function setInputs(values: Partial<Record<string, string>>) {
  for (const [name, value] of Object.entries(values)) {
    const key = `INPUT_${name.toUpperCase()}`;
    envKeys.push(key);
    process.env[key] = value;
  }
}

afterEach(() => {
  for (const key of envKeys.splice(0)) delete process.env[key];
});

const raw = (values: Partial<RawInputs> = {}): RawInputs => {
  const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return { ...empty, ...values };
};

describe("reading inputs through @actions/core", () => {
  it("reads INPUT_* variables, hyphenated names included", () => {
    setInputs({
      experiments: "experiments/pods/\nexperiments/nodes/*.yaml",
      cluster: "kind",
      "fail-on": "failure",
      "cluster-name": "gate",
      vars: "replicas=3\nurl=http://web/?a=1,b=2",
      "wait-for": "deployment/web, shop/statefulset/db",
      "dry-run": "true",
      "github-token": "ghs_example",
    });
    const inputs = parseActionInputs(readRawInputs((name) => core.getInput(name)));
    expect(inputs).toMatchObject({
      options: {
        targets: ["experiments/pods/", "experiments/nodes/*.yaml"],
        vars: ["replicas=3", "url=http://web/?a=1,b=2"],
        dryRun: true,
      },
      cluster: "kind",
      failOn: "failure",
      clusterName: "gate",
      waitFor: [
        { namespace: "default", kind: "deployment", name: "web" },
        { namespace: "shop", kind: "statefulset", name: "db" },
      ],
      githubToken: "ghs_example",
    });
  });

  it("applies the documented defaults when nothing is set", () => {
    const inputs = parseActionInputs(readRawInputs((name) => core.getInput(name)));
    expect(inputs).toMatchObject({
      options: { targets: ["experiments/"], failFast: false, dryRun: false },
      cluster: "existing",
      clusterName: "chaos-action",
      failOn: "deviation",
      comment: "always",
      waitFor: [],
      waitForTimeoutSeconds: 300,
    });
    expect(inputs.options.timeoutSeconds).toBeUndefined();
  });
});

describe("checking inputs", () => {
  it("names the input and the allowed values", () => {
    expect(() => parseActionInputs(raw({ "fail-on": "sometimes" }))).toThrow(
      'Invalid input: fail-on: "sometimes" is not one of deviation, failure, never',
    );
  });

  it("reports every problem at once", () => {
    try {
      parseActionInputs(
        raw({
          cluster: "minikube",
          comment: "loud",
          "dry-run": "yes",
          "timeout-minutes": "-1",
          "hypothesis-strategy": "sometimes",
          "wait-for": "web",
          vars: "novalue",
          "max-affected": "lots",
        }),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ActionInputError);
      const problems = (error as ActionInputError).problems;
      expect(problems).toHaveLength(8);
      expect(problems.join("\n")).toMatch(/cluster: "minikube" is not one of existing, kind, sim/);
      expect(problems.join("\n")).toMatch(/dry-run: "yes" is not a boolean/);
      expect(problems.join("\n")).toMatch(/wait-for: "web" is not a workload/);
      expect(problems.join("\n")).toMatch(/vars: "novalue" is not key=value/);
    }
  });

  it("uploads the journals unless told not to, under a name the results service accepts", () => {
    expect(parseActionInputs(raw())).toMatchObject({ uploadJournals: true, artifactName: undefined });
    expect(
      parseActionInputs(raw({ "upload-journals": "false", "artifact-name": "chaos-eu-1" })),
    ).toMatchObject({
      uploadJournals: false,
      artifactName: "chaos-eu-1",
    });
    expect(() => parseActionInputs(raw({ "upload-journals": "yes", "artifact-name": "eu/1" }))).toThrow(
      'Invalid inputs:\n  - upload-journals: "yes" is not a boolean: use true or false\n  - artifact-name: "eu/1" holds "/"',
    );
  });

  it("refuses inputs that do not fit the cluster mode", () => {
    expect(() => parseActionInputs(raw({ cluster: "existing", "kind-version": "v0.32.0" }))).toThrow(
      /kind-version is only used with cluster: kind/,
    );
    expect(() => parseActionInputs(raw({ cluster: "kind", kubeconfig: "apiVersion: v1" }))).toThrow(
      /kubeconfig: cluster: kind creates its own cluster/,
    );
    expect(() => parseActionInputs(raw({ cluster: "kind", "kind-version": "latest" }))).toThrow(
      /kind-version: "latest" is not a kind release tag/,
    );
    expect(() => parseActionInputs(raw({ "cluster-name": "My_Cluster" }))).toThrow(/cluster-name/);
  });

  it("parses durations and workloads", () => {
    expect(parseDurationSeconds("90")).toBe(90);
    expect(parseDurationSeconds("5m")).toBe(300);
    expect(parseDurationSeconds("soon")).toBeUndefined();
    expect(parseWorkloadRef("ds/node-agent")).toEqual({
      namespace: "default",
      kind: "daemonset",
      name: "node-agent",
    });
    expect(parseWorkloadRef("a/b/c/d")).toMatch(/not a workload/);
  });
});

describe("fail-on", () => {
  it("is a threshold over the combined verdict", () => {
    const table = (["passed", "skipped", "deviated", "failed", "invalid"] as const).map((verdict) => [
      verdict,
      failsStep(verdict, "deviation"),
      failsStep(verdict, "failure"),
      failsStep(verdict, "never"),
    ]);
    expect(table).toEqual([
      ["passed", false, false, false],
      ["skipped", false, false, false],
      ["deviated", true, false, false],
      ["failed", true, true, false],
      ["invalid", true, true, true],
    ]);
  });
});

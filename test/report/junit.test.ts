import { describe, expect, it } from "vitest";
import { renderJUnit } from "../../src/report/junit.ts";
import { invalidOutcome, outcomeOf } from "./journals.ts";

describe("renderJUnit", () => {
  const outcomes = [
    outcomeOf("terminate-pod-held"),
    outcomeOf("single-replica-deviated"),
    outcomeOf("unhealthy-before-failed"),
    invalidOutcome,
    {
      file: "experiments/dry.yaml",
      title: "Dry",
      verdict: "skipped" as const,
      reason: "dry run",
      issues: [],
    },
  ];
  const xml = renderJUnit({ verdict: "invalid", outcomes });

  it("counts one test case per experiment, by kind of result", () => {
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="chaos-action" tests="5"/,
    );
    expect(xml).toContain('tests="5" failures="1" errors="2" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
  });

  it("makes a pass an empty test case with the experiment file as class", () => {
    expect(xml).toContain(
      '<testcase name="Killing one checkout pod keeps checkout serving" classname="experiments/checkout/kill-pod.yaml" file="experiments/checkout/kill-pod.yaml" time="7.250"/>',
    );
  });

  it("reports a deviation as a failure naming the probe, its value and tolerance", () => {
    expect(xml).toContain('<failure message="deviated: web-pods-running" type="deviated">');
    expect(xml).toContain("probe web-pods-running: got false, expected true");
  });

  it("reports runs that proved nothing and invalid files as errors with their location", () => {
    expect(xml).toContain(
      '<error message="failed: steady state was not met before any fault was injected (cart-healthz)" type="failed">',
    );
    expect(xml).toContain(
      "experiments/broken.yaml:12:7 method[0].provider.url: is required for an http provider",
    );
    expect(xml).toContain('<skipped message="dry run"/>');
  });

  it("escapes XML and masks secrets", () => {
    const tricky = { ...invalidOutcome, title: 'a <b> & "c" token-xyz', reason: "invalid: \u0001bad" };
    const out = renderJUnit({ verdict: "invalid", outcomes: [tricky] }, { secrets: ["token-xyz"] });
    expect(out).toContain('name="a &lt;b&gt; &amp; &quot;c&quot; ***"');
    expect(out).toContain('message="invalid: bad"');
    expect(out).not.toContain("token-xyz");
  });
});

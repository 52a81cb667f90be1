import { describe, expect, it } from "vitest";
import { redact } from "../../src/experiment/redact.ts";
import { COMMENT_LIMIT, capReport } from "../../src/report/budget.ts";
import {
  formatDuration,
  formatTolerance,
  renderReport,
  renderRunFailure,
} from "../../src/report/markdown.ts";
import { invalidOutcome, journal, outcomeOf } from "./journals.ts";

describe("renderReport", () => {
  const held = outcomeOf("terminate-pod-held");
  const deviated = outcomeOf("single-replica-deviated");
  const unhealthy = outcomeOf("unhealthy-before-failed");
  const interrupted = outcomeOf("interrupted-with-undo");

  it("says in words that the system held, with the counts, commit and cluster context", () => {
    const report = renderReport({ verdict: "passed", outcomes: [held] });
    expect(report).toMatch(/^## ✅ Chaos gate: the system held\n/);
    expect(report).toContain("1 experiment: 1 held");
    expect(report).toContain("commit `3f2a9c8`");
    expect(report).toContain("cluster `kind-chaos-action` (Kubernetes v1.32.2)");
    expect(report).toContain("Killing one checkout pod keeps checkout serving: held");
  });

  it("names the pods an action deleted, with namespace, uid and node", () => {
    const report = renderReport({ verdict: "passed", outcomes: [held] });
    expect(report).toContain("Pod shop/checkout-6b7f9c-x2k4p (uid 0f3c2a51): deleted");
    expect(report).toContain("`chaosk8s.pod.actions.terminate_pods`");
  });

  it("never prints the API server address unless asked", () => {
    const hidden = renderReport({ verdict: "passed", outcomes: [held] });
    expect(hidden).not.toContain("127.0.0.1:39211");
    const shown = renderReport({ verdict: "passed", outcomes: [held] }, { showServer: true });
    expect(shown).toContain("https://127.0.0.1:39211");
  });

  it("hides the API server even where an error message quotes it", () => {
    const source = journal("terminate-pod-held");
    source.run[0]!.status = "failed";
    source.run[0]!.exception = ["ActivityFailed: connect ECONNREFUSED 127.0.0.1:39211"];
    const report = renderReport({
      verdict: "failed",
      outcomes: [
        {
          ...outcomeOf("terminate-pod-held"),
          reason: "failed: https://127.0.0.1:39211 refused",
          journal: source,
        },
      ],
    });
    expect(report).not.toContain("127.0.0.1:39211");
    expect(report).toContain("connect ECONNREFUSED (the API server)");
  });

  it("shows each probe before and after with its value, tolerance and verdict", () => {
    const report = renderReport({ verdict: "deviated", outcomes: [deviated] });
    expect(report).toContain("| before | web-pods-running | `true` | `true` | ✅ met |");
    expect(report).toContain("| after | web-pods-running | `false` | `true` | ❌ missed |");
    expect(report).toContain("| before | web-replicas | `3` | `in range [1, 3]` | ✅ met |");
  });

  it("shows what scaling changed, the rollbacks and our own undo steps", () => {
    const report = renderReport({ verdict: "deviated", outcomes: [deviated] });
    expect(report).toContain("Deployment default/web (uid 5e6f7a8b): replicas 3 → 1");
    expect(report).toContain("Pod default/web-5c8d7b-q9w2e (uid 7a1b2c3d) on kind-worker");
    expect(report).toContain("**Rollbacks**");
    expect(report).toContain("scale-web-back");
    expect(report).toContain("| scale deployment default/web back to 3 replicas | ✅ succeeded | 90 ms |");
  });

  it("puts failures first and folds what held", () => {
    const report = renderReport({
      verdict: "invalid",
      outcomes: [held, deviated, invalidOutcome, unhealthy],
    });
    const sections = [
      "### ⛔ experiments/broken.yaml",
      "### 🔥 Cart survives a node drain",
      "### ❌ A single-replica web",
      "<summary>✅ Killing one checkout pod",
    ].map((heading) => report.indexOf(heading));
    expect(sections.every((position) => position > 0)).toBe(true);
    expect(sections).toEqual([...sections].sort((a, b) => a - b));
    expect(report).toContain("4 experiments: 1 invalid, 1 failed, 1 deviated, 1 held");
    expect(report).toMatch(
      /<details>\n<summary>✅ Killing one checkout pod keeps checkout serving: held<\/summary>/,
    );
    expect(report).toMatch(
      /### ❌ A single-replica web does not survive losing its pod: deviated: web-pods-running/,
    );
  });

  it("points validation errors at file, line, column and path", () => {
    const report = renderReport({ verdict: "invalid", outcomes: [invalidOutcome] });
    expect(report).toContain("## ⛔ Chaos gate: invalid experiments, nothing ran");
    expect(report).toContain(
      "- ⛔ `experiments/broken.yaml:12:7` at `method[0].provider.url`: is required for an http provider",
    );
  });

  it("says no fault was injected when the system was unhealthy before the method", () => {
    const report = renderReport({ verdict: "failed", outcomes: [unhealthy] });
    expect(report).toContain("No fault was injected.");
    expect(report).toContain(
      '| before | cart-healthz | ``status 503, body "upstream unavailable"`` |'.replaceAll("``", "`"),
    );
    expect(report).not.toContain("**Method**");
  });

  it("marks an interrupted activity and lists the cleanup that followed", () => {
    const report = renderReport({ verdict: "failed", outcomes: [interrupted] });
    expect(report).toContain("⏹️ interrupted");
    expect(report).toContain("Node kind-worker: cordoned");
    expect(report).toContain("| uncordon node kind-worker | ✅ succeeded | 100 ms |");
    expect(report).toContain("status `interrupted`");
  });

  it("summarises the checks made during the method", () => {
    const source = journal("single-replica-deviated");
    const probe = source.steady_states.before!.probes[0]!;
    source.steady_states.during = [
      { steady_state_met: true, probes: [probe] },
      { steady_state_met: false, probes: [{ ...probe, output: false, tolerance_met: false }] },
      { steady_state_met: true, probes: [probe] },
    ];
    const report = renderReport({
      verdict: "deviated",
      outcomes: [{ ...outcomeOf("single-replica-deviated"), journal: source }],
    });
    expect(report).toContain("| during | web-pods-running | `false` | `true` | ❌ missed 1 of 3 |");
  });

  it("masks every secret value, wherever it appears", () => {
    const source = journal("terminate-pod-held");
    source.run[0]!.activity.name = "kill-with-token-s3cr3t-value";
    const report = renderReport(
      { verdict: "passed", outcomes: [{ ...outcomeOf("terminate-pod-held"), journal: source }] },
      { secrets: ["s3cr3t-value"] },
    );
    expect(report).not.toContain("s3cr3t-value");
    expect(report).toContain("kill-with-token-***");
  });

  it("masks secrets before escaping, clipping or charting could change them", () => {
    const secret = "tok_en*with|marks:1";
    const source = journal("single-replica-deviated");
    source.run[0]!.activity.name = `kill ${secret}`;
    source.run[0]!.status = "failed";
    source.run[0]!.exception = [`refused with ${secret}`];
    source.steady_states.after!.probes[0]!.activity.name = `probe-${secret}`;
    const report = renderReport(
      {
        verdict: "deviated",
        outcomes: [
          { ...outcomeOf("single-replica-deviated"), title: `${"t".repeat(195)}${secret}`, journal: source },
        ],
      },
      { secrets: [secret] },
    );
    for (const fragment of ["tok_en", "tok\\_en", "with|marks", "with\\|marks", "marks 1", "tok"]) {
      expect(report).not.toContain(fragment);
    }
    expect(report).toContain("kill \\*\\*\\*");
    expect(report).toContain("    ⚠ kill *** :crit, ");
  });

  it("escapes what would break the markdown: pipes in cells, HTML in titles", () => {
    const source = journal("terminate-pod-held");
    source.run[0]!.activity.name = "a|b";
    const report = renderReport({
      verdict: "passed",
      outcomes: [{ ...outcomeOf("terminate-pod-held"), title: "<script>x</script>", journal: source }],
    });
    expect(report).toContain("a\\|b");
    expect(report).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(report).not.toContain("<script>");
  });

  it("links the commit when the repository is known", () => {
    const report = renderReport(
      { verdict: "passed", outcomes: [held] },
      { repositoryUrl: "https://github.com/acme/shop" },
    );
    expect(report).toContain(
      "[`3f2a9c8`](https://github.com/acme/shop/commit/3f2a9c8e1b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39)",
    );
  });

  it("says zero experiments matched instead of passing", () => {
    expect(renderReport({ verdict: "invalid", outcomes: [] })).toContain("no experiment matched");
  });
});

describe("renderRunFailure", () => {
  it("says the run failed before any verdict and quotes the reason, secrets masked", () => {
    const report = renderRunFailure("Applying ConfigMap shop/settings failed: token s3cr3t refused", {
      secrets: ["s3cr3t"],
      subtitle: "eu-1",
    });
    expect(report).toBe(
      [
        "## 🔥 Chaos gate: the run failed and proved nothing",
        "",
        "<sub>eu-1</sub>",
        "",
        "The run stopped before any experiment reached a verdict.",
        "",
        "```text",
        "Applying ConfigMap shop/settings failed: token *** refused",
        "```",
        "",
      ].join("\n"),
    );
  });

  it("keeps a reason quoting backticks inside its fence", () => {
    expect(renderRunFailure("bad ``` fence")).toContain("````text\nbad ``` fence\n````\n");
  });

  it("points at the job summary instead of the reason where the report is public", () => {
    const url = "https://github.com/acme/shop/actions/runs/42";
    expect(renderRunFailure(undefined, { runUrl: url })).toContain(
      `The reason is in the [job summary](${url}).`,
    );
  });
});

describe("capReport", () => {
  it("leaves a report within the limit untouched", () => {
    expect(capReport("short\n", 100)).toBe("short\n");
  });

  it("cuts at a line, closes open <details> and links the job summary", () => {
    const many = Array.from({ length: 40 }, () => outcomeOf("terminate-pod-held"));
    const report = renderReport({ verdict: "passed", outcomes: many });
    expect(report.length).toBeGreaterThan(5000);
    const url = "https://github.com/acme/shop/actions/runs/42";
    const capped = capReport(report, 5000, url);
    expect(capped.length).toBeLessThanOrEqual(5000);
    expect(capped).toContain(`[job summary](${url})`);
    const opened = capped.match(/<details>/g)?.length ?? 0;
    const closed = capped.match(/<\/details>/g)?.length ?? 0;
    expect(opened).toBe(closed);
  });

  it("defaults to GitHub's comment limit", () => {
    const huge = `${"x".repeat(100)}\n`.repeat(1000);
    expect(capReport(huge).length).toBeLessThanOrEqual(COMMENT_LIMIT);
  });
});

describe("formatting", () => {
  it("renders durations for people", () => {
    expect(formatDuration(0.042)).toBe("42 ms");
    expect(formatDuration(7.25)).toBe("7.3 s");
    expect(formatDuration(125)).toBe("2 min 5 s");
  });

  it("renders every tolerance shape", () => {
    expect(formatTolerance(true)).toBe("true");
    expect(formatTolerance([1, 3])).toBe("between 1 and 3");
    expect(formatTolerance(["a", "b", "c"])).toBe('one of ["a","b","c"]');
    expect(formatTolerance({ type: "regex", pattern: "ok", target: "body" })).toBe("matches /ok/ on body");
    expect(formatTolerance({ type: "jsonpath", path: "$.ready", expect: true })).toBe("$.ready = true");
  });

  it("redacts longer secrets before the shorter ones they contain", () => {
    expect(redact("token abcdef and abc", ["abc", "abcdef"])).toBe("token *** and ***");
  });
});

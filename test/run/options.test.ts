// The run's options: one parser for the CLI's flags and the action's inputs, every rule, every problem
// listed at once, each entry point naming its own options.
import { describe, expect, it } from "vitest";
import { ActionInputError, INPUT_NAMES, parseActionInputs, type RawInputs } from "../../src/action/inputs.ts";
import { parseCommandLine, type RunCommand, UsageError } from "../../src/cli/args.ts";
import {
  checkBoolean,
  checkChoice,
  checkDuration,
  checkMaxAffected,
  checkVar,
  type OptionSurface,
  parseRunOptions,
  runOptions,
} from "../../src/run/options.ts";

/** A surface that shows the raw parts of each problem. */
const plain: OptionSurface = {
  names: { maxAffected: "max", timeout: "timeout", hypothesisFrequency: "freq", vars: "var" },
  problem: (name, value, expected) => `${name}|${value}|${expected}`,
};

const raw = (values: Partial<RawInputs> = {}): RawInputs => {
  const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return { ...empty, ...values };
};

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ActionInputError) return error.problems;
    throw error;
  }
  return [];
}

describe("max-affected", () => {
  it("reads whole counts and percentages, fractions included", () => {
    expect(checkMaxAffected("3")).toEqual({ ok: true, value: { kind: "count", value: 3 } });
    expect(checkMaxAffected(" 50% ")).toEqual({ ok: true, value: { kind: "percent", value: 50 } });
    expect(checkMaxAffected("12.5%")).toEqual({ ok: true, value: { kind: "percent", value: 12.5 } });
    expect(checkMaxAffected("100%")).toEqual({ ok: true, value: { kind: "percent", value: 100 } });
  });

  it.each([
    ["", /a whole number of objects such as "3", or a percentage such as "50%"/],
    ["three", /a whole number of objects such as "3", or a percentage such as "50%"/],
    ["abc", /a whole number/],
    ["-1", /a whole number/],
    ["1.5", /a whole number/],
    ["0", /at least 1 object/],
    ["0%", /above 0% and at most 100%/],
    ["150%", /above 0% and at most 100%/],
  ])("refuses %j with a clear message", (text, message) => {
    const checked = checkMaxAffected(text);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.expected).toMatch(message);
  });
});

describe("the rules", () => {
  it("durations: positive, a bare number in the surface's unit or with its own", () => {
    expect(checkDuration("90")).toEqual({ ok: true, value: 90 });
    expect(checkDuration("0.5")).toEqual({ ok: true, value: 0.5 });
    expect(checkDuration(".5")).toEqual({ ok: true, value: 0.5 });
    expect(checkDuration("90s")).toEqual({ ok: true, value: 90 });
    expect(checkDuration("5m")).toEqual({ ok: true, value: 300 });
    expect(checkDuration("1h")).toEqual({ ok: true, value: 3600 });
    expect(checkDuration("10", "minutes")).toEqual({ ok: true, value: 600 });
    expect(checkDuration("30s", "minutes")).toEqual({ ok: true, value: 30 });
    for (const bad of ["0", "-1", "soon", "", "5d", "Infinity"]) {
      expect(checkDuration(bad)).toEqual({
        ok: false,
        expected: "a positive number of seconds (or a duration such as 90s or 5m)",
      });
    }
    expect(checkDuration("-1", "minutes")).toMatchObject({ ok: false, expected: /of minutes/ });
  });

  it("choices, booleans and vars", () => {
    expect(checkChoice("always", ["default", "always"])).toEqual({ ok: true, value: "always" });
    expect(checkChoice("maybe", ["default", "always"])).toEqual({
      ok: false,
      expected: "one of default, always",
    });
    expect(["true", "True", "TRUE", true].map((t) => checkBoolean(t))).toEqual(
      Array(4).fill({ ok: true, value: true }),
    );
    expect(["false", "False", "FALSE", false].map((t) => checkBoolean(t))).toEqual(
      Array(4).fill({ ok: true, value: false }),
    );
    expect(checkBoolean("yes").ok).toBe(false);
    expect(checkVar("a=1").ok).toBe(true);
    expect(checkVar("n:int=2").ok).toBe(true);
    expect(checkVar("empty=").ok).toBe(true);
    expect(checkVar("novalue").ok).toBe(false);
    expect(checkVar("=1").ok).toBe(false);
  });
});

describe("parseRunOptions", () => {
  it("fills the defaults when nothing is given", () => {
    expect(parseRunOptions({}, plain)).toEqual({
      options: { ...runOptions(), namespaces: undefined },
      problems: [],
    });
    expect(runOptions()).toMatchObject({ targets: ["experiments/"], failFast: false, dryRun: false });
  });

  it("reads the Lease wait as a duration that may be 0, 120 s when not given", () => {
    const wait = (leaseWait?: string) => parseRunOptions({ leaseWait }, plain);
    expect(wait().options.leaseWaitSeconds).toBe(120);
    expect(wait("0").options.leaseWaitSeconds).toBe(0);
    expect(wait("2m").options.leaseWaitSeconds).toBe(120);
    expect(wait("30").options.leaseWaitSeconds).toBe(30);
    expect(wait("-1").problems).toEqual([
      "leaseWait|-1|a non-negative number of seconds (or a duration such as 90s or 5m)",
    ]);
    expect(() => parseCommandLine(["run", "--lease-wait", "soon"])).toThrow(
      "--lease-wait expects a non-negative number of seconds (or a duration such as 90s or 5m), got 'soon'",
    );
    expect((parseCommandLine(["run", "--lease-wait", "0"]) as RunCommand).options.leaseWaitSeconds).toBe(0);
    expect(() => parseActionInputs(raw({ "lease-wait": "soon" }))).toThrow(
      'lease-wait: "soon" is not a non-negative',
    );
  });

  it("types every option: strategies as enums, max-affected parsed, durations in seconds", () => {
    const { options, problems } = parseRunOptions(
      {
        targets: ["a.yaml"],
        vars: ["x=1"],
        hypothesisStrategy: "continously",
        hypothesisFrequency: "0.5",
        rollbackStrategy: "deviated",
        failFast: "true",
        dryRun: true,
        namespaces: ["shop", ""],
        maxAffected: "12.5%",
        timeout: "2m",
        activityTimeout: "20",
      },
      plain,
    );
    expect(problems).toEqual([]);
    expect(options).toMatchObject({
      targets: ["a.yaml"],
      vars: ["x=1"],
      hypothesisStrategy: "continuously",
      hypothesisFrequencySeconds: 0.5,
      rollbackStrategy: "deviated",
      failFast: true,
      dryRun: true,
      namespaces: ["shop"],
      maxAffected: { kind: "percent", value: 12.5 },
      timeoutSeconds: 120,
      activityTimeoutSeconds: 20,
    });
  });

  it("lists every problem at once, by the surface's names and in its voice", () => {
    const { problems } = parseRunOptions(
      {
        vars: ["ok=1", "novalue"],
        hypothesisStrategy: "sometimes",
        hypothesisFrequency: "0",
        failFast: "yes",
        rollbackStrategy: "maybe",
        dryRun: "no",
        maxAffected: "150%",
        timeout: "soon",
        activityTimeout: "-1",
      },
      plain,
    );
    expect(problems).toEqual([
      "var|novalue|key=value or key:type=value",
      expect.stringMatching(/^hypothesisStrategy\|sometimes\|one of default, /),
      expect.stringMatching(/^freq\|0\|a positive number of seconds/),
      "failFast|yes|a boolean: use true or false",
      "rollbackStrategy|maybe|one of default, always, never, deviated",
      "dryRun|no|a boolean: use true or false",
      "max|150%|a percentage above 0% and at most 100%",
      expect.stringMatching(/^timeout\|soon\|a positive number of seconds/),
      expect.stringMatching(/^activityTimeout\|-1\|a positive number of seconds/),
    ]);
  });
});

describe("the CLI and the action feed the same parser", () => {
  it("equal values give equal options", () => {
    const cli = parseCommandLine([
      "run",
      "a.yaml",
      "--var",
      "x=1",
      "--hypothesis-strategy",
      "continuously",
      "--hypothesis-frequency",
      "2",
      "--rollback-strategy",
      "always",
      "--fail-fast",
      "--dry-run",
      "--namespaces",
      "shop,web",
      "--max-affected",
      "12.5%",
      "--timeout",
      "600",
    ]) as RunCommand;
    const action = parseActionInputs(
      raw({
        experiments: "a.yaml",
        vars: "x=1",
        "hypothesis-strategy": "continuously",
        "hypothesis-frequency": "2",
        "rollback-strategy": "always",
        "fail-fast": "true",
        "dry-run": "true",
        namespaces: "shop\nweb",
        "max-affected": "12.5%",
        "timeout-minutes": "10",
      }),
    );
    expect(action.options).toEqual(cli.options);
    expect(cli.options.maxAffected).toEqual({ kind: "percent", value: 12.5 });
  });

  it.each(["0", "150%", "-1", "abc"])("both refuse max-affected %j, each naming its own option", (value) => {
    // `--max-affected=-1`: node:util refuses `--max-affected -1` as a missing argument (exit 2 as well).
    const cli = problemsOf(() => parseCommandLine(["run", `--max-affected=${value}`]));
    const action = problemsOf(() => parseActionInputs(raw({ "max-affected": value })));
    expect(cli).toHaveLength(1);
    expect(action).toHaveLength(1);
    expect(cli[0]).toMatch(new RegExp(`^--max-affected expects .*, got '${value}'$`));
    expect(action[0]).toMatch(new RegExp(`^max-affected: "${value}" is not `));
    // The same rule said both ways: what is expected is word for word the same.
    expect(cli[0]!.replace(/^--max-affected expects (.*), got .*$/, "$1")).toBe(
      action[0]!.replace(/^max-affected: "[^"]*" is not /, ""),
    );
  });

  it("the CLI lists every bad flag at once, its own and the run's", () => {
    const problems = problemsOf(() =>
      parseCommandLine([
        "run",
        "--max-affected",
        "0",
        "--timeout",
        "soon",
        "--rollback-strategy",
        "maybe",
        "--sim-latency",
        "5",
      ]),
    );
    expect(problems).toEqual([
      "--rollback-strategy expects one of default, always, never, deviated, got 'maybe'",
      "--max-affected expects a count of at least 1 object (with 0 no action could inject a fault), got '0'",
      "--timeout expects a positive number of seconds (or a duration such as 90s or 5m), got 'soon'",
      "--sim-latency only applies with --cluster sim",
    ]);
  });

  it("the action's timeout is in minutes, its wait-for-timeout in seconds", () => {
    const inputs = parseActionInputs(raw({ "timeout-minutes": "1.5", "wait-for-timeout": "90" }));
    expect(inputs.options.timeoutSeconds).toBe(90);
    expect(inputs.waitForTimeoutSeconds).toBe(90);
    expect(problemsOf(() => parseActionInputs(raw({ "wait-for-timeout": "later" })))).toEqual([
      'wait-for-timeout: "later" is not a positive number of seconds (or a duration such as 90s or 5m)',
    ]);
  });

  it("both read the recovery timeout in seconds, 0 turning the check off, absent leaving the default", () => {
    expect(
      (parseCommandLine(["run", "--recovery-timeout", "0"]) as RunCommand).options.recoveryTimeoutSeconds,
    ).toBe(0);
    expect(
      (parseCommandLine(["run", "--recovery-timeout", "2m"]) as RunCommand).options.recoveryTimeoutSeconds,
    ).toBe(120);
    expect((parseCommandLine(["run"]) as RunCommand).options.recoveryTimeoutSeconds).toBeUndefined();
    expect(parseActionInputs(raw({ "recovery-timeout": "0s" })).options.recoveryTimeoutSeconds).toBe(0);
    expect(parseActionInputs(raw({ "recovery-timeout": "45" })).options.recoveryTimeoutSeconds).toBe(45);
    expect(parseActionInputs(raw()).options.recoveryTimeoutSeconds).toBeUndefined();
    expect(problemsOf(() => parseCommandLine(["run", "--recovery-timeout=-1"]))).toEqual([
      "--recovery-timeout expects a non-negative number of seconds (or a duration such as 90s or 5m), got '-1'",
    ]);
    expect(problemsOf(() => parseActionInputs(raw({ "recovery-timeout": "never" })))).toEqual([
      'recovery-timeout: "never" is not a non-negative number of seconds (or a duration such as 90s or 5m)',
    ]);
  });
});

describe("--allow-node-drain", () => {
  const surface = {
    names: { allowNodeDrain: "allow-node-drain" },
    problem: (name: string, value: string, expected: string) => `${name}: "${value}" is not ${expected}`,
  };
  it("is off unless given, on when true, and a clear problem otherwise", () => {
    expect(parseRunOptions({}, surface).options).not.toHaveProperty("allowNodeDrain");
    expect(parseRunOptions({ allowNodeDrain: "false" }, surface).options).not.toHaveProperty(
      "allowNodeDrain",
    );
    expect(parseRunOptions({ allowNodeDrain: "true" }, surface).options.allowNodeDrain).toBe(true);
    expect(parseRunOptions({ allowNodeDrain: "yes" }, surface).problems).toEqual([
      'allow-node-drain: "yes" is not a boolean: use true or false',
    ]);
  });
});

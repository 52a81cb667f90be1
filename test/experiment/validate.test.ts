// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Chaos Toolkit placeholders are plain strings here.
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../src/experiment/errors.ts";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { type ValidateOptions, validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";

const options: ValidateOptions = {
  file: "x.yaml",
  signatures: fakeSignatures,
  findExecutable: fakeFindExecutable,
  env: fakeEnv,
};

async function check(yaml: string, overrides: Partial<ValidateOptions> = {}) {
  const loaded = parseExperimentText(yaml, "x.yaml", "yaml");
  const result = await validateExperiment(loaded, { ...options, ...overrides });
  return { ...result, lines: result.issues.map(formatIssue) };
}

const head = "title: t\ndescription: d\n";
const echo = (name: string, type = "action") =>
  `  - type: ${type}\n    name: ${name}\n    provider:\n      type: process\n      path: echo\n`;

describe("validateExperiment", () => {
  it("accepts a minimal experiment and returns it", async () => {
    const result = await check(`${head}method: []\n`);
    expect(result.lines).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.experiment).toEqual({ title: "t", description: "d", method: [] });
  });

  it("reports every error of a file, not only the first", async () => {
    const result = await check(
      "title: 3\nmethod:\n  - type: foo\n    name: a\n    provider:\n      type: process\n      path: nope\n  - ref: missing\n",
    );
    expect(result.valid).toBe(false);
    expect(result.experiment).toBeUndefined();
    expect(result.lines).toEqual([
      "x.yaml:1:1 title: experiment requires a title: expected a string, got an integer (3)",
      "x.yaml:1:1 description: experiment requires a description",
      "x.yaml:3:5 method[0].type: 'foo' is not a supported activity type (expected probe or action)",
      "x.yaml:7:7 method[0].provider.path: path 'nope' cannot be found, in activity 'a' (no executable of that name on PATH)",
      "x.yaml:8:5 method[1].ref: referenced activity 'missing' could not be found in the experiment (known activities: 'a')",
    ]);
  });

  it("only warns about unknown keys, so a file Chaos Toolkit accepts stays valid", async () => {
    const result = await check(`${head}dry_run: true\nmethod:\n${echo("a")}    extra: 1\n`);
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:3:1 dry_run: warning: unknown key 'dry_run' in the experiment is ignored",
      "x.yaml:10:5 method[0].extra: warning: unknown key 'extra' in an activity is ignored",
    ]);
  });

  it("treats an explicit null as absent where Chaos Toolkit's .get() does (see nulls.test.ts for every key)", async () => {
    const result = await check(
      `${head}tags:\nmethod:\n${echo("a")}    pauses:\n      after: null\n    timeout: null\n`,
    );
    expect(result.lines).toEqual([]);
    expect(result.experiment?.method[0]).toEqual({
      type: "action",
      name: "a",
      provider: { type: "process", path: "echo" },
      pauses: {},
    });
    expect(result.experiment).not.toHaveProperty("tags");
  });

  it("does not change the data it is given", async () => {
    const loaded = parseExperimentText(`${head}method:\n${echo("a")}    pauses: null\n`, "x.yaml", "yaml");
    await validateExperiment(loaded, options);
    expect((loaded.data as { method: object[] }).method[0]).toHaveProperty("pauses", null);
  });

  it("still rejects a null background and a null tolerance, as Chaos Toolkit does", async () => {
    const result = await check(
      `${head}steady-state-hypothesis:\n  title: h\n  probes:\n    - ref: a\n      tolerance: null\nmethod:\n${echo("a", "probe")}    background: null\n`,
    );
    expect(result.lines.map((l) => l.split(": ")[0])).toEqual([
      "x.yaml:7:7 steady-state-hypothesis.probes[0].tolerance",
      "x.yaml:14:5 method[0].background",
    ]);
  });

  it("resolves refs against the method and the hypothesis, from method, rollbacks and hypothesis", async () => {
    const result = await check(
      `${head}steady-state-hypothesis:\n  title: h\n  probes:\n    - type: probe\n      name: hp\n      tolerance: 0\n      provider:\n        type: process\n        path: echo\n    - ref: mp\n      tolerance: 0\nmethod:\n${echo("mp", "probe")}${echo("ma")}  - ref: hp\n  - type: probe\n    ref: mp\nrollbacks:\n  - ref: ma\n`,
    );
    expect(result.lines).toEqual([]);
  });

  it("warns about a `${name}` that names no configuration or secret value: it stays as written", async () => {
    const experiment = `title: t \${who}
description: d
configuration:
  base: http://127.0.0.1
secrets:
  api:
    token: s
method:
  - type: action
    name: a
    provider:
      type: process
      path: sh
      arguments: ["-c", "echo $HOME $\${literal} \${base} \${token} \${bse} \${bse} \${port}"]
    pauses:
      after: \${settle}
`;
    const result = await check(experiment);
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:1:1 title: warning: '${who}' names no configuration or secret value, so it stays as written (define it, or pass --var who=...)",
      "x.yaml:14:25 method[0].provider.arguments[1]: warning: '${bse}' and '${port}' name no configuration or secret value, so it stays as written (define it, or pass --var bse=...)",
      "x.yaml:16:7 method[0].pauses.after: warning: '${settle}' names no configuration or secret value, so it stays as written (define it, or pass --var settle=...)",
    ]);
    const vars = {
      configuration: { who: "me", bse: 1, port: 2 },
      secrets: { other: { settle: 3 } },
      env: {},
    };
    expect((await check(experiment, { vars })).lines).toEqual([]);
  });

  it("accepts actions in the hypothesis, as Chaos Toolkit runs them, with a warning", async () => {
    const viaRef = await check(
      `${head}steady-state-hypothesis:\n  title: h\n  probes:\n    - ref: ma\n      tolerance: 0\nmethod:\n${echo("ma")}`,
    );
    expect(viaRef.valid).toBe(true);
    expect(viaRef.lines).toEqual([
      "x.yaml:6:7 steady-state-hypothesis.probes[0].ref: warning: a steady-state hypothesis should only run probes, but 'ma' is an action: it runs on every check",
    ]);
    const inline = await check(
      `${head}steady-state-hypothesis:\n  title: h\n  probes:\n  - type: action\n    name: p\n    tolerance: 0\n    provider:\n      type: process\n      path: echo\nmethod: []\n`,
    );
    expect(inline.valid).toBe(true);
    expect(inline.lines).toEqual([
      "x.yaml:6:5 steady-state-hypothesis.probes[0].type: warning: a steady-state hypothesis should only run probes, and this is an action: it runs on every check",
    ]);
  });

  it("accepts what Chaos Toolkit does not check: an activity timeout of any number (ignored), odd jsonpath counts and targets, bool range bounds", async () => {
    const tolerance = (t: string) =>
      `${head}steady-state-hypothesis:\n  title: h\n  probes:\n  - type: probe\n    name: p\n    tolerance: ${t}\n    provider:\n      type: process\n      path: echo\nmethod: []\n`;
    const timeout = await check(`${head}method:\n${echo("a")}    timeout: 0\n`);
    expect(timeout.valid).toBe(true);
    expect(timeout.lines[0]).toMatch(/method\[0\]\.timeout: warning: an activity's `timeout` is not applied/);
    const count = await check(tolerance('{type: jsonpath, path: "$.a", count: "2", target: 1}'));
    expect(count.valid).toBe(true);
    expect(count.lines).toHaveLength(2);
    expect((await check(tolerance("{type: range, range: [false, 10]}"))).lines).toEqual([]);
    const status = await check(
      `${head}method:\n  - type: probe\n    name: h\n    provider:\n      type: http\n      url: http://127.0.0.1/\n      expected_status: 200\n`,
    );
    expect(status.valid).toBe(true);
    expect(status.lines[0]).toMatch(/expected_status: warning: `expected_status` is ignored/);
  });

  it("warns that tolerances outside the hypothesis are ignored, without validating them", async () => {
    const result = await check(`${head}method:\n${echo("a", "probe")}    tolerance: 1.5\n`);
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:9:5 method[0].tolerance: warning: a tolerance is only evaluated in the steady-state hypothesis; it is ignored here",
    ]);
  });

  it("lets --var overrides stand in for a missing environment variable", async () => {
    const yaml = `${head}configuration:\n  url:\n    type: env\n    key: FIXTURE_UNSET_URL\nmethod: []\n`;
    expect((await check(yaml)).valid).toBe(false);
    expect(
      (await check(yaml, { vars: { configuration: { url: "http://127.0.0.1" }, secrets: {}, env: {} } }))
        .lines,
    ).toEqual([]);
    expect(
      (await check(yaml, { vars: { configuration: {}, secrets: {}, env: { FIXTURE_UNSET_URL: "x" } } }))
        .valid,
    ).toBe(true);
  });

  describe("python providers", () => {
    const python = (args: string, func = "kill_things") =>
      `${head}configuration:\n  n: 2\nmethod:\n  - type: action\n    name: a\n    provider:\n      type: python\n      module: chaosfake.actions\n      func: ${func}\n      arguments:\n${args}`;

    it("accepts arguments of the declared types, and whole ${name} placeholders for any type", async () => {
      expect(
        (await check(python("        name: web\n        count: ${n}\n        force: ${n}\n"))).lines,
      ).toEqual([]);
      expect((await check(python("        label_selector: null\n", "restore_things"))).lines).toEqual([]);
      expect((await check(python("        label_selector: [a, b]\n", "restore_things"))).lines).toEqual([]);
    });

    it("checks strings with embedded placeholders as strings", async () => {
      expect((await check(python("        name: web\n        count: x${n}\n"))).lines).toEqual([
        "x.yaml:14:9 method[0].provider.arguments.count: argument 'count' of chaosfake.actions.kill_things expects an integer, got a string ('x${n}')",
      ]);
    });

    it("does not accept null for a parameter without a null default", async () => {
      expect((await check(python("        name: null\n"))).lines).toEqual([
        "x.yaml:13:9 method[0].provider.arguments.name: argument 'name' of chaosfake.actions.kill_things expects a string, got null",
      ]);
    });

    it("says when no python module is available at all", async () => {
      const result = await check(python("        name: web\n"), { signatures: [] });
      expect(result.lines[0]).toContain("could not find Python module 'chaosfake.actions' in activity 'a'");
      expect(result.lines[0]).toContain("no Python modules are available");
    });

    it("injects `value` into a probe used as a tolerance", async () => {
      const yaml = `${head}steady-state-hypothesis:\n  title: h\n  probes:\n    - ref: a\n      tolerance:\n        type: probe\n        name: check\n        provider:\n          type: python\n          module: chaosfake.probes\n          func: is_ok\nmethod:\n${echo("a", "probe")}`;
      expect((await check(yaml)).lines).toEqual([]);
    });

    it("warns about secret scopes that are not declared, and secrets put on the activity", async () => {
      const yaml = `${head}secrets:\n  k8s:\n    a: b\nmethod:\n  - type: probe\n    name: p\n    secrets: [k8s]\n    provider:\n      type: python\n      module: chaosfake.probes\n      func: count_things\n      secrets: [k8s, other]\n      arguments:\n        selector: x\n`;
      expect((await check(yaml)).lines).toEqual([
        "x.yaml:9:5 method[0].secrets: warning: `secrets` belongs on the provider (Chaos Toolkit ignores it on the activity)",
        "x.yaml:14:22 method[0].provider.secrets[1]: warning: secret scope 'other' is not declared in the experiment's `secrets`",
      ]);
    });
  });

  it("warns about deprecated process arguments as a mapping and ignored secret options", async () => {
    const yaml = `${head}secrets:\n  s:\n    k:\n      type: env\n      key: FIXTURE_TOKEN\n      default: x\nmethod:\n${echo("a")}      arguments:\n        -n: hello\n`;
    const result = await check(yaml);
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:8:7 secrets.s.k.default: warning: `default` is not supported for secrets and is ignored",
      "x.yaml:15:7 method[0].provider.arguments: warning: process arguments as a mapping are deprecated: use a list or a string",
    ]);
  });

  it("reports unsupported contributions and versions as warnings only", async () => {
    const result = await check(`${head}version: 1.0\ncontributions:\n  availability: huge\nmethod: []\n`);
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:3:1 version: warning: expected a string, got an integer (1)",
      "x.yaml:5:3 contributions.availability: warning: expected 'high', 'medium', 'low' or 'none', got 'huge'",
    ]);
  });

  it("includes the loader's warnings, in document order", async () => {
    const result = await check(`${head}method: []\ntitle: again\n`);
    expect(result.lines).toEqual(["x.yaml:4:1 title: warning: duplicate key 'title': the last one wins"]);
  });

  it("gives an union-aware message for wrong HTTP timeouts", async () => {
    const yaml = `${head}method:\n  - type: probe\n    name: a\n    provider:\n      type: http\n      url: http://127.0.0.1/\n      timeout: true\n`;
    expect((await check(yaml)).lines).toEqual([
      "x.yaml:9:7 method[0].provider.timeout: expected a number, a list or a string, got a boolean (true)",
    ]);
  });
});

describe("controls", () => {
  it("only warns about what Chaos Toolkit does not check in a control", async () => {
    const result = await check(
      `${head}controls:\n  - name: c\n    automatic: sometimes\n    provider:\n      type: http\n      url: x\nmethod: []\n`,
    );
    expect(result.valid).toBe(true);
    expect(result.lines).toEqual([
      "x.yaml:3:1 controls: warning: controls are not run by chaos-action; ignoring 'c'",
      "x.yaml:5:5 controls[0].automatic: warning: expected a boolean (true or false), got a string ('sometimes')",
      "x.yaml:6:5 controls[0].provider.module: warning: Control 'c' must have a module path",
      "x.yaml:7:7 controls[0].provider.type: warning: controls are Python modules: expected 'python', got 'http'",
      "x.yaml:8:7 controls[0].provider.url: warning: unknown key 'url' in a control provider is ignored",
    ]);
  });
});

describe("null values that mean something", () => {
  it("keeps `default: null` of an env configuration and `expect: null` of a jsonpath tolerance", async () => {
    const result = await check(
      `${head}configuration:\n  maybe:\n    type: env\n    key: FIXTURE_UNSET\n    default: null\nsteady-state-hypothesis:\n  title: h\n  probes:\n    - ref: a\n      tolerance:\n        type: jsonpath\n        path: $.error\n        expect: null\nmethod:\n${echo("a", "probe")}`,
    );
    expect(result.lines).toEqual([]);
    expect(result.experiment?.configuration?.maybe).toEqual({
      type: "env",
      key: "FIXTURE_UNSET",
      default: null,
    });
    expect(result.experiment?.["steady-state-hypothesis"]?.probes?.[0]).toHaveProperty(
      "tolerance.expect",
      null,
    );
  });
});

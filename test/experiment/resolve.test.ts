import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExperimentInvalidError, formatIssue, VarsError } from "../../src/experiment/errors.ts";
import { parseExperimentText } from "../../src/experiment/load.ts";
import { REDACTED, redact, secretValues } from "../../src/experiment/redact.ts";
import { resolveExperiment, resolveValues } from "../../src/experiment/resolve.ts";
import { parseVarFileText } from "../../src/experiment/var-file.ts";
import { loadVarOverrides, noOverrides, parseVarArgument } from "../../src/experiment/vars.ts";

const experiment = {
  configuration: {
    literal: "as-is",
    nested: { type: "custom", value: 1 },
    url: { type: "env", key: "URL", default: "http://127.0.0.1" },
    port: { type: "env", key: "PORT", env_var_type: "int" },
    retries: { type: "env", key: "RETRIES", env_var_type: "int", default: "3" },
    flag: { type: "env", key: "FLAG", env_var_type: "bool", default: "no" },
    nullable: { type: "env", key: "NOPE", default: null },
    api_token: { type: "env", key: "API_TOKEN" },
  },
  secrets: {
    k8s: { KUBERNETES_HOST: "https://127.0.0.1:6443", KUBERNETES_API_KEY: { type: "env", key: "K8S_TOKEN" } },
    db: { creds: { user: "app", password: { type: "env", key: "DB_PASSWORD" } } },
  },
};

const env = { PORT: "8080", API_TOKEN: "tok-123", K8S_TOKEN: "k8s-secret", DB_PASSWORD: 'pa"ss' };

describe("resolveValues", () => {
  it("resolves literal, env, default and typed values", () => {
    const { resolved, problems } = resolveValues(experiment, { env });
    expect(problems).toEqual([]);
    expect(resolved.configuration).toEqual({
      literal: "as-is",
      nested: { type: "custom", value: 1 },
      url: "http://127.0.0.1",
      port: 8080,
      retries: 3,
      flag: false,
      nullable: null,
      api_token: "tok-123",
    });
    expect(resolved.secrets).toEqual({
      k8s: { KUBERNETES_HOST: "https://127.0.0.1:6443", KUBERNETES_API_KEY: "k8s-secret" },
      db: { creds: { user: "app", password: 'pa"ss' } },
    });
    expect(resolved.sensitiveConfiguration).toEqual(["api_token"]);
  });

  it("prefers the environment over the default", () => {
    const { resolved } = resolveValues(experiment, { env: { ...env, URL: "http://other", RETRIES: "9" } });
    expect(resolved.configuration.url).toBe("http://other");
    expect(resolved.configuration.retries).toBe(9);
  });

  it("reports every missing variable and failed conversion, with paths", () => {
    const { problems } = resolveValues(experiment, { env: { PORT: "eighty" } });
    expect(problems.map((p) => [p.path.join("."), p.message.split(":")[0]])).toEqual([
      ["configuration.port.env_var_type", "cannot convert environment variable PORT to 'int'"],
      ["configuration.api_token", "Configuration makes reference to an environment key that does not exist"],
      ["secrets.k8s.KUBERNETES_API_KEY", "Secrets make reference to an environment key that does not exist"],
      ["secrets.db.creds.password", "Secrets make reference to an environment key that does not exist"],
    ]);
  });

  it("refuses dynamic configuration, vault secrets and unknown env_var_types", () => {
    const { problems } = resolveValues(
      {
        configuration: {
          dyn: { type: "probe", name: "x" },
          odd: { type: "env", key: "PORT", env_var_type: "decimal" },
        },
        secrets: { s: { v: { type: "vault", path: "secret/x" } } },
      },
      { env },
    );
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("dynamic configuration (`type: probe`) is not supported yet"),
      expect.stringContaining("unknown env_var_type 'decimal'"),
      expect.stringContaining("Vault secrets (`type: vault`) are not supported"),
    ]);
  });

  it("lets --var and var files win, even over a missing variable", () => {
    const vars = {
      configuration: { api_token: "from-var", port: 1, extra: "undeclared" },
      secrets: { db: { creds: "replaced" }, added: { x: "y" } },
      env: { URL: "http://from-dotenv" },
    };
    const { resolved, problems } = resolveValues(experiment, { env: {}, vars });
    expect(problems.map((p) => p.path.join("."))).toEqual(["secrets.k8s.KUBERNETES_API_KEY"]);
    expect(resolved.configuration).toMatchObject({ api_token: "from-var", port: 1, extra: "undeclared" });
    expect(resolved.configuration.url).toBe("http://from-dotenv");
    // A scope given in a var file replaces the experiment's scope, as in Chaos Toolkit.
    expect(resolved.secrets.db).toEqual({ creds: "replaced" });
    expect(resolved.secrets.added).toEqual({ x: "y" });
  });

  it("an overriding value may itself be an env definition", () => {
    const vars = {
      ...noOverrides(),
      configuration: { literal: { type: "env", key: "PORT", env_var_type: "int" } },
    };
    expect(resolveValues(experiment, { env, vars }).resolved.configuration.literal).toBe(8080);
  });

  it("tolerates malformed sections (validation reports them)", () => {
    expect(resolveValues({ configuration: [1], secrets: "x" }, { env }).problems).toEqual([]);
    expect(resolveValues(null, { env }).resolved.configuration).toEqual({});
  });
});

describe("resolveExperiment", () => {
  it("throws one ExperimentInvalidError listing every problem at its position", () => {
    const loaded = parseExperimentText(
      "title: t\ndescription: d\nconfiguration:\n  a:\n    type: env\n    key: A_MISSING\n  b:\n    type: env\n    key: B_MISSING\nmethod: []\n",
      "x.yaml",
      "yaml",
    );
    const error = (() => {
      try {
        resolveExperiment(loaded, { env: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ExperimentInvalidError);
    const issues = (error as ExperimentInvalidError).issues.map(formatIssue);
    expect(issues).toEqual([
      "x.yaml:4:3 configuration.a: Configuration makes reference to an environment key that does not exist: A_MISSING (set A_MISSING, add a `default`, or pass --var a=...)",
      "x.yaml:7:3 configuration.b: Configuration makes reference to an environment key that does not exist: B_MISSING (set B_MISSING, add a `default`, or pass --var b=...)",
    ]);
    expect((error as Error).message).toContain("x.yaml is not a valid experiment (2 errors)");
  });

  it("returns the resolved values when nothing is missing", () => {
    const loaded = parseExperimentText("configuration:\n  a: 1\n", "x.yaml", "yaml");
    expect(resolveExperiment(loaded, { env: {} }).configuration).toEqual({ a: 1 });
  });
});

describe("--var and --var-file", () => {
  it("parses key=value as a string and key:type=value converted", () => {
    expect(parseVarArgument("name=web")).toEqual(["name", "web"]);
    expect(parseVarArgument("url=http://h/?a=b")).toEqual(["url", "http://h/?a=b"]);
    expect(parseVarArgument("count:int=3")).toEqual(["count", 3]);
    expect(parseVarArgument("ratio:float=0.5")).toEqual(["ratio", 0.5]);
    expect(parseVarArgument("on:bool=no")).toEqual(["on", false]);
    expect(parseVarArgument('obj:json={"a":1}')).toEqual(["obj", { a: 1 }]);
    expect(parseVarArgument("empty=")).toEqual(["empty", ""]);
    expect(parseVarArgument("a:b:str=c")).toEqual(["a:b", "c"]);
  });

  it("rejects malformed --var arguments clearly", () => {
    expect(() => parseVarArgument("novalue")).toThrow(VarsError);
    expect(() => parseVarArgument("=x")).toThrow(/name\[:type\]=value/);
    expect(() => parseVarArgument("n:int=abc")).toThrow(/--var 'n:int=abc': invalid literal for int/);
    expect(() => parseVarArgument("n:decimal=1")).toThrow(/unknown type 'decimal'/);
  });

  it("reads JSON, YAML and .env var files", () => {
    expect(parseVarFileText('{"configuration": {"a": 1}, "secrets": {"s": {"k": "v"}}}', "v.json")).toEqual({
      configuration: { a: 1 },
      secrets: { s: { k: "v" } },
    });
    expect(parseVarFileText("configuration:\n  a: yes\n", "v.yaml")).toEqual({
      configuration: { a: true },
      secrets: {},
    });
    expect(parseVarFileText("", "v.yml")).toEqual({});
    expect(parseVarFileText('# comment\nA=1\nexport B=two\nC="quoted value"\n', "vars.env")).toEqual({
      env: { A: "1", B: "two", C: "quoted value" },
    });
  });

  it("rejects var files that are not {configuration, secrets}", () => {
    expect(() => parseVarFileText("[1]", "v.json")).toThrow(/expected a mapping/);
    expect(() => parseVarFileText('{"config": {}}', "v.json")).toThrow(/unknown top-level key\(s\) 'config'/);
    expect(() => parseVarFileText('{"secrets": {"s": 1}}', "v.json")).toThrow(
      /'secrets' must be a mapping of scopes/,
    );
    expect(() => parseVarFileText("{", "v.json")).toThrow(/cannot parse it/);
  });

  const dir = mkdtempSync(join(tmpdir(), "chaos-vars-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("applies var files in order, then --var on top", async () => {
    writeFileSync(join(dir, "one.yaml"), "configuration:\n  a: 1\n  b: 1\nsecrets:\n  s:\n    k: one\n");
    writeFileSync(join(dir, "two.json"), '{"configuration": {"b": 2, "c": 2}}');
    writeFileSync(join(dir, ".env"), "TOKEN=abc\n");
    const overrides = await loadVarOverrides({
      varFiles: [join(dir, "one.yaml"), join(dir, "two.json"), join(dir, ".env")],
      vars: ["c:int=3", "d=4"],
    });
    expect(overrides).toEqual({
      configuration: { a: 1, b: 2, c: 3, d: "4" },
      secrets: { s: { k: "one" } },
      env: { TOKEN: "abc" },
    });
  });

  it("fails on a var file that cannot be read", async () => {
    await expect(loadVarOverrides({ varFiles: [join(dir, "missing.json")] })).rejects.toThrow(
      /--var-file .*missing.json: cannot read it \(ENOENT\)/,
    );
  });
});

describe("secret redaction", () => {
  it("collects every secret and sensitive configuration value, longest first", () => {
    const { resolved } = resolveValues(experiment, { env });
    const values = secretValues(resolved);
    expect(values).toEqual(
      expect.arrayContaining(["https://127.0.0.1:6443", "k8s-secret", "app", 'pa"ss', 'pa\\"ss', "tok-123"]),
    );
    expect(values).not.toContain("as-is");
    expect(values.map((v) => v.length)).toEqual([...values.map((v) => v.length)].sort((a, b) => b - a));
  });

  it("replaces every occurrence, including the JSON-escaped form", () => {
    const { resolved } = resolveValues(experiment, { env });
    const secrets = secretValues(resolved);
    const text = `token k8s-secret, again k8s-secret, json ${JSON.stringify({ p: 'pa"ss' })}, api tok-123`;
    expect(redact(text, secrets)).toBe(
      `token ${REDACTED}, again ${REDACTED}, json {"p":"${REDACTED}"}, api ${REDACTED}`,
    );
    expect(redact("nothing secret here", secrets)).toBe("nothing secret here");
  });
});

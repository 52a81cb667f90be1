import { describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../src/cli/args.ts";

describe("parseCommandLine", () => {
  it("defaults the target to experiments/ and the cluster to auto", () => {
    expect(parseCommandLine(["run"])).toMatchObject({
      command: "run",
      options: { targets: ["experiments/"], failFast: false, dryRun: false, vars: [] },
      cluster: { mode: "auto" },
    });
  });

  it("reads every run flag", () => {
    const command = parseCommandLine([
      "run",
      "a.yaml",
      "dir/",
      "--journal-path",
      "out",
      "--var",
      "x=1",
      "--var",
      "n:int=2",
      "--var-file",
      "v.env",
      "--hypothesis-strategy",
      "continuously",
      "--hypothesis-frequency",
      "0.5",
      "--fail-fast",
      "--rollback-strategy",
      "always",
      "--dry-run",
      "--allow-no-target",
      "--cluster",
      "sim",
      "--sim-manifests",
      "m.yaml",
      "--namespaces",
      "web, api",
      "--max-affected",
      "50%",
      "--timeout",
      "90",
      "--activity-timeout",
      "20",
      "--lease-wait",
      "45s",
    ]);
    expect(command).toEqual({
      command: "run",
      options: {
        targets: ["a.yaml", "dir/"],
        journalPath: "out",
        vars: ["x=1", "n:int=2"],
        varFiles: ["v.env"],
        hypothesisStrategy: "continuously",
        hypothesisFrequencySeconds: 0.5,
        failFast: true,
        rollbackStrategy: "always",
        dryRun: true,
        allowNoTarget: true,
        timeoutSeconds: 90,
        activityTimeoutSeconds: 20,
        namespaces: ["web", "api"],
        maxAffected: { kind: "percent", value: 50 },
        undoFile: undefined,
        leaseWaitSeconds: 45,
      },
      cluster: {
        mode: "sim",
        simManifests: ["m.yaml"],
        sim: { latencyMs: undefined, deny: [], faults: [] },
        kubeconfig: undefined,
        context: undefined,
      },
    });
  });

  it("reads the simulated cluster's behaviour", () => {
    const command = parseCommandLine([
      "run",
      "--cluster",
      "sim",
      "--sim-latency",
      "25",
      "--sim-deny",
      "delete:pods",
      "--sim-deny",
      "create:pods/eviction:shop",
      "--sim-fault",
      "500",
      "--sim-fault",
      "503:delete:/api/v1/namespaces/default/pods",
    ]);
    expect(command).toMatchObject({
      cluster: {
        sim: {
          latencyMs: 25,
          deny: [
            { verb: "delete", resource: "pods" },
            { verb: "create", resource: "pods", subresource: "eviction", namespace: "shop" },
          ],
          faults: [
            { status: 500 },
            { status: 503, method: "DELETE", path: "/api/v1/namespaces/default/pods" },
          ],
        },
      },
    });
  });

  it("accepts Chaos Toolkit's deprecated 'continously' spelling", () => {
    expect(parseCommandLine(["run", "--hypothesis-strategy", "continously"])).toMatchObject({
      options: { hypothesisStrategy: "continuously" },
    });
  });

  it.each([
    [["run", "--hypothesis-strategy", "sometimes"], "--hypothesis-strategy expects one of default"],
    [["run", "--rollback-strategy", "maybe"], "--rollback-strategy expects one of default, always"],
    [["run", "--hypothesis-frequency", "0"], "--hypothesis-frequency expects a positive number"],
    [["run", "--timeout", "soon"], "--timeout expects a positive number"],
    [["run", "--activity-timeout", "0"], "--activity-timeout expects a positive number"],
    [["run", "--var", "novalue"], "--var expects key=value"],
    [["run", "--cluster", "prod"], "--cluster expects one of auto, sim"],
    [["run", "--sim-manifests", "m.yaml"], "--sim-manifests only applies with --cluster sim"],
    [["run", "--sim-deny", "delete:pods"], "--sim-deny only applies with --cluster sim"],
    [["run", "--sim-latency", "5"], "--sim-latency only applies with --cluster sim"],
    [["run", "--cluster", "sim", "--sim-deny", "delete"], "--sim-deny expects VERB:RESOURCE"],
    [["run", "--cluster", "sim", "--sim-fault", "200"], "--sim-fault expects STATUS[:METHOD[:PATH]]"],
    [
      ["run", "--cluster", "sim", "--sim-fault", "500:GET:("],
      "--sim-fault expects a PATH that is a regular expression (Invalid regular expression: /(/: Unterminated group), got '500:GET:('",
    ],
    [["run", "--cluster", "sim", "--sim-latency", "soon"], "--sim-latency expects a number of milliseconds"],
    [["run", "--bogus"], "Unknown option '--bogus'"],
    [["explode"], "unknown command 'explode'"],
    [["cleanup"], "cleanup needs --undo-file FILE"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it("parses validate and cleanup", () => {
    expect(parseCommandLine(["validate", "x.json", "--var", "a=b"])).toEqual({
      command: "validate",
      targets: ["x.json"],
      vars: ["a=b"],
      varFiles: [],
    });
    expect(parseCommandLine(["cleanup", "--undo-file", "u.json"])).toMatchObject({
      command: "cleanup",
      undoFile: "u.json",
    });
  });

  it("answers help and version", () => {
    expect(parseCommandLine([])).toEqual({ command: "help", topic: undefined });
    expect(parseCommandLine(["run", "--help"])).toEqual({ command: "help", topic: "run" });
    expect(parseCommandLine(["--version"])).toEqual({ command: "version" });
  });
});

describe("scheduled runs in the cluster", () => {
  it("reads --cluster in-cluster, --output jsonl and --webhook-url", () => {
    expect(
      parseCommandLine([
        "run",
        "/experiments",
        "--cluster",
        "in-cluster",
        "--output",
        "jsonl",
        "--webhook-url",
        "https://hooks.example.com/T/B/x",
      ]),
    ).toMatchObject({
      cluster: { mode: "in-cluster" },
      output: "jsonl",
      webhookUrl: "https://hooks.example.com/T/B/x",
    });
    expect(parseCommandLine(["run", "--output", "text"])).not.toHaveProperty("output");
  });

  it.each([
    [["run", "--output", "yaml"], "--output expects one of text, jsonl, got 'yaml'"],
    [
      ["run", "--cluster", "in-cluster", "--kubeconfig", "k"],
      "--kubeconfig does not apply with --cluster in-cluster",
    ],
    [
      ["run", "--cluster", "in-cluster", "--sim-latency", "5"],
      "--sim-latency only applies with --cluster sim",
    ],
    [
      ["run", "--webhook-url", "ftp://host/secret-path"],
      "--webhook-url must be an https:// (or http://) URL",
    ],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it("never repeats a webhook URL it refuses: it is a credential", () => {
    let problem = "";
    try {
      parseCommandLine(["run", "--webhook-url", "hooks.slack.com/services/T0/B0/secret-part"]);
    } catch (error) {
      problem = (error as Error).message;
    }
    expect(problem).toBe("--webhook-url is not a URL");
  });
});

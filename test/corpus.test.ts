// The compatibility corpus: real public experiment files kept outside the project (../shared/corpus).
// Every file must load; each must either validate, or fail with its first module error naming a
// Python module we do not support (or a missing executable, as Chaos Toolkit reports). Which modules are supported comes from the native catalog, so the
// expectations follow it as modules are added.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/experiment/errors.ts";
import { loadExperimentFile } from "../src/experiment/load.ts";
import { validateExperiment } from "../src/experiment/validate.ts";
import type { NativeSignature } from "../src/providers/native.ts";
import { runOptions } from "../src/run/options.ts";
import { runExperiments } from "../src/run/pipeline.ts";
import { defaultRegistry } from "../src/run/prepare.ts";

const corpus = join(import.meta.dirname, "..", "..", "shared", "corpus");

// The catalog the CLI and the action validate with; the expectations below adapt to what it contains.
const signatures: readonly NativeSignature[] = defaultRegistry().allSignatures();
const supportedModules = new Set(signatures.map((s) => s.module));

// Binaries the corpus calls. Chaos Toolkit fails validation when one is not on PATH; the reference
// machine lacked vegeta and pm2, so this fixed lookup does too, which keeps the test deterministic.
const onPath = new Set(["echo", "cp", "kill", "pkill", "openssl"]);
const findExecutable = (path: string) => (onPath.has(path) ? `/usr/bin/${path}` : undefined);

/** Python modules each file uses (in document order), and the executables it needs that are missing. */
const expectations: Record<
  string,
  {
    modules: string[];
    missingExecutables?: string[];
    unknownFunctions?: string[];
    /** Paths of explicit nulls that make Chaos Toolkit abort the run: refused at validation (issue 9). */
    refusedNulls?: string[];
  }
> = {
  "TGPSKI__chaostoolkit-demo__kill-pods-with-label.extracted-experiment.json": {
    modules: ["chaosk8s.pod.actions"],
  },
  "asashiho__chaostoolkit-sample__experiment.pod.json": {
    modules: ["chaosk8s.probes", "chaosk8s.pod.actions"],
  },
  "caruccio__chaostoolkit-k8s-demo__demo.json": { modules: ["os.path"] },
  "caruccio__chaostoolkit-k8s-demo__k8s.json": { modules: ["chaosk8s.probes", "chaosk8s.actions"] },
  "chaosiq__chaostoolkit-demos__lab1-experiment.json": {
    modules: ["tolerances", "chaosk8s.pod.actions", "chaosk8s.pod.probes"],
    missingExecutables: ["vegeta"],
  },
  "chaosiq__chaostoolkit-demos__lab2-experiment.json": {
    modules: ["chaosk8s.crd.actions", "chaosk8s.pod.probes"],
    missingExecutables: ["vegeta"],
  },
  "chaosiq__chaostoolkit-demos__lab3-experiment.json": {
    modules: ["chaosk8s.networking.actions", "chaosk8s.pod.probes"],
    missingExecutables: ["vegeta"],
  },
  "chaosiq__chaostoolkit-demos__lab4-experiment.json": {
    modules: ["tolerances", "chaosprometheus.probes", "chaosk8s.networking.actions", "chaosk8s.pod.probes"],
    missingExecutables: ["vegeta"],
  },
  "chaostoolkit-incubator__community-playground__chapter5-experiment.json": { modules: ["os"] },
  "chaostoolkit-incubator__community-playground__chapter6-experiment.json": {
    modules: ["chaosk8s.pod.probes", "chaosk8s.node.actions"],
  },
  "chaostoolkit-incubator__community-playground__drain-node-experiment.json": {
    modules: ["chaosk8s.node.actions"],
  },
  "chaostoolkit-incubator__community-playground__kill-pods-experiment.json": {
    modules: ["chaosk8s.pod.actions"],
  },
  "chaostoolkit-incubator__community-playground__rollout-v1-service2.json": {
    modules: ["chaosprometheus.probes", "chaosk8s.deployment.actions", "load", "chaosk8s.deployment.probes"],
    // Seen in the wild, but absent from chaostoolkit-kubernetes itself (CHAOS-TOOLKIT.md §2.3).
    unknownFunctions: ["set_deployment_image", "rollback_deployment", "collect_deployment_status"],
  },
  "chaostoolkit-incubator__community-playground__simple-interactive-experiment.json": { modules: [] },
  "chaostoolkit__chaostoolkit-samples__pod-should-be-restarted-when-service-is-unhealthy-experiment.json": {
    modules: ["chaosk8s.probes", "chaosprometheus.probes"],
    missingExecutables: ["vegeta"],
  },
  "chaostoolkit__chaostoolkit-samples__service-down-not-visible-to-users-experiment.json": {
    modules: ["chaosk8s.probes", "chaosk8s.actions"],
  },
  "chrisp777__chaostoolkit-example__experiment-quote-storage-process-kill.json": {
    modules: [],
    missingExecutables: ["pm2"],
  },
  "luisreciomelero__ChaosEngineeringWithChaosToolkit__terminate-mg-pod-ssh-running-and-ready.yaml": {
    modules: ["chaosk8s.pod.probes", "chaosk8s.pod.actions"],
    // Its last `pauses:` is left empty: Chaos Toolkit aborts before killing anything.
    refusedNulls: ["method[0].pauses"],
  },
  "mohllal__chaostoolkit-demo__dat-file-removal-tolerance-experiment.json": { modules: ["os"] },
  "teinelund__Chaostoolkit-Examples-for-PRECISE__experiment_3_dead_backend.json": { modules: ["os.path"] },
};

// Modules that are not ours to implement: they must always fail, naming the module.
const neverSupported = ["tolerances", "load"];

/** A value for every environment variable the file's configuration and secrets read, as the reference run had. */
function environmentFor(data: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record.type === "env" && typeof record.key === "string") env[record.key] = "http://127.0.0.1:8080";
      Object.values(record).forEach(visit);
    }
  };
  const experiment = data as { configuration?: unknown; secrets?: unknown };
  visit(experiment.configuration);
  visit(experiment.secrets);
  return env;
}

const files = existsSync(corpus)
  ? readdirSync(corpus)
      .filter((name) => /\.(json|ya?ml)$/.test(name))
      .sort()
  : [];

describe("compatibility corpus (../shared/corpus)", () => {
  if (files.length === 0) {
    it.skip("skipped: ../shared/corpus not found", () => {});
    return;
  }

  it("has an expectation for every file", async () => {
    expect(files).toEqual(Object.keys(expectations).sort());
  });

  it.each(files)("%s", async (name) => {
    const loaded = await loadExperimentFile(join(corpus, name));
    const expectation = expectations[name]!;
    const result = await validateExperiment(loaded, {
      file: name,
      signatures,
      findExecutable,
      env: environmentFor(loaded.data),
    });
    const errors = result.issues.filter((i) => i.severity === "error");
    const unsupported = expectation.modules.filter((m) => !supportedModules.has(m));
    for (const module of neverSupported) expect(supportedModules.has(module)).toBe(false);

    if (expectation.refusedNulls) {
      expect(result.valid).toBe(false);
      expect(errors.map((e) => e.path).sort()).toEqual([...expectation.refusedNulls].sort());
      for (const error of errors) expect(error.message).toMatch(/: null` makes Chaos Toolkit abort the run/);
      return;
    }
    if (unsupported.length === 0 && !expectation.missingExecutables) {
      expect(errors.map(formatIssue)).toEqual([]);
      expect(result.valid).toBe(true);
      return;
    }
    expect(result.valid).toBe(false);
    if (unsupported.length > 0) {
      // Errors come in document order, so a missing executable may come first.
      const moduleError = errors.find((e) => e.message.startsWith("could not find Python module"));
      const named = /^could not find Python module '([^']+)'/.exec(moduleError?.message ?? "")?.[1];
      expect(unsupported).toContain(named);
      expect(moduleError!.message).toContain("supported modules:");
    }
    // Every error is about an unsupported module or a missing executable: the files are well formed.
    for (const error of errors) {
      const aboutModule = unsupported.some((m) => error.message.includes(`module '${m}'`));
      const aboutExecutable = (expectation.missingExecutables ?? []).some((e) =>
        error.message.startsWith(`path '${e}' cannot be found`),
      );
      const aboutFunction = (expectation.unknownFunctions ?? []).some((f) =>
        error.message.includes(`does not expose a function called '${f}'`),
      );
      expect(aboutModule || aboutExecutable || aboutFunction, formatIssue(error)).toBe(true);
    }
  });
});

describe("compatibility corpus: dry runs of the files we support", () => {
  const runnable = files.filter((name) => {
    const expectation = expectations[name]!;
    const supported = expectation.modules.every((m) => signatures.some((s) => s.module === m));
    return (
      supported &&
      !expectation.missingExecutables &&
      !expectation.unknownFunctions &&
      !expectation.refusedNulls
    );
  });
  if (runnable.length === 0) {
    it.skip("skipped: ../shared/corpus not found", () => {});
    return;
  }

  // Kubernetes files resolve their targets in the simulated cluster; nothing is changed anywhere.
  it.each(runnable)("%s", async (name) => {
    const file = join(corpus, name);
    const loaded = await loadExperimentFile(file);
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);
    const result = await runExperiments({
      options: runOptions({ targets: [file], dryRun: true }),
      cwd: corpus,
      cluster: { mode: "sim" },
      reporter: { info: log, warn: log, error: log },
      env: { ...process.env, ...environmentFor(loaded.data) },
    });
    // The demo cluster runs none of these files' apps: a dry run says so (exit 1) where the real run
    // would be refused (targets that cannot be resolved) or inject nothing (a fault reaching no object).
    const [outcome] = result.outcomes;
    if (outcome?.verdict === "skipped") expect(outcome.reason).toBe("skipped: dry run");
    else
      expect([outcome?.verdict, outcome?.reason]).toEqual([
        "failed",
        expect.stringMatching(/^failed: dry run: (cannot resolve the targets of|\S+ would reach no )/),
      ]);
    expect(outcome?.plan?.method.length).toBeGreaterThan(0);
    expect(messages.join("\n")).toContain("method:");
  });
});

/** Where each provider of a Python `module` (and its submodules) sits in the file, as issues name paths. */
function providerPaths(data: unknown, module: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, `${path}[${i}]`);
      });
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record.type === "python" && typeof record.module === "string" && record.module.startsWith(module)) {
        found.push(path);
      }
      for (const [key, item] of Object.entries(record)) visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(data, "");
  return found;
}

describe("compatibility corpus: the chaosprometheus files", () => {
  const prometheusFiles = files.filter((name) =>
    expectations[name]!.modules.includes("chaosprometheus.probes"),
  );
  if (prometheusFiles.length === 0) {
    it.skip("skipped: ../shared/corpus not found", () => {});
    return;
  }

  it("are three", async () => {
    expect(prometheusFiles).toHaveLength(3);
  });

  // Whatever else a file lacks (vegeta, the `tolerances` or `load` modules), its Prometheus probes
  // validate: module, function, argument names and types.
  it.each(prometheusFiles)("%s: its chaosprometheus probes validate", async (name) => {
    const loaded = await loadExperimentFile(join(corpus, name));
    const paths = providerPaths(loaded.data, "chaosprometheus");
    expect(paths.length).toBeGreaterThan(0);
    const result = await validateExperiment(loaded, {
      file: name,
      signatures,
      findExecutable: (path) => `/usr/bin/${path}`,
      env: environmentFor(loaded.data),
    });
    const errors = result.issues.filter((i) => i.severity === "error");
    const aboutPrometheus = errors.filter((e) => paths.some((p) => e.path.startsWith(p)));
    expect(aboutPrometheus.map(formatIssue)).toEqual([]);
  });

  it("validates whole once its missing executable is on PATH (chaostoolkit-samples)", async () => {
    const name =
      "chaostoolkit__chaostoolkit-samples__pod-should-be-restarted-when-service-is-unhealthy-experiment.json";
    const loaded = await loadExperimentFile(join(corpus, name));
    const result = await validateExperiment(loaded, {
      file: name,
      signatures,
      findExecutable: (path) => `/usr/bin/${path}`,
      env: environmentFor(loaded.data),
    });
    expect(result.issues.filter((i) => i.severity === "error").map(formatIssue)).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

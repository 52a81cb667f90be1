// Parses `chaos-action` command lines into one typed command. Pure: no I/O, no process.exit.
import { parseArgs } from "node:util";
import { HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES } from "../experiment/strategies.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface RunCommand {
  command: "run";
  targets: string[];
  journalPath?: string;
  vars: string[];
  varFiles: string[];
  hypothesisStrategy?: string;
  hypothesisFrequency?: number;
  failFast: boolean;
  rollbackStrategy?: string;
  dryRun: boolean;
  cluster: "auto" | "sim";
  simManifests: string[];
  /** Behaviour of the simulated cluster: slow answers, API errors, RBAC denials. */
  sim: SimBehaviour;
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  maxAffected?: string;
  timeoutSeconds?: number;
  activityTimeoutSeconds?: number;
  undoFile?: string;
}

export interface SimBehaviour {
  latencyMs?: number;
  deny: Array<{ verb: string; resource: string; subresource?: string; namespace?: string }>;
  faults: Array<{ status: number; method?: string; path?: string }>;
}

export interface ValidateCommand {
  command: "validate";
  targets: string[];
  vars: string[];
  varFiles: string[];
}

export interface CleanupCommand {
  command: "cleanup";
  undoFile: string;
  kubeconfig?: string;
  context?: string;
}

export type Command =
  | RunCommand
  | ValidateCommand
  | CleanupCommand
  | { command: "help"; topic?: string }
  | { command: "version" };

export const DEFAULT_TARGET = "experiments/";

export const USAGE = `chaos-action: run Chaos Toolkit experiments natively, gate deployments on their verdict.

Usage:
  chaos-action run [FILE|DIR|GLOB...] [options]
  chaos-action validate [FILE|DIR|GLOB...] [--var K=V]... [--var-file F]...
  chaos-action cleanup --undo-file FILE [--kubeconfig PATH] [--context NAME]
  chaos-action --help | --version

Targets default to ${DEFAULT_TARGET}. A directory or glob runs every experiment in it, in path order.

run options:
  --journal-path PATH           journal file (one experiment) or directory (several)
  --var KEY[:TYPE]=VALUE        override a configuration value (repeatable)
  --var-file FILE               overrides from .json/.yaml ({configuration, secrets}) or .env (repeatable)
  --hypothesis-strategy S       default | before-method-only | after-method-only | during-method-only | continuously
  --hypothesis-frequency SEC    seconds between hypothesis checks during the method (default 1)
  --fail-fast                   stop the method at the first deviation seen during it
  --rollback-strategy S         default | always | never | deviated
  --dry-run                     validate, resolve and print what would run and what it would touch
  --timeout SECONDS             limit for each experiment's whole run
  --activity-timeout SECONDS    limit for each activity (an activity's own \`timeout\` key is ignored)
  --cluster auto|sim            auto: kubeconfig / KUBERNETES_* / in-cluster; sim: the built-in simulated cluster
  --sim-manifests PATH          manifests loaded into the simulated cluster (repeatable; default: a demo app)
  --sim-latency MS              the simulated cluster answers every request this much later
  --sim-deny VERB:RESOURCE[:NS] the simulated cluster's RBAC forbids it, e.g. delete:pods, create:pods/eviction
  --sim-fault STATUS[:METHOD[:PATH]]  the simulated cluster answers STATUS to matching requests, e.g. 500:DELETE:/pods/
  --kubeconfig PATH             kubeconfig file (beats every other source)
  --context NAME                kubeconfig context
  --namespaces NS[,NS...]       namespaces actions may touch (default: those the experiment names)
  --max-affected N|N%           most objects one action may touch
  --undo-file PATH              where undo steps of our own cluster changes are kept

Exit status: 0 every experiment held; 1 one deviated, failed or was interrupted; 2 bad input.`;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`${flag} expects a positive number of seconds, got '${value}'`);
  }
  return parsed;
}

function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) {
    throw new UsageError(`${flag} expects a number of milliseconds, got '${value}'`);
  }
  return parsed;
}

/** `delete:pods`, `create:pods/eviction`, `patch:deployments:shop`. */
function parseSimDeny(text: string): SimBehaviour["deny"][number] {
  const [verb, resourcePath, namespace, ...rest] = text.split(":");
  const [resource, subresource] = (resourcePath ?? "").split("/");
  if (!verb || !resource || rest.length > 0 || namespace === "") {
    throw new UsageError(`--sim-deny expects VERB:RESOURCE[/SUBRESOURCE][:NAMESPACE], got '${text}'`);
  }
  return { verb, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}) };
}

/** `500`, `500:DELETE`, `503:GET:/api/v1/namespaces/default/pods` (the path is a regular expression). */
function parseSimFault(text: string): SimBehaviour["faults"][number] {
  const [statusText, method, ...path] = text.split(":");
  const status = Number(statusText);
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new UsageError(
      `--sim-fault expects STATUS[:METHOD[:PATH]] with an HTTP error status, got '${text}'`,
    );
  }
  return {
    status,
    ...(method ? { method: method.toUpperCase() } : {}),
    ...(path.length > 0 ? { path: path.join(":") } : {}),
  };
}

function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new UsageError(`${flag} expects one of ${allowed.join(", ")}, got '${value}'`);
}

function checkVars(vars: string[]): string[] {
  for (const entry of vars) {
    if (!/^[^=:]+(:[a-z]+)?=/.test(entry)) {
      throw new UsageError(`--var expects KEY=VALUE or KEY:TYPE=VALUE, got '${entry}'`);
    }
  }
  return vars;
}

export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    return { command: "help", topic: rest[0] };
  }
  if (first === "--version" || first === "-V") return { command: "version" };

  try {
    switch (first) {
      case "run":
        return parseRun(rest);
      case "validate":
        return parseValidate(rest);
      case "cleanup":
        return parseCleanup(rest);
      default:
        throw new UsageError(`unknown command '${first}' (expected run, validate or cleanup)`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // node:util parseArgs throws TypeErrors for unknown or malformed flags; their messages are readable.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseRun(args: string[]): Command {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      "journal-path": { type: "string" },
      var: { type: "string", multiple: true, default: [] },
      "var-file": { type: "string", multiple: true, default: [] },
      "hypothesis-strategy": { type: "string" },
      "hypothesis-frequency": { type: "string" },
      "fail-fast": { type: "boolean", default: false },
      "rollback-strategy": { type: "string" },
      "dry-run": { type: "boolean", default: false },
      timeout: { type: "string" },
      "activity-timeout": { type: "string" },
      cluster: { type: "string", default: "auto" },
      "sim-manifests": { type: "string", multiple: true, default: [] },
      "sim-latency": { type: "string" },
      "sim-deny": { type: "string", multiple: true, default: [] },
      "sim-fault": { type: "string", multiple: true, default: [] },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      namespaces: { type: "string" },
      "max-affected": { type: "string" },
      "undo-file": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { command: "help", topic: "run" };
  const cluster = oneOf("--cluster", values.cluster, ["auto", "sim"]) as "auto" | "sim";
  for (const flag of ["sim-manifests", "sim-deny", "sim-fault"] as const) {
    if (values[flag].length > 0 && cluster !== "sim")
      throw new UsageError(`--${flag} only applies with --cluster sim`);
  }
  if (values["sim-latency"] !== undefined && cluster !== "sim") {
    throw new UsageError("--sim-latency only applies with --cluster sim");
  }
  return {
    command: "run",
    targets: positionals.length > 0 ? positionals : [DEFAULT_TARGET],
    journalPath: values["journal-path"],
    vars: checkVars(values.var),
    varFiles: values["var-file"],
    hypothesisStrategy: oneOf(
      "--hypothesis-strategy",
      values["hypothesis-strategy"] === "continously" ? "continuously" : values["hypothesis-strategy"],
      HYPOTHESIS_STRATEGIES,
    ),
    hypothesisFrequency: positiveNumber("--hypothesis-frequency", values["hypothesis-frequency"]),
    failFast: values["fail-fast"],
    rollbackStrategy: oneOf("--rollback-strategy", values["rollback-strategy"], ROLLBACK_STRATEGIES),
    dryRun: values["dry-run"],
    timeoutSeconds: positiveNumber("--timeout", values.timeout),
    activityTimeoutSeconds: positiveNumber("--activity-timeout", values["activity-timeout"]),
    cluster,
    simManifests: values["sim-manifests"],
    sim: {
      latencyMs: nonNegativeNumber("--sim-latency", values["sim-latency"]),
      deny: values["sim-deny"].map(parseSimDeny),
      faults: values["sim-fault"].map(parseSimFault),
    },
    kubeconfig: values.kubeconfig,
    context: values.context,
    namespaces: list(values.namespaces),
    maxAffected: values["max-affected"],
    undoFile: values["undo-file"],
  };
}

function parseValidate(args: string[]): Command {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      var: { type: "string", multiple: true, default: [] },
      "var-file": { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { command: "help", topic: "validate" };
  return {
    command: "validate",
    targets: positionals.length > 0 ? positionals : [DEFAULT_TARGET],
    vars: checkVars(values.var),
    varFiles: values["var-file"],
  };
}

function parseCleanup(args: string[]): Command {
  const { values } = parseArgs({
    args,
    options: {
      "undo-file": { type: "string" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { command: "help", topic: "cleanup" };
  if (!values["undo-file"]) throw new UsageError("cleanup needs --undo-file FILE");
  return {
    command: "cleanup",
    undoFile: values["undo-file"],
    kubeconfig: values.kubeconfig,
    context: values.context,
  };
}

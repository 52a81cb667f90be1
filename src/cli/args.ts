// Parses `chaos-action` command lines into one typed command. Pure: no I/O, no process.exit. The
// run's options go through the one parser both entry points share (run/options.ts); every problem
// is listed at once, before anything starts.
import type { ParseArgsOptionsConfig } from "node:util";
import type { ClusterRequest } from "../run/cluster-gate.ts";
import {
  type Checked,
  checkChoice,
  DEFAULT_TARGET,
  OptionProblems,
  type OptionSurface,
  parseRunOptions,
  type RunOptions,
} from "../run/options.ts";
import { webhookUrlProblem } from "../run/webhook.ts";
import { closest } from "./suggest.ts";

// Not `import { parseArgs } from "node:util"`: an ES import of node:util builds its namespace, which
// reads every export and so loads the text decoders and the diff printer, a fifth of `--help`'s start.
const { parseArgs } = process.getBuiltinModule("node:util");

export { DEFAULT_TARGET };

/** A bad command line: every problem, each on its own line. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("\n"));
    this.problems = list;
  }
}

export interface RunCommand {
  command: "run";
  options: RunOptions;
  /** `--cluster auto|in-cluster|sim`, the kubeconfig and context, and the simulated cluster's behaviour. */
  cluster: ClusterRequest;
  /** `--output jsonl`: the verdicts as JSON lines on stdout (one per experiment, then the run's); absent: text. */
  output?: "jsonl";
  /** `--webhook-url`: where a run that did not hold is announced (else CHAOS_ACTION_WEBHOOK_URL). */
  webhookUrl?: string;
}

type SimRequest = NonNullable<ClusterRequest["sim"]>;
type SimDeny = NonNullable<SimRequest["deny"]>[number];
type SimFault = NonNullable<SimRequest["faults"]>[number];

export type ValidateCommand = { command: "validate"; noEnv?: true } & Pick<
  RunOptions,
  "targets" | "vars" | "varFiles"
>;

export interface CleanupCommand {
  command: "cleanup";
  undoFile: string;
  kubeconfig?: string;
  context?: string;
}

/** `chaos-action report JOURNAL...`: the Markdown report of saved journals. */
export interface ReportCommand {
  command: "report";
  journals: string[];
}

/** A command that does something, as opposed to printing the usage or the version. */
export type CommandToRun = RunCommand | ValidateCommand | CleanupCommand | ReportCommand;

export type Command = CommandToRun | { command: "help"; topic?: string } | { command: "version" };

/** The CLI names options by their flags and words problems as `--flag expects …, got 'value'`. */
const surface: OptionSurface = {
  names: {
    vars: "--var",
    hypothesisStrategy: "--hypothesis-strategy",
    hypothesisFrequency: "--hypothesis-frequency",
    rollbackStrategy: "--rollback-strategy",
    maxAffected: "--max-affected",
    timeout: "--timeout",
    activityTimeout: "--activity-timeout",
    undoTimeout: "--undo-timeout",
    recoveryTimeout: "--recovery-timeout",
    leaseWait: "--lease-wait",
  },
  problem: (name, value, expected) => `${name} expects ${expected}, got '${value}'`,
};

const RUN_EXIT = `Exit status: 0 every experiment held (or a dry run found nothing to stop the real run); 1 one deviated,
failed or was interrupted (or a dry run found the real run would be refused or reach nothing); 2 bad input.`;

const RUN_OPTIONS_TEXT = `  --journal-path PATH           journal file (one experiment) or directory (several)
  --var KEY[:TYPE]=VALUE        override a configuration value (repeatable)
  --var-file FILE               overrides from .json/.yaml ({configuration, secrets}) or .env (repeatable)
  --hypothesis-strategy S       default | before-method-only | after-method-only | during-method-only | continuously
  --hypothesis-frequency SEC    seconds between hypothesis checks during the method (default 1)
  --fail-fast                   stop the method at the first deviation seen during it
  --rollback-strategy S         default | always | never | deviated
  --dry-run                     validate, resolve and print what would run and what it would touch
                                (exit 1 when the real run would be refused or reach nothing)
  --allow-no-target             a method action that reaches no object does not fail the experiment
  --allow-node-drain            drain_nodes may evict (never delete) the pods of every namespace on the
                                drained nodes, kube-system included; they are listed in the log and report
  --timeout SECONDS             limit for each experiment's whole run
  --activity-timeout SECONDS    limit for each activity (an activity's own \`timeout\` key is ignored)
  --undo-timeout SECONDS        after the method, how long failing undo steps are retried (default 120)
  --recovery-timeout SECONDS    after the undo, how long the hypothesis may take to hold again before the
                                next experiment (default 120; 0 turns the check off)
  --cluster auto|in-cluster|sim auto: kubeconfig / KUBERNETES_* / in-cluster; in-cluster: the pod's service
                                account only (a CronJob); sim: the built-in simulated cluster
  --sim-manifests PATH          manifests loaded into the simulated cluster (repeatable; default: a demo app)
  --sim-latency MS              the simulated cluster answers every request this much later
  --sim-deny VERB:RESOURCE[:NS] the simulated cluster's RBAC forbids it, e.g. delete:pods, create:pods/eviction
  --sim-fault STATUS[:METHOD[:PATH]]  the simulated cluster answers STATUS to matching requests, e.g. 500:DELETE:/pods/
  --kubeconfig PATH             kubeconfig file (beats every other source)
  --context NAME                kubeconfig context
  --namespaces NS[,NS...]       namespaces actions may touch (default: those the experiment names)
  --max-affected N|N%           most objects one action may touch
  --undo-file PATH              where undo steps of our own cluster changes are kept
  --output text|jsonl           jsonl: the verdicts as JSON lines on stdout, one per experiment and one
                                for the run (progress and the table stay on stderr)
  --webhook-url URL             POST a Slack-compatible {"text": ...} message when the run does not hold
                                (default: $CHAOS_ACTION_WEBHOOK_URL; the URL is never printed)
  --lease-wait SECONDS          how long to wait while another run holds a Lease on the same targets
                                (default 120; 0 fails at once)`;

export const USAGE = `chaos-action: run Chaos Toolkit experiments natively, gate deployments on their verdict.

Usage:
  chaos-action run [FILE|DIR|GLOB...] [options]
  chaos-action validate [FILE|DIR|GLOB...] [--no-env] [--var K=V]... [--var-file F]...
  chaos-action cleanup --undo-file FILE [--kubeconfig PATH] [--context NAME]
  chaos-action report JOURNAL...      print the Markdown report of saved journals
  chaos-action <command> --help       the usage of one command
  chaos-action --help | --version

Targets default to ${DEFAULT_TARGET}. A directory or glob runs every experiment in it, in path order.

run options:
${RUN_OPTIONS_TEXT}

${RUN_EXIT}`;

/** `chaos-action <command> --help`: each command's own usage. */
export const COMMAND_USAGE: Readonly<Record<"run" | "validate" | "cleanup" | "report", string>> = {
  run: `Usage: chaos-action run [FILE|DIR|GLOB...] [options]

Validates every experiment, then runs them one after another in path order: the steady-state
hypothesis, the method, the hypothesis again, the rollbacks and the undo of our own changes.
Targets default to ${DEFAULT_TARGET}.

Options:
${RUN_OPTIONS_TEXT}
  -h, --help                    this text

${RUN_EXIT}`,
  validate: `Usage: chaos-action validate [FILE|DIR|GLOB...] [options]

Checks every experiment (structure, refs, python modules and functions, placeholders, configuration
and secrets) without running anything. Targets default to ${DEFAULT_TARGET}.

Options:
  --no-env                      check without the environment: no variable is read (\`type: env\` values
                                without a default are not checked, with a warning), no PATH lookup;
                                for a lint-only job
  --var KEY[:TYPE]=VALUE        override a configuration value (repeatable)
  --var-file FILE               overrides from .json/.yaml ({configuration, secrets}) or .env (repeatable)
  -h, --help                    this text

Exit status: 0 every experiment is valid; 2 one is not (or a bad flag).`,
  cleanup: `Usage: chaos-action cleanup --undo-file FILE [options]

Replays the undo steps a run left pending in FILE (newest first), then deletes the run's Leases.

Options:
  --undo-file FILE              the undo file a run printed (required)
  --kubeconfig PATH             kubeconfig file (beats every other source)
  --context NAME                kubeconfig context
  -h, --help                    this text

Exit status: 0 nothing is left to undo; 1 some steps are still pending (run cleanup again).`,
  report: `Usage: chaos-action report JOURNAL...

Prints on stdout the Markdown report (as in the job summary and the pull-request comment) of saved
journals.

Options:
  -h, --help                    this text

Exit status: 0 the report was printed; 2 a file cannot be read as a journal.`,
};

export type HelpTopic = keyof typeof COMMAND_USAGE;

/** The usage text for \`help [topic]\`: one command's, or the whole CLI's. */
export const usageOf = (topic: string | undefined): string =>
  topic !== undefined && Object.hasOwn(COMMAND_USAGE, topic) ? COMMAND_USAGE[topic as HelpTopic] : USAGE;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);

const accept = <T>(value: T): Checked<T> => ({ ok: true, value });

function checkMilliseconds(text: string): Checked<number> {
  const parsed = Number(text);
  return text.trim() === "" || !Number.isFinite(parsed) || parsed < 0
    ? { ok: false, expected: "a number of milliseconds" }
    : accept(parsed);
}

/** `delete:pods`, `create:pods/eviction`, `patch:deployments:shop`. */
function checkSimDeny(text: string): Checked<SimDeny> {
  const [verb, resourcePath, namespace, ...rest] = text.split(":");
  const [resource, subresource] = (resourcePath ?? "").split("/");
  if (!verb || !resource || rest.length > 0 || namespace === "") {
    return { ok: false, expected: "VERB:RESOURCE[/SUBRESOURCE][:NAMESPACE]" };
  }
  return accept({
    verb,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
  });
}

/** `500`, `500:DELETE`, `503:GET:/api/v1/namespaces/default/pods` (the path is a regular expression). */
function checkSimFault(text: string): Checked<SimFault> {
  const [statusText, method, ...path] = text.split(":");
  const status = Number(statusText);
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    return { ok: false, expected: "STATUS[:METHOD[:PATH]] with an HTTP error status" };
  }
  const pattern = path.length > 0 ? path.join(":") : undefined;
  if (pattern !== undefined) {
    try {
      new RegExp(pattern);
    } catch (error) {
      return { ok: false, expected: `a PATH that is a regular expression (${(error as Error).message})` };
    }
  }
  return accept({
    status,
    ...(method ? { method: method.toUpperCase() } : {}),
    ...(pattern === undefined ? {} : { path: pattern }),
  });
}

const help = { type: "boolean", short: "h", default: false } as const;

// The flags of each command, for parsing and for "did you mean" suggestions.
const RUN_FLAGS = {
  "journal-path": { type: "string" },
  var: { type: "string", multiple: true, default: [] },
  "var-file": { type: "string", multiple: true, default: [] },
  "hypothesis-strategy": { type: "string" },
  "hypothesis-frequency": { type: "string" },
  "fail-fast": { type: "boolean", default: false },
  "rollback-strategy": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  "allow-no-target": { type: "boolean", default: false },
  "allow-node-drain": { type: "boolean", default: false },
  timeout: { type: "string" },
  "activity-timeout": { type: "string" },
  "undo-timeout": { type: "string" },
  "recovery-timeout": { type: "string" },
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
  "lease-wait": { type: "string" },
  output: { type: "string", default: "text" },
  "webhook-url": { type: "string" },
  help,
} as const satisfies ParseArgsOptionsConfig;

const VALIDATE_FLAGS = {
  var: { type: "string", multiple: true, default: [] },
  "var-file": { type: "string", multiple: true, default: [] },
  "no-env": { type: "boolean", default: false },
  help,
} as const satisfies ParseArgsOptionsConfig;

const CLEANUP_FLAGS = {
  "undo-file": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  help,
} as const satisfies ParseArgsOptionsConfig;

const REPORT_FLAGS = { help } as const satisfies ParseArgsOptionsConfig;

const FLAGS: Record<HelpTopic, ParseArgsOptionsConfig> = {
  run: RUN_FLAGS,
  validate: VALIDATE_FLAGS,
  cleanup: CLEANUP_FLAGS,
  report: REPORT_FLAGS,
};

/** "Unknown option '--dryrun'; did you mean --dry-run?" */
function unknownOption(command: HelpTopic, option: string): string {
  const known = Object.keys(FLAGS[command]).map((flag) => `--${flag}`);
  const suggestion = closest(option, known);
  return suggestion
    ? `Unknown option '${option}'; did you mean ${suggestion}?`
    : `Unknown option '${option}' (see 'chaos-action ${command} --help')`;
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
      case "report":
        return parseReport(rest);
      default: {
        const suggestion = closest(first, Object.keys(FLAGS));
        throw new UsageError(
          `unknown command '${first}' (${suggestion ? `did you mean '${suggestion}'? ` : ""}expected run, validate, cleanup or report)`,
        );
      }
    }
  } catch (error) {
    // node:util parseArgs throws TypeErrors for unknown or malformed flags; their messages are readable.
    if (error instanceof TypeError) {
      const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
      throw new UsageError(unknown ? unknownOption(first as HelpTopic, unknown) : error.message);
    }
    throw error;
  }
}

function parseRun(args: string[]): Command {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: RUN_FLAGS,
  });
  if (values.help) return { command: "help", topic: "run" };
  const parsed = parseRunOptions(
    {
      targets: positionals,
      journalPath: values["journal-path"],
      vars: values.var,
      varFiles: values["var-file"],
      hypothesisStrategy: values["hypothesis-strategy"],
      hypothesisFrequency: values["hypothesis-frequency"],
      failFast: values["fail-fast"],
      rollbackStrategy: values["rollback-strategy"],
      dryRun: values["dry-run"],
      allowNoTarget: values["allow-no-target"],
      allowNodeDrain: values["allow-node-drain"],
      namespaces: list(values.namespaces),
      maxAffected: values["max-affected"],
      timeout: values.timeout,
      activityTimeout: values["activity-timeout"],
      undoTimeout: values["undo-timeout"],
      recoveryTimeout: values["recovery-timeout"],
      undoFile: values["undo-file"],
      leaseWait: values["lease-wait"],
    },
    surface,
  );

  const own = new OptionProblems(surface);
  const mode = own.read("--cluster", values.cluster, (text) =>
    checkChoice(text, ["auto", "sim", "in-cluster"] as const),
  );
  if (mode !== "sim") {
    for (const flag of ["sim-manifests", "sim-deny", "sim-fault"] as const) {
      if (values[flag].length > 0) own.add(`--${flag} only applies with --cluster sim`);
    }
    if (values["sim-latency"] !== undefined) own.add("--sim-latency only applies with --cluster sim");
  }
  if (mode === "in-cluster") {
    if (values.kubeconfig !== undefined) own.add("--kubeconfig does not apply with --cluster in-cluster");
    if (values.context !== undefined) own.add("--context does not apply with --cluster in-cluster");
  }
  const output = own.read("--output", values.output, (text) => checkChoice(text, ["text", "jsonl"] as const));
  const webhookUrl = values["webhook-url"];
  // The URL is a credential: the problem is said without it.
  const webhookProblem = webhookUrl === undefined ? undefined : webhookUrlProblem(webhookUrl);
  if (webhookProblem) own.add(`--webhook-url ${webhookProblem}`);
  const latencyMs = own.read("--sim-latency", values["sim-latency"], checkMilliseconds);
  const deny = values["sim-deny"].flatMap((text) => own.read("--sim-deny", text, checkSimDeny) ?? []);
  const faults = values["sim-fault"].flatMap((text) => own.read("--sim-fault", text, checkSimFault) ?? []);

  const problems = [...parsed.problems, ...own.list];
  if (problems.length > 0) throw new UsageError(problems);
  return {
    command: "run",
    options: parsed.options,
    cluster: {
      mode: mode ?? "auto",
      kubeconfig: values.kubeconfig,
      context: values.context,
      simManifests: values["sim-manifests"],
      sim: { latencyMs, deny, faults },
    },
    ...(output === "jsonl" ? { output } : {}),
    ...(webhookUrl === undefined ? {} : { webhookUrl }),
  };
}

function parseValidate(args: string[]): Command {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: VALIDATE_FLAGS,
  });
  if (values.help) return { command: "help", topic: "validate" };
  const { options, problems } = parseRunOptions(
    { targets: positionals, vars: values.var, varFiles: values["var-file"] },
    surface,
  );
  if (problems.length > 0) throw new UsageError(problems);
  return {
    command: "validate",
    targets: options.targets,
    vars: options.vars,
    varFiles: options.varFiles,
    ...(values["no-env"] ? { noEnv: true as const } : {}),
  };
}

function parseCleanup(args: string[]): Command {
  const { values } = parseArgs({
    args,
    options: CLEANUP_FLAGS,
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

function parseReport(args: string[]): Command {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: REPORT_FLAGS,
  });
  if (values.help) return { command: "help", topic: "report" };
  if (positionals.length === 0) throw new UsageError("report needs at least one JOURNAL file");
  return { command: "report", journals: positionals };
}

// The CLI's commands once the command line is parsed: run the pipeline, print progress and a verdict
// table on stderr, and turn the combined verdict into the exit status. main.ts loads this module only
// for a command that does something, so `--help` and a bad flag answer without loading it.
import { resolve } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { errorMessage } from "../common/error-message.ts";
import { readTextFile } from "../common/read-file.ts";
import { formatIssue } from "../experiment/errors.ts";
import { formatRunEvent } from "../report/progress.ts";
import { exitCodeOfError } from "../run/error-verdict.ts";
import type { ExperimentOutcome, RunResult } from "../run/outcome.ts";
import type { Reporter } from "../run/reporter.ts";
import { SecretRegistry } from "../run/secrets.ts";
import { combineVerdicts, exitCodeOf } from "../run/verdict.ts";
import { errorRunLine, verdictLines } from "../run/verdict-lines.ts";
import {
  notifiesOn,
  notifyWebhook,
  type RunSummary,
  WEBHOOK_URL_VARIABLE,
  webhookText,
  webhookUrlProblem,
} from "../run/webhook.ts";
import type { CommandToRun, ReportCommand, RunCommand } from "./args.ts";
import { UsageError } from "./args.ts";
import type { CliIo } from "./output.ts";
import { type Output, outputFor, printUsageError } from "./output.ts";

// The pipeline (experiment schemas, the YAML parser, the engine) loads only for the commands that use
// it, so `--help`, `--version` and a bad flag answer without waiting for it.
const pipeline = () => import("../run/pipeline.ts");
const prepare = () => import("../run/prepare.ts");

function reporterFor(io: Output): Reporter {
  return {
    info: (message) => io.stderr(message),
    warn: (message) => io.stderr(message.startsWith("WARNING") ? message : `warning: ${message}`),
    error: (message) => io.stderr(`error: ${message}`),
    event: (event) => {
      if (event.type === "pause" && io.countdown) {
        io.countdown(event.seconds, `${event.when} ${event.name}`);
        return;
      }
      const line = formatRunEvent(event, { showStarts: true });
      if (line) io.stderr(line);
    },
  };
}

function verdictTable(outcomes: readonly ExperimentOutcome[]): string {
  const width = Math.max(10, ...outcomes.map((o) => o.file.length));
  const lines = [`${"VERDICT".padEnd(9)} ${"EXPERIMENT".padEnd(width)}  REASON`];
  for (const outcome of outcomes) {
    lines.push(
      `${outcome.verdict.padEnd(9)} ${outcome.file.padEnd(width)}  ${outcome.reason.split("\n")[0]}`,
    );
  }
  return lines.join("\n");
}

function printIssues(result: RunResult, io: CliIo): void {
  for (const outcome of result.outcomes) {
    for (const issue of outcome.issues) io.stderr(formatIssue(issue));
    // A reason of several lines (RBAC rules, guard refusals) is printed whole once.
    if (outcome.reason.includes("\n")) io.stderr(outcome.reason);
  }
}

async function run(command: RunCommand, io: Output, secrets: SecretRegistry): Promise<number> {
  // The webhook's URL is a credential (Slack's carries its token): masked from everything printed.
  const webhookUrl = command.webhookUrl ?? io.env[WEBHOOK_URL_VARIABLE];
  if (webhookUrl) {
    secrets.add([webhookUrl]);
    const problem = command.webhookUrl === undefined ? webhookUrlProblem(webhookUrl) : undefined;
    if (problem) throw new UsageError(`${WEBHOOK_URL_VARIABLE} ${problem}`);
  }
  const interrupt = new AbortController();
  const unsubscribe = io.onSignal((signal) => {
    if (interrupt.signal.aborted) {
      io.stderr(`${signal} again: still undoing our changes; they finish in a moment.`);
      return;
    }
    io.stderr(`${signal} received: stopping the method, then running rollbacks and undo.`);
    interrupt.abort(signal);
  });
  const notify = async (summary: RunSummary) => {
    if (!webhookUrl || !notifiesOn(summary.verdict)) return;
    const warning = await notifyWebhook(webhookUrl, webhookText(summary));
    if (warning) io.stderr(`warning: ${warning}`);
  };
  const version = packageJson.version;
  let result: RunResult;
  try {
    result = await (await pipeline()).runExperiments({
      options: command.options,
      cwd: io.cwd,
      env: io.env,
      cluster: command.cluster,
      signal: interrupt.signal,
      reporter: reporterFor(io),
      secrets,
      version,
    });
  } catch (error) {
    unsubscribe();
    // No verdicts: the run's line and the notification say why, then main() reports the error.
    const exitCode = exitCodeOfError(error);
    const message = errorMessage(error);
    if (command.output === "jsonl") io.stdout(errorRunLine(message, { exitCode, version }));
    await notify({ verdict: exitCode === 2 ? "invalid" : "failed", outcomes: [], error: message });
    throw error;
  }
  try {
    printIssues(result, io);
    io.stderr("");
    io.stderr(verdictTable(result.outcomes));
    for (const outcome of result.outcomes) {
      if (outcome.journalPath) io.stderr(`journal: ${outcome.journalPath}`);
    }
    if (result.undo) printPendingUndo(result.undo, command, io);
    // A signal that stopped an experiment made its verdict `failed` (its journal says `interrupted`,
    // and those not yet started say so too); one that came after the last verdict changed nothing,
    // so the exit status follows the verdicts the journals hold. Changes left in the cluster fail
    // the run whatever the verdicts said.
    const exitCode = result.undo ? 1 : exitCodeOf(result.verdict);
    if (command.output === "jsonl")
      for (const line of verdictLines(result, { exitCode, version })) io.stdout(line);
    const cluster = result.outcomes.find((o) => o.journal?.chaos_action.cluster)?.journal?.chaos_action
      .cluster;
    const where = cluster?.context ?? cluster?.server;
    await notify({ verdict: result.verdict, outcomes: result.outcomes, ...(where ? { where } : {}) });
    return exitCode;
  } finally {
    unsubscribe();
  }
}

/** Quotes a word for a POSIX shell when it needs it. */
const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;

/** What is still changed in the cluster, and the exact command that undoes it. */
function printPendingUndo(undo: { file: string; pending: string[] }, command: RunCommand, io: CliIo): void {
  io.stderr("");
  io.stderr(`error: ${undo.pending.length} change(s) could not be undone and are left in the cluster:`);
  for (const step of undo.pending) io.stderr(`  - ${step}`);
  if (command.cluster.mode === "sim") {
    io.stderr(`The simulated cluster ended with the run; the undo file ${undo.file} is kept.`);
    return;
  }
  const words = ["chaos-action", "cleanup", "--undo-file", undo.file];
  if (command.cluster.kubeconfig) words.push("--kubeconfig", command.cluster.kubeconfig);
  if (command.cluster.context) words.push("--context", command.cluster.context);
  io.stderr(`Undo them with: ${words.map(shellWord).join(" ")}`);
}

/** The report of saved journals on stdout: 0, or 2 when a file cannot be read as a journal. */
async function report(command: ReportCommand, io: CliIo): Promise<number> {
  // The Markdown report is loaded for this command alone: `run` and `validate` do without it.
  const [{ renderReport }, { JournalFileError, outcomeOfJournalFile }] = await Promise.all([
    import("../report/markdown.ts"),
    import("../report/saved-journal.ts"),
  ]);
  const outcomes = [];
  const problems: string[] = [];
  for (const path of command.journals) {
    try {
      outcomes.push(outcomeOfJournalFile(await readTextFile(resolve(io.cwd, path)), path));
    } catch (error) {
      problems.push(
        error instanceof JournalFileError
          ? error.message
          : `${path}: cannot be read (${errorMessage(error)})`,
      );
    }
  }
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(`error: ${problem}`);
    return 2;
  }
  const verdict = combineVerdicts(outcomes.map((outcome) => outcome.verdict));
  io.stdout(renderReport({ verdict, outcomes }).trimEnd());
  return 0;
}

async function execute(command: CommandToRun, io: Output, secrets: SecretRegistry): Promise<number> {
  switch (command.command) {
    case "run":
      return run(command, io, secrets);
    case "report":
      return report(command, io);
    case "validate": {
      const { prepareExperiments, validationResult } = await prepare();
      const result = validationResult(
        await prepareExperiments({
          ...command,
          cwd: io.cwd,
          env: io.env,
          reporter: reporterFor(io),
          secrets,
        }),
      );
      printIssues(result, io);
      if (command.noEnv) {
        io.stderr(
          "notice: --no-env: environment variables and executables on PATH were not checked; `type: env` values without a default are left unresolved.",
        );
      }
      io.stderr(verdictTable(result.outcomes));
      return result.verdict === "passed" ? 0 : 2;
    }
    case "cleanup": {
      const { replayPendingUndo, deleteLeftoverLeases } = await pipeline();
      const where = {
        cluster: { mode: "auto" as const, kubeconfig: command.kubeconfig, context: command.context },
        reporter: reporterFor(io),
        cwd: io.cwd,
        env: io.env,
        secrets,
      };
      const undone = await replayPendingUndo(command.undoFile, where);
      for (const step of undone) {
        const result =
          step.status === "succeeded" ? "" : ` (${step.status}${step.error ? `: ${step.error}` : ""})`;
        io.stderr(`${step.status === "succeeded" ? "✓" : "✗"} ${step.description}${result}`);
      }
      const left = undone.filter((step) => step.status !== "succeeded").length;
      if (undone.length === 0) io.stderr("Nothing was left to undo.");
      else if (left === 0) io.stderr(`${undone.length} undo step(s) replayed; ${command.undoFile} removed.`);
      else
        io.stderr(
          `${left} of ${undone.length} undo step(s) still pending in ${command.undoFile}; run cleanup again.`,
        );
      // Last: the Leases kept other runs off these targets until the undo was done.
      for (const line of await deleteLeftoverLeases(command.undoFile, where)) io.stderr(line);
      return left === 0 ? 0 : 1;
    }
  }
}

/** Runs a parsed command; never throws: every error becomes a message and an exit status. */
export async function runCommand(command: CommandToRun, given: CliIo): Promise<number> {
  // Every secret the run finds (experiments, --var, the environment, the connection) is scrubbed
  // from everything printed, whichever part of the run printed it.
  const secrets = new SecretRegistry();
  const io = outputFor(given, (text) => secrets.redact(text));
  try {
    return await execute(command, io, secrets);
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** Prints why a command failed and returns its exit status. */
export function reportFailure(error: unknown, io: CliIo): number {
  // A problem only a command finds (a webhook URL from the environment) reads like a bad flag.
  if (error instanceof UsageError) return printUsageError(error, io);
  io.stderr(`error: ${errorMessage(error, { whole: true })}`);
  return exitCodeOfError(error);
}

// The run of one experiment (chaoslib run.py `Runner._run`, CHAOS-TOOLKIT.md §1.8–1.10), with our
// decided differences: a steady state missed before the method fails the run; a failing method
// action fails it, and so does one that injected nothing (injection.ts); deviations seen during the method count; our undo log is replayed on every
// exit. Always returns a journal: failures, timeouts and interruptions are recorded, not thrown.
import os from "node:os";
import { errorMessage, plainErrorMessage } from "../common/error-message.ts";
import type { Experiment, HypothesisStrategy, RollbackStrategy } from "../experiment/format.ts";
import { substitute, substitutionMapping } from "../experiment/substitute.ts";
import type { Clock, UndoRegistry } from "../providers/native.ts";
import type { ProviderExecutor } from "../providers/provider-call.ts";
import { pythonStr } from "../python/str.ts";
import { type ActivityEnvironment, RunStopped } from "./activity.ts";
import { isoTime, systemClock } from "./clock.ts";
import type { RunEvent } from "./events.ts";
import { type HypothesisOutcome, runHypothesis, runHypothesisContinuously } from "./hypothesis.ts";
import { notInjected } from "./injection.ts";
import type { ChaosActionInfo, Journal, UndoRun } from "./journal.ts";
import { redactSecrets } from "./journal-secrets.ts";
import { Outcome } from "./outcome.ts";
import { checkRecovery, type RecoveryOptions, recoverySkipReason } from "./recovery.ts";
import { activityTable, type ResolvedProbe, resolveProbes } from "./refs.ts";
import { type Safeguard, safeguardsOf, watchSafeguards } from "./safeguards.ts";
import { runActivities, type Step, steps } from "./steps.ts";
import { hypothesisPhases, shouldRunRollbacks } from "./strategies.ts";
import { DEFAULT_UNDO_SECONDS, type ReplayOptions } from "./undo.ts";
import { verdictOf } from "./verdict.ts";

export interface RunStrategies {
  /** Default: the experiment's `runtime.hypothesis.strategy`, else `default`. */
  hypothesis?: HypothesisStrategy;
  /** Default: the experiment's `runtime.rollbacks.strategy`, else `default`. */
  rollbacks?: RollbackStrategy;
  /** Seconds between two runs of the hypothesis during the method (default 1). */
  frequencySeconds?: number;
  /** Stop the method at the first deviation seen during it. */
  failFast?: boolean;
}

export interface RunUndo {
  registry: UndoRegistry;
  /** Replays this run's pending undo steps, newest first, retrying failures until the deadline. */
  replay(options?: ReplayOptions): Promise<UndoRun[]>;
  /** Where the steps are kept, for the journal. */
  file?: string;
}

/** An action still running when the run stops is awaited this long before rollbacks and undo. */
export const IN_FLIGHT_GRACE_SECONDS = 10;

export interface RunInput {
  /** Validated, unsubstituted. */
  experiment: Experiment;
  /** The experiment file, relative to the working directory. */
  file: string;
  experimentDir: string;
  /** Resolved configuration values. */
  configuration?: Record<string, unknown>;
  /** Resolved secrets, by scope. */
  secrets?: Record<string, Record<string, unknown>>;
  strategies?: RunStrategies;
  /** Stops the hypothesis and the method (rollbacks and undo then run, within `undoTimeoutSeconds`). */
  timeoutSeconds?: number;
  /** Said after the timeout's message, e.g. where its value came from. */
  timeoutDetail?: string;
  /**
   * Counted from the end of the method (or the stop): in-flight actions are awaited, rollbacks run,
   * and failing undo steps are retried until then (default DEFAULT_UNDO_SECONDS); every undo step is
   * tried at least once.
   */
  undoTimeoutSeconds?: number;
  /** How long an action in flight at a stop is awaited (default IN_FLIGHT_GRACE_SECONDS). */
  inFlightGraceSeconds?: number;
  /** For every activity (their own `timeout` is ignored, as by Chaos Toolkit). */
  activityTimeoutSeconds?: number;
  /** A method action that reaches no object does not fail the run (--allow-no-target). */
  allowNoTarget?: boolean;
  /**
   * After our undo, the hypothesis is checked until it holds twice in a row (engine/recovery.ts);
   * `endsWithinSeconds` counts from the start of the run. Absent: not checked, and the journal says
   * nothing of it.
   */
  recovery?: Omit<RecoveryOptions, "endsBy"> & { endsWithinSeconds?: number };
  /** Aborted on SIGINT/SIGTERM; the reason (e.g. "SIGINT") is named in the journal. */
  signal?: AbortSignal;
  clock?: Clock;
  execute: ProviderExecutor;
  undo: RunUndo;
  /** Passed to native functions untouched (e.g. the Kubernetes connection). */
  services?: Record<string, unknown>;
  onEvent?: (event: RunEvent) => void;
  /**
   * Checked before anything runs (the cluster's RBAC preflight and blast-radius guard): when it
   * throws, the run is refused with its message as the reason, and nothing else runs.
   */
  gate?: () => Promise<void>;
  /** chaos-action's version, for the journal. */
  version?: string;
  cluster?: ChaosActionInfo["cluster"];
  commit?: string;
}

function interruptMessage(reason: unknown): string {
  if (typeof reason === "string" && reason) return `interrupted by ${reason}`;
  if (reason instanceof Error && reason.name !== "AbortError" && reason.message) {
    return reason.message.startsWith("interrupted") ? reason.message : `interrupted: ${reason.message}`;
  }
  return "interrupted";
}

type JournalHeader = Pick<RunInput, "experiment" | "file" | "version" | "cluster" | "commit"> & {
  undoFile?: string;
};

function newJournal(
  input: JournalHeader,
  title: unknown,
  startMs: number,
  strategies: [string, string],
): Journal {
  const { experiment } = input;
  return {
    "chaoslib-version": input.version ?? "unknown",
    platform: `${os.type()}-${os.release()}-${os.arch()}`,
    node: os.hostname(),
    experiment: {
      ...experiment,
      title: typeof title === "string" ? title : pythonStr(title),
      ...(experiment.secrets ? { secrets: redactSecrets(experiment.secrets) } : {}),
      dry: null,
    },
    start: isoTime(startMs),
    end: isoTime(startMs),
    duration: 0,
    status: "completed",
    deviated: false,
    steady_states: { before: null, after: null, during: [] },
    run: [],
    rollbacks: [],
    undo: [],
    chaos_action: {
      version: input.version ?? "unknown",
      file: input.file,
      verdict: "passed",
      reason: "held",
      fault_injected: false,
      hypothesis_strategy: strategies[0],
      rollback_strategy: strategies[1],
      ...(input.cluster ? { cluster: input.cluster } : {}),
      ...(input.commit ? { commit: input.commit } : {}),
      ...(input.undoFile ? { undo_file: input.undoFile } : {}),
    },
  };
}

/**
 * The journal of an experiment that a stop (SIGINT, SIGTERM, cancellation) kept from starting:
 * nothing ran and nothing changed, and the journal says so rather than being missing.
 */
export function notStartedJournal(
  input: JournalHeader & Pick<RunInput, "strategies">,
  stopReason: unknown,
  startMs: number,
): Journal {
  const journal = newJournal(input, input.experiment.title, startMs, strategiesOf(input));
  journal.status = "interrupted";
  journal.chaos_action.verdict = "failed";
  journal.chaos_action.reason = `failed: not run, ${interruptMessage(stopReason)} before it started`;
  return journal;
}

/** The run's strategies: the flags', else the experiment's `runtime` block's, else Chaos Toolkit's defaults. */
function strategiesOf(
  input: Pick<RunInput, "experiment" | "strategies">,
): [HypothesisStrategy, RollbackStrategy] {
  const { strategies, experiment } = input;
  return [
    strategies?.hypothesis ?? experiment.runtime?.hypothesis?.strategy ?? "default",
    strategies?.rollbacks ?? experiment.runtime?.rollbacks?.strategy ?? "default",
  ];
}

const rollbacksRegisterNoUndo: UndoRegistry = {
  register: async (step) => ({ ...step, id: "rollback" }),
  discard: async () => {},
};

class ExperimentRun {
  private readonly input: RunInput;
  private readonly clock: Clock;
  private readonly outcome = new Outcome();
  /** Stops the run, for an interruption or the run's timeout; its reason (a RunStopped) says which. */
  private readonly stopper = new AbortController();
  private readonly runTimer = new AbortController();
  private readonly hypothesisStrategy: HypothesisStrategy;
  private readonly rollbackStrategy: RollbackStrategy;
  private readonly substitute: (value: unknown) => unknown;
  private readonly env: ActivityEnvironment;
  private readonly journal: Journal;
  private readonly startMs: number;
  /** Every activity execution still running, stopped or not (ActivityEnvironment.inFlight). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(input: RunInput) {
    this.input = input;
    this.clock = input.clock ?? systemClock;
    const { experiment } = input;
    [this.hypothesisStrategy, this.rollbackStrategy] = strategiesOf(input);
    const mapping = substitutionMapping(input.configuration ?? {}, input.secrets ?? {});
    this.substitute = (value) => substitute(value, mapping);
    this.env = this.environment(this.stopper.signal);
    this.startMs = this.clock.now();
    this.journal = newJournal(
      { ...input, undoFile: input.undo.file },
      this.substitute(experiment.title),
      this.startMs,
      [this.hypothesisStrategy, this.rollbackStrategy],
    );
  }

  private environment(signal: AbortSignal): ActivityEnvironment {
    const { input } = this;
    return {
      execute: input.execute,
      substitute: this.substitute,
      clock: this.clock,
      signal,
      defaultTimeoutSeconds: input.activityTimeoutSeconds,
      call: {
        configuration: input.configuration ?? {},
        secrets: input.secrets ?? {},
        undo: input.undo.registry,
        clock: this.clock,
        experimentDir: input.experimentDir,
        services: input.services ?? {},
      },
      emit: (event) => this.emit(event),
      inFlight: this.inFlight,
    };
  }

  private emit(event: RunEvent): void {
    if (event.type === "activity-started" && event.phase === "method" && event.kind === "action") {
      this.outcome.faultInjected = true;
    }
    try {
      this.input.onEvent?.(event);
    } catch {
      // A broken progress listener must not change the run.
    }
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private noteStop(): void {
    if (this.stopped) this.outcome.stopped(this.stopper.signal.reason as RunStopped);
  }

  async run(): Promise<Journal> {
    const { input, outcome } = this;
    let reserveEnd: number | undefined;
    let probes: ResolvedProbe[] = [];
    const onInterrupt = () =>
      this.stopper.abort(new RunStopped("interrupted", interruptMessage(input.signal?.reason)));
    if (input.signal?.aborted) onInterrupt();
    else input.signal?.addEventListener("abort", onInterrupt, { once: true });
    if (input.timeoutSeconds !== undefined) {
      const seconds = input.timeoutSeconds;
      const detail = input.timeoutDetail ? ` ${input.timeoutDetail}` : "";
      this.clock.sleep(seconds * 1000, this.runTimer.signal).then(
        () =>
          this.stopper.abort(
            new RunStopped("timeout", `the run did not finish within its timeout of ${seconds}s${detail}`),
          ),
        () => {},
      );
    }
    try {
      let rollbacks: Step[] | undefined;
      try {
        const { experiment } = input;
        const table = activityTable(experiment);
        probes = resolveProbes(experiment["steady-state-hypothesis"]?.probes ?? [], table);
        const method = steps(experiment.method, table, "the method");
        rollbacks = steps(experiment.rollbacks ?? [], table, "the rollbacks");
        if (await this.passesGate()) await this.guarded(safeguardsOf(experiment, table), probes, method);
        else rollbacks = undefined;
      } catch (error) {
        outcome.status = "aborted";
        outcome.failure = errorMessage(error);
      }
      this.noteStop();
      this.runTimer.abort();
      reserveEnd = this.clock.now() + (input.undoTimeoutSeconds ?? DEFAULT_UNDO_SECONDS) * 1000;
      // A stopped action may still be on its way (its request sent, its undo not yet registered).
      await this.settleInFlight();
      if (rollbacks) await this.rollbacks(rollbacks);
    } finally {
      this.runTimer.abort();
      input.signal?.removeEventListener("abort", onInterrupt);
    }
    await this.settleInFlight();
    await this.replayUndo(reserveEnd);
    await this.recover(probes);
    return this.finish();
  }

  /** Waits for executions still running, at most the grace period; true when none is left. */
  private async settleInFlight(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const grace = (this.input.inFlightGraceSeconds ?? IN_FLIGHT_GRACE_SECONDS) * 1000;
    const timer = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      this.clock.sleep(grace, timer.signal).catch(() => {}),
    ]);
    timer.abort();
    if (this.inFlight.size > 0) this.outcome.stillRunning = this.inFlight.size;
  }

  private async passesGate(): Promise<boolean> {
    if (!this.input.gate) return true;
    try {
      await this.input.gate();
      return true;
    } catch (error) {
      // Refusals (missing RBAC rules, guard violations) are several lines; all of them matter.
      this.outcome.fail("refused", plainErrorMessage(error));
      return false;
    }
  }

  /** The experiment under its safeguards (engine/safeguards.ts): the first one not met aborts the run. */
  private async guarded(safeguards: Safeguard[], probes: ResolvedProbe[], method: Step[]): Promise<void> {
    if (safeguards.length === 0) return this.experimentPhases(probes, method);
    const watch = watchSafeguards(safeguards, this.env, (reason) =>
      this.stopper.abort(new RunStopped("safeguard", reason)),
    );
    try {
      if (await watch.ready) await this.experimentPhases(probes, method);
    } finally {
      await watch.stop();
      this.journal.chaos_action.safeguards = watch.runs;
    }
  }

  private async experimentPhases(probes: ResolvedProbe[], method: Step[]): Promise<void> {
    const phases = hypothesisPhases(this.hypothesisStrategy);
    const withHypothesis = probes.length > 0;
    if (withHypothesis && phases.before) {
      const before = await runHypothesis(probes, this.env, "before");
      this.journal.steady_states.before = before.state;
      if (before.stopped) return;
      if (before.state.steady_state_met === false) {
        const detail = before.error ? ` (${before.error})` : "";
        this.outcome.fail(
          "before-hypothesis",
          `steady state was not met before any fault was injected: ${before.missedProbe}${detail}`,
        );
        return;
      }
    }
    await this.method(method, withHypothesis && phases.during ? probes : []);
    if (this.stopped || !withHypothesis || !phases.after) return;
    const after = await runHypothesis(probes, this.env, "after");
    this.journal.steady_states.after = after.state;
    if (!after.stopped) this.judge(after);
  }

  /**
   * A hypothesis after or during the method that is not met is a deviation, also when its probe
   * raised (pods_in_phase raises when a pod is not Running; an HTTP probe fails to connect to a
   * killed service): that is the fault showing. The journal still says `failed` for a raising
   * probe after the method, as Chaos Toolkit's does. A tolerance that cannot be evaluated is a
   * broken experiment: the run fails.
   */
  private judge(outcome: HypothesisOutcome, phase: "during" | "after" = "after"): void {
    if (outcome.state.steady_state_met !== false) return;
    if (phase === "after" && outcome.errorKind === "tolerance" && outcome.error) {
      this.outcome.fail("probe", outcome.error);
      return;
    }
    this.outcome.deviate(outcome.missedProbe, outcome.error);
    if (phase === "after" && outcome.error) this.outcome.probeRaisedAfter = true;
  }

  /**
   * The method, with the hypothesis running alongside when `duringProbes` is not empty. Under
   * fail-fast, the first deviation seen during the method cuts it at once (the activity or pause in
   * progress included, within one tick of the hypothesis); the run then goes on as after any method.
   */
  private async method(method: Step[], duringProbes: ResolvedProbe[]): Promise<void> {
    const { input, outcome } = this;
    const methodDone = new AbortController();
    const cut = new AbortController();
    const failFast = input.strategies?.failFast ?? false;
    const duringStop = AbortSignal.any([methodDone.signal, this.stopper.signal]);
    // Repeated probes may answer from a watch-fed cache (ProviderCall.cacheUntil) kept while they run.
    const duringEnv = { ...this.env, call: { ...this.env.call, cacheUntil: duringStop } };
    const continuous =
      duringProbes.length > 0
        ? runHypothesisContinuously(duringProbes, duringEnv, {
            frequencyMs: (input.strategies?.frequencySeconds ?? 1) * 1000,
            failFast,
            stop: duringStop,
            onState: (state) => {
              this.journal.steady_states.during.push(state.state);
              if (state.stopped) return;
              this.judge(state, "during");
              if (failFast && state.state.steady_state_met === false && !cut.signal.aborted) {
                cut.abort(
                  new RunStopped(
                    "fail-fast",
                    `the method was stopped (--fail-fast): ${state.missedProbe ?? "the hypothesis"} was not met`,
                  ),
                );
              }
            },
          })
        : undefined;
    try {
      this.journal.run = await runActivities(
        method,
        this.env,
        "method",
        () => outcome.status !== "completed",
        (activity, result) => {
          if (activity.type !== "action" || result.stopped) return;
          if (result.run.status === "failed") {
            outcome.fail("action", `action '${activity.name}' failed: ${result.error}`);
            return;
          }
          // It ran, but injected nothing: a fault that reached no object, a process that exited non-zero.
          const hollow = notInjected(activity, result.run, { allowNoTarget: input.allowNoTarget ?? false });
          if (hollow) outcome.fail("action", hollow);
        },
        { cut: cut.signal },
      );
    } finally {
      methodDone.abort();
      await continuous;
    }
    // What the cut stopped may still be on its way; the hypothesis after it should see where it ended.
    if (cut.signal.aborted) await this.settleInFlight();
  }

  private async rollbacks(rollbacks: Step[]): Promise<void> {
    const { outcome } = this;
    const decision = { status: outcome.status, deviated: outcome.deviated, cause: outcome.cause };
    if (!shouldRunRollbacks(this.rollbackStrategy, decision)) return;
    // After an interruption or the run's timeout (strategy `always`), rollbacks run on a fresh signal.
    const stoppedBefore = this.stopped;
    const base = stoppedBefore ? this.environment(new AbortController().signal) : this.env;
    // A rollback puts things back; were it to register an undo, the replay afterwards would briefly
    // re-inject the fault before restoring the state before the method.
    const env = { ...base, call: { ...base.call, undo: rollbacksRegisterNoUndo } };
    this.journal.rollbacks = await runActivities(rollbacks, env, "rollbacks", () => false);
    if (!stoppedBefore) this.noteStop();
  }

  private async replayUndo(deadline: number | undefined): Promise<void> {
    const { clock, journal } = this;
    const start = clock.now();
    try {
      journal.undo = await this.input.undo.replay({
        clock,
        deadline: deadline ?? start + (this.input.undoTimeoutSeconds ?? DEFAULT_UNDO_SECONDS) * 1000,
      });
    } catch (error) {
      const end = clock.now();
      journal.undo = [
        {
          id: "undo-log",
          description: "replay the undo log",
          status: "failed",
          error: errorMessage(error),
          start: isoTime(start),
          end: isoTime(end),
          duration: (end - start) / 1000,
        },
      ];
    }
    for (const undo of journal.undo) this.emit({ type: "undo-finished", undo });
    const left = journal.undo.filter((undo) => undo.status !== "succeeded").map((undo) => undo.description);
    if (left.length > 0) {
      journal.chaos_action.left_changed = left;
      this.outcome.undoIncomplete(left);
    }
  }

  /** The hypothesis again after our undo, unless the run says not to (recovery.ts). */
  private async recover(probes: ResolvedProbe[]): Promise<void> {
    const { input, outcome, journal } = this;
    if (!input.recovery) return;
    const { endsWithinSeconds, ...options } = input.recovery;
    const skip = recoverySkipReason({
      timeoutSeconds: options.timeoutSeconds,
      hasHypothesis: probes.length > 0,
      hypothesisStrategy: this.hypothesisStrategy,
      rollbackStrategy: this.rollbackStrategy,
      status: outcome.status,
      deviated: outcome.deviated,
      faultInjected: outcome.faultInjected,
    });
    if (skip) {
      journal.chaos_action.recovery = { checked: false, reason: skip, checks: [] };
    } else {
      const interrupt = new AbortController();
      const onInterrupt = () =>
        interrupt.abort(
          new RunStopped("interrupted", `${interruptMessage(input.signal?.reason)} while checking recovery`),
        );
      if (input.signal?.aborted) onInterrupt();
      else input.signal?.addEventListener("abort", onInterrupt, { once: true });
      try {
        const result = await checkRecovery(probes, this.environment(interrupt.signal), {
          ...options,
          ...(endsWithinSeconds === undefined ? {} : { endsBy: this.startMs + endsWithinSeconds * 1000 }),
        });
        journal.chaos_action.recovery = result.recovery;
        if (result.interrupted) outcome.stopped(result.interrupted);
        if (result.recovery.recovered === false) {
          const missed = result.missedProbe ? ` (last missed: ${result.missedProbe})` : "";
          outcome.notRecovered(`${result.recovery.reason}${missed}`);
        }
      } finally {
        input.signal?.removeEventListener("abort", onInterrupt);
      }
    }
    const { checks, ...summary } = journal.chaos_action.recovery;
    this.emit({ type: "recovery-finished", ...summary, checks: checks.length });
  }

  private finish(): Journal {
    const { journal, outcome } = this;
    const endMs = this.clock.now();
    journal.end = isoTime(endMs);
    journal.duration = (endMs - this.startMs) / 1000;
    journal.status = outcome.status;
    // Not recovering is a deviation whatever the method showed (DESIGN.md → Failure kinds).
    journal.deviated = outcome.deviated || outcome.notRecoveredReason !== undefined;
    journal.chaos_action.verdict = verdictOf(journal);
    if (outcome.status === "completed" && outcome.probeRaisedAfter) journal.status = "failed";
    journal.chaos_action.fault_injected = outcome.faultInjected;
    journal.chaos_action.reason = outcome.reason();
    return journal;
  }
}

/** Runs one experiment and returns its journal; never throws for anything the run itself meets. */
export async function runExperiment(input: RunInput): Promise<Journal> {
  return new ExperimentRun(input).run();
}

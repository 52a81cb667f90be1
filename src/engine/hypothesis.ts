// The steady-state hypothesis (chaoslib hypothesis.py `run_steady_state_hypothesis`): probes run one
// after another and stop at the first that is not within its tolerance. A probe that fails, or
// whose tolerance cannot be evaluated, is not within tolerance and is marked as an error.

import { errorMessage } from "../common/error-message.ts";
import type { ProbeTolerance } from "../experiment/format.ts";
import { type ActivityEnvironment, runActivity } from "./activity.ts";
import type { RunPhase } from "./events.ts";
import type { SteadyState } from "./journal.ts";
import { substituteProvider } from "./provider-substitution.ts";
import type { ResolvedProbe } from "./refs.ts";
import { withinTolerance } from "./tolerance.ts";

export interface HypothesisOutcome {
  state: SteadyState;
  /** The first probe that was not within tolerance. */
  missedProbe?: string;
  /** Set when that probe failed or its tolerance could not be evaluated. */
  error?: string;
  /**
   * Whether `error` is the probe's own failure (the system did not answer as hoped: after a fault,
   * a deviation) or a tolerance that cannot be evaluated (a broken experiment: a failure).
   */
  errorKind?: "probe" | "tolerance";
  /** The run was stopped while the hypothesis ran. */
  stopped: boolean;
}

export async function runHypothesis(
  probes: readonly ResolvedProbe[],
  env: ActivityEnvironment,
  phase: RunPhase,
): Promise<HypothesisOutcome> {
  const state: SteadyState = { steady_state_met: null, probes: [] };
  const toleranceContext = {
    substitute: env.substitute,
    runProbe: (probe: ProbeTolerance) =>
      env.execute(substituteProvider(probe.provider, env.substitute), {
        ...env.call,
        activity: probe.name,
        signal: env.signal,
      }),
  };
  for (const probe of probes) {
    let error: string | undefined;
    let errorKind: HypothesisOutcome["errorKind"];
    const result = await runActivity(probe, env, phase, {
      async evaluate({ run, error: failed }) {
        if (run.status !== "succeeded") {
          run.tolerance_met = false;
          error = `probe '${probe.name}' failed: ${failed}`;
          errorKind = "probe";
          return;
        }
        try {
          run.tolerance_met = await withinTolerance(probe.tolerance, run.output, toleranceContext);
        } catch (toleranceError) {
          error = `the tolerance of probe '${probe.name}' could not be evaluated: ${errorMessage(toleranceError)}`;
          errorKind = "tolerance";
          run.tolerance_met = false;
          run.status = "failed";
          run.exception = [error];
        }
      },
    });
    if (result === undefined || result.stopped) {
      if (result) state.probes.push(result.run);
      return { state, stopped: true };
    }
    state.probes.push(result.run);
    if (!result.run.tolerance_met) {
      state.steady_state_met = false;
      return {
        state,
        missedProbe: probe.name,
        ...(error === undefined ? {} : { error, errorKind }),
        stopped: false,
      };
    }
  }
  state.steady_state_met = true;
  return { state, stopped: false };
}

/**
 * The hypothesis during the method (strategies `during-method-only` and `continuously`): runs it,
 * waits `frequencyMs` between two runs (not per period, as Chaos Toolkit), until `stop` aborts or,
 * with `failFast`, until the first miss. Each state goes to `onState` as it completes.
 */
export async function runHypothesisContinuously(
  probes: readonly ResolvedProbe[],
  env: ActivityEnvironment,
  options: {
    frequencyMs: number;
    failFast: boolean;
    stop: AbortSignal;
    onState: (outcome: HypothesisOutcome) => void;
  },
): Promise<void> {
  const { frequencyMs, failFast, stop, onState } = options;
  while (!stop.aborted) {
    const outcome = await runHypothesis(probes, env, "during");
    onState(outcome);
    if (outcome.stopped || (failFast && outcome.state.steady_state_met === false)) return;
    try {
      await env.clock.sleep(frequencyMs, stop);
    } catch {
      return;
    }
  }
}

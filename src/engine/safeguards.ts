// Chaos Toolkit's safeguards control (`chaosaddons.controls.safeguards`), run natively: the probes
// listed under the experiment-level control's `provider.arguments.probes` stop the experiment as soon
// as one of them is not within its tolerance (a probe that fails is not). As chaosaddons runs them:
//   - a probe with neither `frequency` nor `background` runs once before the experiment, and the
//     experiment waits for all of these together;
//   - `background: true`: runs once, alongside the experiment;
//   - `frequency: N`: runs again and again, N seconds apart, until the experiment ends.
// Where chaosaddons leaves the run `interrupted` (and its default rollbacks unplayed), a tripped
// safeguard here aborts it (`aborted`): the method stops, the rollbacks and our undo still run. They
// guard the experiment until its rollbacks start. Differences: a repeating probe's tolerance is
// checked as soon as it answers, not after the next wait; safeguards in settings files or on
// activities are not run (only the experiment's own `controls` are read).
import { isRecord } from "../common/record.ts";
import type { ActivityDefinition, Experiment, HypothesisProbe } from "../experiment/format.ts";
import { isSafeguardsControl } from "../experiment/format-names.ts";
import { type ActivityEnvironment, RunStopped } from "./activity.ts";
import { runHypothesis } from "./hypothesis.ts";
import type { ActivityRun } from "./journal.ts";
import { type ActivityTable, type ResolvedProbe, resolveProbes } from "./refs.ts";

export interface Safeguard {
  probe: ResolvedProbe;
  /** `before`: once, before the experiment; `once`: once, alongside; `repeat`: every `frequencySeconds`. */
  mode: "before" | "once" | "repeat";
  frequencySeconds?: number;
}

/** The safeguard probes of the experiment's own controls, refs resolved (validation checked their shape). */
export function safeguardsOf(experiment: Experiment, table: ActivityTable): Safeguard[] {
  const found: Safeguard[] = [];
  for (const control of experiment.controls ?? []) {
    if (!isSafeguardsControl(control)) continue;
    const args = control.provider.arguments;
    const probes = isRecord(args) && Array.isArray(args.probes) ? (args.probes as HypothesisProbe[]) : [];
    resolveProbes(probes, table).forEach((probe, index) => {
      const declared = probes[index] as Record<string, unknown>;
      const frequency = Number(declared.frequency ?? 0);
      if (frequency > 0) found.push({ probe, mode: "repeat", frequencySeconds: frequency });
      else found.push({ probe, mode: declared.background === true ? "once" : "before" });
    });
  }
  return found;
}

/** The safeguard probes as declared (refs left out: they name activities found elsewhere). */
export function safeguardDefinitions(experiment: Experiment): ActivityDefinition[] {
  return (experiment.controls ?? []).flatMap((control) => {
    if (!isSafeguardsControl(control)) return [];
    const args = control.provider.arguments;
    const probes = isRecord(args) && Array.isArray(args.probes) ? (args.probes as HypothesisProbe[]) : [];
    return probes.flatMap((probe) => ("ref" in probe ? [] : [probe as ActivityDefinition]));
  });
}

export interface SafeguardWatch {
  /** Resolves once the `before` safeguards have all answered: true when every one was met. */
  ready: Promise<boolean>;
  /** Ends the watch: repeating safeguards stop, one still running is stopped; resolves when all have. */
  stop(): Promise<void>;
  /** Every safeguard run, in the order they ended. */
  runs: ActivityRun[];
}

/**
 * Starts the safeguards. `trip` is called once, with the reason, for the first safeguard not met;
 * the caller stops the run. `env.signal` is the run's: a stopped run stops the safeguards too.
 */
export function watchSafeguards(
  safeguards: readonly Safeguard[],
  env: ActivityEnvironment,
  trip: (reason: string) => void,
): SafeguardWatch {
  const done = new AbortController();
  const signal = AbortSignal.any([env.signal, done.signal]);
  const watchEnv: ActivityEnvironment = { ...env, signal };
  // Repeating safeguards may answer from a watch-fed cache kept while they run (ProviderCall.cacheUntil).
  const repeatEnv: ActivityEnvironment = { ...watchEnv, call: { ...watchEnv.call, cacheUntil: signal } };
  const runs: ActivityRun[] = [];
  let tripped = false;

  /** One run of one safeguard; false when it was not met. */
  const check = async ({ probe }: Safeguard, checkEnv = watchEnv): Promise<boolean> => {
    const outcome = await runHypothesis([probe], checkEnv, "safeguard");
    runs.push(...outcome.state.probes);
    if (outcome.stopped || outcome.state.steady_state_met !== false) return true;
    if (!tripped) {
      tripped = true;
      const why = outcome.error ? `: ${outcome.error}` : "";
      trip(`safeguard '${probe.name}' was not met${why}`);
    }
    return false;
  };

  const repeat = async (safeguard: Safeguard): Promise<void> => {
    while (!signal.aborted && (await check(safeguard, repeatEnv))) {
      try {
        await env.clock.sleep((safeguard.frequencySeconds ?? 1) * 1000, signal);
      } catch {
        return;
      }
    }
  };

  // All start at once, as chaosaddons submits them; only the `before` ones are waited for.
  const ready = Promise.all(safeguards.filter((s) => s.mode === "before").map((s) => check(s))).then((met) =>
    met.every(Boolean),
  );
  const alongside = Promise.all(
    safeguards.filter((s) => s.mode !== "before").map((s) => (s.mode === "once" ? check(s) : repeat(s))),
  );
  return {
    ready,
    runs,
    async stop() {
      done.abort(new RunStopped("interrupted", "the experiment ended"));
      await alongside;
    },
  };
}

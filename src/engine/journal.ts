// The journal: Chaos Toolkit's structure, so existing journal readers work, plus our own
// `undo` list and `chaos_action` block (verdict, reason, where it ran), which the report reads.
import type { ActivityDefinition, Experiment } from "../experiment/format.ts";

export type RunStatus = "succeeded" | "failed";

/** One executed activity. `status` is absent when the activity was interrupted (as in Chaos Toolkit). */
export interface ActivityRun {
  activity: ActivityDefinition;
  output: unknown;
  start: string;
  end: string;
  duration: number;
  status?: RunStatus;
  exception?: string[];
  tolerance_met?: boolean;
  /** Ours: what the activity changed, as its native function reported it through `services.record`. */
  touched?: TouchRecord[];
}

/** One object an action changed; no namespace for cluster-scoped objects (nodes, namespaces). */
export interface TouchedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** What one call of an action changed: made by the Kubernetes activities, kept in the journal, read by the report. */
export interface TouchRecord {
  /** `module.func` of the action. */
  action: string;
  objects: TouchedObject[];
  /** The objects' state before and after, when the change is a value: `{replicas: 3}` → `{replicas: 1}`, or "deleted". */
  before?: unknown;
  after?: unknown;
  /**
   * A fault that reached no object: what it looked for, e.g. `terminate_pods reached no pod:
   * label_selector "app=nope" in namespace "default" matched nothing` (with `objects` empty).
   */
  missed?: string;
}

export interface SteadyState {
  steady_state_met: boolean | null;
  probes: ActivityRun[];
}

export type JournalStatus = "completed" | "failed" | "aborted" | "interrupted";

/**
 * An undo of one of our own cluster changes, replayed after the user's rollbacks. `pending`: it kept
 * failing until the undo deadline and is left in the undo file for `cleanup` (the change is still in
 * the cluster); `failed`: the undo log itself could not be read or written.
 */
export interface UndoRun {
  id: string;
  description: string;
  status: "succeeded" | "pending" | "failed" | "skipped";
  error?: string;
  /** How many times it was tried. */
  attempts?: number;
  /** `skipped`: the object no longer held what we set (a newer change), so it was left alone. */
  conflict?: string;
  start: string;
  end: string;
  duration: number;
}

/** One check of the hypothesis after rollbacks and undo: its probes as in `steady_states`, and when it ran. */
export interface RecoveryCheck extends SteadyState {
  start: string;
  end: string;
}

/**
 * Ours: whether the system recovered after rollbacks and our undo (DESIGN.md → Failure kinds). The
 * hypothesis is checked again until it is met on two checks in a row, within `timeout` seconds.
 */
export interface Recovery {
  /** False when no check was made: no hypothesis, a rollback strategy that keeps the fault, interrupted. */
  checked: boolean;
  /** When checked: met on two checks in a row within the timeout. */
  recovered?: boolean;
  /** When recovered: seconds from the start of the first check to the end of the first of the two met checks. */
  seconds?: number;
  /** The recovery timeout, in seconds. */
  timeout?: number;
  /** In words, why it was not checked or did not recover: "no hypothesis", "did not recover within 120 s". */
  reason?: string;
  /** Every check, in order. */
  checks: RecoveryCheck[];
}

/** What an advice finding is about; the report and the CLI name them. */
export type AdviceCheck =
  | "single-replica"
  | "no-disruption-budget"
  | "no-readiness-probe"
  | "replicas-on-one-node"
  | "no-spread"
  | "slow-recovery"
  | "requests-lost";

/** One concrete weakness, seen on an object read from the cluster or in this journal's own results. */
export interface AdviceFinding {
  check: AdviceCheck;
  /** The object read on the cluster that shows it (kind/namespace/name). */
  object: TouchedObject;
  /** What was seen, with its numbers: "spec.replicas is 1". */
  seen: string;
  /** What to change. */
  change: string;
}

/**
 * Ours: what the objects the experiment targeted say about its availability, read after the run
 * (read-only, bounded). Not available (RBAC, unreachable) is said, never a failure of the run.
 */
export interface Advice {
  available: boolean;
  /** When not available: why ("cannot list poddisruptionbudgets.policy in namespace default: forbidden"). */
  reason?: string;
  /** Every object read, so a reader sees what the findings rest on. */
  read: TouchedObject[];
  findings: AdviceFinding[];
}

/** Our verdict, per DESIGN.md → Contracts → Verdicts. `invalid` and `skipped` never have a journal. */
export type JournalVerdict = "passed" | "deviated" | "failed";

export interface ChaosActionInfo {
  version: string;
  /** The experiment file, relative to the working directory. */
  file: string;
  verdict: JournalVerdict;
  /** In words: "held", "deviated: <probe>", "failed: <reason>". */
  reason: string;
  /** True once a method action has started: whether a fault may have been injected. */
  fault_injected: boolean;
  hypothesis_strategy: string;
  rollback_strategy: string;
  /** Where it ran, when it touched a cluster. Never a secret. */
  cluster?: { source: string; context?: string; server?: string; version?: string; user?: string };
  commit?: string;
  /** Runs of the safeguards control's probes (engine/safeguards.ts), when the experiment declares it. */
  safeguards?: ActivityRun[];
  /** The file our undo steps are written to before each change (kept while any is pending). */
  undo_file?: string;
  /** The undo steps left pending: changes still in the cluster (replay with `chaos-action cleanup`). */
  left_changed?: string[];
  /** The recovery check after rollbacks and undo; absent in journals made before it existed. */
  recovery?: Recovery;
  /** Findings read from the cluster after the run (kubernetes/advice.ts); absent when not asked. */
  advice?: Advice;
}

export interface Journal {
  "chaoslib-version": string;
  platform: string;
  node: string;
  experiment: Experiment & { dry: null };
  start: string;
  end: string;
  duration: number;
  status: JournalStatus;
  deviated: boolean;
  steady_states: { before: SteadyState | null; after: SteadyState | null; during: SteadyState[] };
  run: ActivityRun[];
  rollbacks: ActivityRun[];
  undo: UndoRun[];
  chaos_action: ChaosActionInfo;
}

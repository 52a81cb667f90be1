// The options of a run: one typed object for both entry points, parsed and checked by one pure
// function from what the user typed (CLI flags or action inputs). Every problem is listed at once,
// before anything starts; each entry point names its options its own way (`--max-affected` or
// `max-affected`) and words a problem in its own voice, through an OptionSurface.
import {
  HYPOTHESIS_STRATEGIES as HYPOTHESIS,
  ROLLBACK_STRATEGIES as ROLLBACK,
} from "../experiment/strategies.ts";
import type { MaxAffected } from "../kubernetes/guard.ts";

export type HypothesisStrategyChoice = (typeof HYPOTHESIS)[number];
export type RollbackStrategyChoice = (typeof ROLLBACK)[number];

export const HYPOTHESIS_STRATEGIES: readonly HypothesisStrategyChoice[] = HYPOTHESIS;
export const ROLLBACK_STRATEGIES: readonly RollbackStrategyChoice[] = ROLLBACK;

export const DEFAULT_TARGET = "experiments/";
/** How long a run waits for the Leases of another run on the same targets. */
export const DEFAULT_LEASE_WAIT_SECONDS = 120;

export interface RunOptions {
  /** Files, directories or globs, run in path order. */
  targets: string[];
  /** A journal file (one experiment) or directory (several). */
  journalPath?: string;
  /** `key=value` or `key:type=value` overrides, checked for their form. */
  vars: string[];
  varFiles: string[];
  hypothesisStrategy?: HypothesisStrategyChoice;
  hypothesisFrequencySeconds?: number;
  failFast: boolean;
  rollbackStrategy?: RollbackStrategyChoice;
  dryRun: boolean;
  /** A method action that reaches no object does not fail the experiment (off by default). */
  allowNoTarget: boolean;
  /** The namespaces actions may touch; absent: those the experiment names. */
  namespaces?: string[];
  maxAffected?: MaxAffected;
  /**
   * drain_nodes may evict (through the Eviction API, never delete) the pods of every namespace on the
   * drained nodes, protected ones included; those pods are listed in the log and the report.
   */
  allowNodeDrain?: boolean;
  /** A limit for each experiment's whole run. */
  timeoutSeconds?: number;
  /** A limit for every activity (their own `timeout` key is ignored, as by Chaos Toolkit). */
  activityTimeoutSeconds?: number;
  /** After the method: how long rollbacks run and failing undo steps are retried (default 120 s). */
  undoTimeoutSeconds?: number;
  /**
   * After the undo, how long the hypothesis may take to hold again (twice in a row) before the next
   * experiment; 0 turns the check off. Absent: engine/recovery.ts DEFAULT_RECOVERY_SECONDS (120).
   */
  recoveryTimeoutSeconds?: number;
  /** Where undo steps of our cluster changes are persisted. */
  undoFile?: string;
  /**
   * How long to wait for the Leases of a run already working on the same targets; 0 fails at once.
   * Default DEFAULT_LEASE_WAIT_SECONDS.
   */
  leaseWaitSeconds?: number;
}

/** Options built in code (tests, tools) rather than typed: the defaults, then what is given. */
export function runOptions(given: Partial<RunOptions> = {}): RunOptions {
  return {
    targets: [DEFAULT_TARGET],
    vars: [],
    varFiles: [],
    failFast: false,
    dryRun: false,
    allowNoTarget: false,
    leaseWaitSeconds: DEFAULT_LEASE_WAIT_SECONDS,
    ...given,
  };
}

/** What the user gave, as typed; a missing key or `undefined` means not given. */
export interface GivenOptions {
  targets?: readonly string[];
  journalPath?: string;
  vars?: readonly string[];
  varFiles?: readonly string[];
  hypothesisStrategy?: string;
  hypothesisFrequency?: string;
  failFast?: string | boolean;
  rollbackStrategy?: string;
  dryRun?: string | boolean;
  allowNoTarget?: string | boolean;
  allowNodeDrain?: string | boolean;
  namespaces?: readonly string[];
  maxAffected?: string;
  timeout?: string;
  activityTimeout?: string;
  undoTimeout?: string;
  recoveryTimeout?: string;
  undoFile?: string;
  leaseWait?: string;
}

/** The options whose values are checked, by the name a surface gives them. */
export type CheckedOption =
  | "vars"
  | "hypothesisStrategy"
  | "hypothesisFrequency"
  | "failFast"
  | "rollbackStrategy"
  | "dryRun"
  | "allowNoTarget"
  | "allowNodeDrain"
  | "maxAffected"
  | "timeout"
  | "activityTimeout"
  | "undoTimeout"
  | "recoveryTimeout"
  | "leaseWait";

export type DurationUnit = "seconds" | "minutes";

/** How an entry point speaks of its options. */
export interface OptionSurface {
  /** `--max-affected` (CLI) or `max-affected` (action); an option the surface lacks is never given. */
  names: Partial<Record<CheckedOption, string>>;
  /** The unit of a bare number; seconds unless named (the action's timeout is in minutes). */
  units?: Partial<Record<"timeout", DurationUnit>>;
  /** One problem, in the surface's voice: `--timeout expects …, got 'x'` or `timeout-minutes: "x" is not …`. */
  problem(name: string, value: string, expected: string): string;
}

/** The outcome of one rule: the parsed value, or what was expected instead. */
export type Checked<T> = { ok: true; value: T } | { ok: false; expected: string };

const accept = <T>(value: T): Checked<T> => ({ ok: true, value });
const refuse = (expected: string): Checked<never> => ({ ok: false, expected });

export function checkChoice<T extends string>(text: string, allowed: readonly T[]): Checked<T> {
  return (allowed as readonly string[]).includes(text)
    ? accept(text as T)
    : refuse(`one of ${allowed.join(", ")}`);
}

/** `true`/`false` in the spellings of YAML 1.2's core schema (as core.getBooleanInput reads them). */
export function checkBoolean(text: string | boolean): Checked<boolean> {
  if (typeof text === "boolean") return accept(text);
  if (["true", "True", "TRUE"].includes(text)) return accept(true);
  if (["false", "False", "FALSE"].includes(text)) return accept(false);
  return refuse("a boolean: use true or false");
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/**
 * A positive duration (or, with `zero`, one that may be 0): a bare number in `unit`, or with its own
 * unit (`90s`, `5m`, `1h`).
 */
export function checkDuration(
  text: string,
  unit: DurationUnit = "seconds",
  least: "positive" | "zero" = "positive",
): Checked<number> {
  const match = /^(\d+(?:\.\d*)?|\.\d+)\s*(s|m|h)?$/.exec(text.trim());
  const seconds = match
    ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? (unit === "minutes" ? "m" : "s")) as "s" | "m" | "h"]
    : Number.NaN;
  const allowed = least === "zero" ? seconds >= 0 : seconds > 0;
  return allowed && Number.isFinite(seconds)
    ? accept(seconds)
    : refuse(
        `a ${least === "zero" ? "non-negative" : "positive"} number of ${unit} (or a duration such as 90s or 5m)`,
      );
}

/**
 * A whole count of at least 1 (`3`), or a share of the matching objects above 0% and at most 100%
 * (`50%`, `12.5%`).
 */
export function checkMaxAffected(text: string): Checked<MaxAffected> {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    return value > 0 && value <= 100
      ? accept({ kind: "percent", value })
      : refuse("a percentage above 0% and at most 100%");
  }
  if (/^\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    return value >= 1
      ? accept({ kind: "count", value })
      : refuse("a count of at least 1 object (with 0 no action could inject a fault)");
  }
  return refuse('a whole number of objects such as "3", or a percentage such as "50%"');
}

/** `key=value` or `key:type=value` (the value may be empty). */
export function checkVar(text: string): Checked<string> {
  return /^[^=:]+(:[a-z]+)?=/.test(text) ? accept(text) : refuse("key=value or key:type=value");
}

/** Collects the problems of every value read through it, worded by the surface. */
export class OptionProblems {
  readonly list: string[] = [];
  readonly #surface: OptionSurface;
  constructor(surface: OptionSurface) {
    this.#surface = surface;
  }

  /** The parsed value; undefined when not given or refused (the refusal is recorded). */
  read<T>(name: string, text: string | undefined, check: (text: string) => Checked<T>): T | undefined {
    if (text === undefined) return undefined;
    const checked = check(text);
    if (checked.ok) return checked.value;
    this.list.push(this.#surface.problem(name, text, checked.expected));
    return undefined;
  }

  add(problem: string): void {
    this.list.push(problem);
  }
}

/**
 * The one parser of a run's options. Pure: returns the options and every problem; the entry point
 * adds its own problems (cluster mode, inputs of its own) and refuses to start if there is any.
 */
export function parseRunOptions(
  given: GivenOptions,
  surface: OptionSurface,
): { options: RunOptions; problems: string[] } {
  const problems = new OptionProblems(surface);
  const named = <T>(option: CheckedOption, text: string | undefined, check: (text: string) => Checked<T>) =>
    problems.read(surface.names[option] ?? option, text, check);
  const flag = (option: CheckedOption, value: string | boolean | undefined) =>
    value === undefined ? false : (named(option, String(value), () => checkBoolean(value)) ?? false);

  const vars = [...(given.vars ?? [])];
  for (const entry of vars) named("vars", entry, checkVar);
  const hypothesisStrategy =
    given.hypothesisStrategy === "continously" ? "continuously" : given.hypothesisStrategy;
  const namespaces = given.namespaces?.filter((namespace) => namespace !== "") ?? [];

  const options: RunOptions = {
    targets: given.targets?.length ? [...given.targets] : [DEFAULT_TARGET],
    journalPath: given.journalPath,
    vars,
    varFiles: [...(given.varFiles ?? [])],
    // Chaos Toolkit's deprecated spelling is accepted, as `chaos run` does.
    hypothesisStrategy: named("hypothesisStrategy", hypothesisStrategy, (text) =>
      checkChoice(text, HYPOTHESIS_STRATEGIES),
    ),
    hypothesisFrequencySeconds: named("hypothesisFrequency", given.hypothesisFrequency, (text) =>
      checkDuration(text),
    ),
    failFast: flag("failFast", given.failFast),
    rollbackStrategy: named("rollbackStrategy", given.rollbackStrategy, (text) =>
      checkChoice(text, ROLLBACK_STRATEGIES),
    ),
    dryRun: flag("dryRun", given.dryRun),
    allowNoTarget: flag("allowNoTarget", given.allowNoTarget),
    // Only present when given: an opt-in, absent means off.
    ...(flag("allowNodeDrain", given.allowNodeDrain) ? { allowNodeDrain: true } : {}),
    namespaces: namespaces.length > 0 ? namespaces : undefined,
    maxAffected: named("maxAffected", given.maxAffected, checkMaxAffected),
    timeoutSeconds: named("timeout", given.timeout, (text) => checkDuration(text, surface.units?.timeout)),
    activityTimeoutSeconds: named("activityTimeout", given.activityTimeout, (text) => checkDuration(text)),
    undoTimeoutSeconds: named("undoTimeout", given.undoTimeout, (text) => checkDuration(text)),
    recoveryTimeoutSeconds: named("recoveryTimeout", given.recoveryTimeout, (text) =>
      checkDuration(text, "seconds", "zero"),
    ),
    undoFile: given.undoFile,
    leaseWaitSeconds:
      named("leaseWait", given.leaseWait, (text) => checkDuration(text, "seconds", "zero")) ??
      DEFAULT_LEASE_WAIT_SECONDS,
  };
  return { options, problems: problems.list };
}

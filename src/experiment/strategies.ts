// The names of the strategies a run may take, as plain lists. format.ts builds the experiment's
// `runtime` schema from them; the command line and the action's inputs check flags against them
// without loading the schemas (or zod), so `--help` and a bad flag answer at once.

/** What a flag or an action input may name for the steady-state hypothesis. */
export const HYPOTHESIS_STRATEGIES = [
  "default",
  "before-method-only",
  "after-method-only",
  "during-method-only",
  "continuously",
] as const;

/** Accepted by Chaos Toolkit in the experiment's `runtime` block only: a deprecated spelling, and no hypothesis at all. */
export const RUNTIME_ONLY_HYPOTHESIS_STRATEGIES = ["continously", "skip"] as const;

export const ROLLBACK_STRATEGIES = ["default", "always", "never", "deviated"] as const;

// The names of the experiment format that the run branches on, apart from format.ts so that using
// them loads no zod.

/** Chaos Toolkit's safeguards control (chaostoolkit-addons), which chaos-action runs natively. */
export const SAFEGUARDS_MODULE = "chaosaddons.controls.safeguards";

export const isSafeguardsControl = (control: unknown): boolean =>
  typeof control === "object" &&
  control !== null &&
  typeof (control as { provider?: unknown }).provider === "object" &&
  (control as { provider: { module?: unknown } | null }).provider?.module === SAFEGUARDS_MODULE;

/** chaos-action's own load generator (src/load/), a `python` provider module of our namespace. */
export const LOAD_MODULE = "chaosaction.load.probes";

/** The key of chaos-action's own settings on an activity (format.ts's ActivitySettings). */
export const ACTIVITY_SETTINGS_KEY = "chaos_action";

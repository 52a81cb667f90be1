// Progress events the engine emits while it runs, for the CLI's live output. Plain data; the
// engine never prints.
import type { ActivityDefinition } from "../experiment/format.ts";
import type { Recovery, UndoRun } from "./journal.ts";

export type RunPhase = "safeguard" | "before" | "method" | "during" | "after" | "rollbacks" | "recovery";

export type ActivityVerdict = "succeeded" | "failed" | "interrupted";

interface ActivityEventBase {
  phase: RunPhase;
  name: string;
  kind: "probe" | "action";
  /** What it acts on, from the unsubstituted definition (so never a secret): `GET ${url}`, a path, `module.func`. */
  target: string;
  background: boolean;
}

/** Every activity that runs has "started" then "finished"; one that could not start has only "finished". */
export type RunEvent =
  | ({
      type: "activity-started";
      /**
       * The provider's arguments with `${var}`s substituted, as the activity runs them. May hold
       * secrets: whoever prints them redacts them.
       */
      arguments?: unknown;
    } & ActivityEventBase)
  /** A pause before or after an activity is starting (only pauses longer than zero). */
  | { type: "pause"; phase: RunPhase; name: string; when: "before" | "after"; seconds: number }
  | ({
      type: "activity-finished";
      verdict: ActivityVerdict;
      /** Hypothesis probes only. */
      toleranceMet?: boolean;
      durationSeconds: number;
      error?: string;
    } & ActivityEventBase)
  | { type: "undo-finished"; undo: UndoRun }
  | ({ type: "recovery-finished"; checks: number } & Omit<Recovery, "checks">);

export function activityTarget(activity: ActivityDefinition): string {
  const provider = activity.provider;
  switch (provider.type) {
    case "http":
      return `${(provider.method ?? "GET").toUpperCase()} ${provider.url}`;
    case "process":
      return provider.path;
    case "python":
      return `${provider.module}.${provider.func}`;
  }
}

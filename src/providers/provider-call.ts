// What the engine hands the providers: one (already substituted) provider and the call around it
// (signal, configuration, secrets, undo, clock). The engine only knows these types; execute.ts
// builds the executor, and each provider reads the part of the call it needs.
import type { Provider } from "../experiment/format.ts";
import type { Clock, UndoRegistry } from "./native.ts";

export interface ProviderCall {
  /** The activity's name, for messages. */
  activity: string;
  /** Aborted on activity timeout, run timeout and interruption. */
  signal: AbortSignal;
  configuration: Record<string, unknown>;
  /** Every secret scope; the python provider passes on only the scopes it lists. */
  secrets: Record<string, Record<string, unknown>>;
  undo: UndoRegistry;
  clock: Clock;
  experimentDir: string;
  services: Record<string, unknown>;
  /**
   * For a background activity: aborted when the method it runs beside ends (its other steps are done,
   * it was cut short, or the run stops). An open-ended activity (the load generator) then wraps up and
   * returns what it has measured; unlike `signal`, its result counts.
   */
  finish?: AbortSignal;
  /**
   * Present while the hypothesis runs during the method: reads may be answered from a watch-fed cache
   * (kubernetes/list-cache.ts) that is kept until this signal aborts (the method ends, or the run stops).
   */
  cacheUntil?: AbortSignal;
}

export type ProviderExecutor = (provider: Provider, call: ProviderCall) => Promise<unknown>;

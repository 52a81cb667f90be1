// The contract for `python` providers: Chaos Toolkit names a Python module and function; we resolve
// the pair to a native TypeScript implementation. Signatures are plain data (experiment/signature.ts,
// re-exported here); implementations load lazily, so the cluster client is only imported when an
// experiment runs a Kubernetes activity.
import type { NativeSignature } from "../experiment/signature.ts";

export type { NativeParam, NativeSignature, ParamType } from "../experiment/signature.ts";

/** A change we made that must be reverted; plain data, so it survives the process in the undo file. */
/** How an undo step ended when it did not simply restore: it left the object alone, and why. */
export interface UndoDone {
  conflict?: string;
}

export interface UndoStep {
  id: string;
  /** Which undo executor replays it, e.g. "k8s.scale". */
  kind: string;
  /** For people: "scale deployment default/web back to 3 replicas". */
  description: string;
  data: Record<string, unknown>;
}

export interface UndoRegistry {
  /** Persists the step before the change it reverts is made. */
  register(step: Omit<UndoStep, "id">): Promise<UndoStep>;
  /** The change did not happen (or was already reverted by the action itself): drop the step. */
  discard(step: UndoStep): Promise<void>;
  /** Adds what only the change's answer tells (e.g. the UID of a created object) to a pending step. */
  amend?(step: UndoStep): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface NativeContext {
  /** Aborted on activity timeout, run timeout and SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The secret scopes the provider listed, merged flat (Chaos Toolkit's rule). */
  secrets: Record<string, unknown>;
  configuration: Record<string, unknown>;
  undo: UndoRegistry;
  clock: Clock;
  /** Directory of the experiment file: relative `spec_path`s resolve against it. */
  experimentDir: string;
  /** Services the entry point composed (e.g. the Kubernetes connection); opaque to the engine. */
  services: Record<string, unknown>;
  /** See ProviderCall.finish: the method this background activity runs beside has ended. */
  finish?: AbortSignal;
  /** See ProviderCall.cacheUntil: reads may come from a watch-fed cache kept until it aborts. */
  cacheUntil?: AbortSignal;
}

export type NativeImplementation = (args: Record<string, unknown>, ctx: NativeContext) => Promise<unknown>;

export interface NativeModuleSource {
  signatures: readonly NativeSignature[];
  /** Loads the implementation of `module.func` (dynamic import). */
  load(module: string, func: string): Promise<NativeImplementation>;
}

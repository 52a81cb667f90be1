// The executor: runs one (already substituted) provider and returns its output. The engine only
// knows this function type; the entry point builds it with the native registry it composed.
import type { Provider } from "../experiment/format.ts";
import { runHttpProvider } from "./http.ts";
import type { Clock, UndoRegistry } from "./native.ts";
import { runProcessProvider } from "./process.ts";
import { runPythonProvider } from "./python.ts";
import type { NativeRegistry } from "./registry.ts";

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
}

export type ProviderExecutor = (provider: Provider, call: ProviderCall) => Promise<unknown>;

export function createExecutor(options: {
  registry: NativeRegistry;
  /**
   * The environment of process providers (default: this process's). Chaos Toolkit loads `.env` var
   * files into its own environment, so their variables reach the processes it runs.
   */
  env?: NodeJS.ProcessEnv;
}): ProviderExecutor {
  return (provider, call) => {
    switch (provider.type) {
      case "http":
        return runHttpProvider(provider, { signal: call.signal });
      case "process":
        return runProcessProvider(provider, {
          signal: call.signal,
          ...(options.env ? { env: options.env } : {}),
        });
      case "python":
        return runPythonProvider(provider, call, options.registry);
    }
  };
}

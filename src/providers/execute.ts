// The executor: runs one (already substituted) provider and returns its output. The engine only
// knows its type (provider-call.ts); the entry point builds it with the native registry it composed.
import { runHttpProvider } from "./http.ts";
import { runProcessProvider } from "./process.ts";
import type { ProviderExecutor } from "./provider-call.ts";
import { runPythonProvider } from "./python.ts";
import type { NativeRegistry } from "./registry.ts";

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

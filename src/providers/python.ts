// The `python` provider: Chaos Toolkit names a Python module and function; we call the native
// implementation registered under the same names, with the arguments bound to its signature.
import type { PythonProvider } from "../experiment/format.ts";
import type { NativeSignature } from "../experiment/signature.ts";
import { ActivityFailed } from "./activity-failed.ts";
import type { ProviderCall } from "./provider-call.ts";
import type { NativeRegistry } from "./registry.ts";

/** Python-style binding: every given argument must be a parameter; missing ones take their default. */
export function bindArguments(
  signature: NativeSignature,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const name = `${signature.module}.${signature.func}`;
  const known = new Set(signature.params.map((p) => p.name));
  for (const key of Object.keys(args)) {
    if (!known.has(key)) {
      const list = signature.params.map((p) => p.name).join(", ") || "none";
      throw new ActivityFailed(
        `argument '${key}' is not part of the signature of ${name} (its arguments: ${list})`,
      );
    }
  }
  const bound: Record<string, unknown> = {};
  for (const param of signature.params) {
    if (Object.hasOwn(args, param.name)) bound[param.name] = args[param.name];
    else if (param.required !== true && "default" in param) bound[param.name] = param.default;
    else throw new ActivityFailed(`required argument '${param.name}' is missing from ${name}`);
  }
  return bound;
}

/** The secret scopes the provider lists, merged flat (later scopes win), as Chaos Toolkit does. */
export function providerSecrets(
  provider: PythonProvider,
  secrets: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const scope of provider.secrets ?? []) Object.assign(merged, secrets[scope]);
  return merged;
}

export async function runPythonProvider(
  provider: PythonProvider,
  call: ProviderCall,
  registry: NativeRegistry,
): Promise<unknown> {
  const signature = registry.signature(provider.module, provider.func);
  if (!signature) throw new ActivityFailed(registry.unsupportedReason(provider.module, provider.func)!);
  const args = bindArguments(signature, provider.arguments ?? {});
  const implementation = await registry.loadImplementation(provider.module, provider.func);
  return implementation(args, {
    signal: call.signal,
    secrets: providerSecrets(provider, call.secrets),
    configuration: call.configuration,
    undo: call.undo,
    clock: call.clock,
    experimentDir: call.experimentDir,
    services: call.services,
    ...(call.finish ? { finish: call.finish } : {}),
    ...(call.cacheUntil ? { cacheUntil: call.cacheUntil } : {}),
  });
}

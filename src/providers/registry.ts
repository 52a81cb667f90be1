// The registry of native implementations behind `python` providers: module + func → a TypeScript
// function. The entry point composes it from the sources it wants (os, chaosk8s, ...).
import type { NativeSignature } from "../experiment/signature.ts";
import type { NativeImplementation, NativeModuleSource } from "./native.ts";

export class UnsupportedNativeFunction extends Error {
  override name = "UnsupportedNativeFunction";
}

export interface NativeRegistry {
  allSignatures(): readonly NativeSignature[];
  /** The signature of `module.func`, or undefined when it is not supported. */
  signature(module: string, func: string): NativeSignature | undefined;
  /** Why `module.func` cannot be used, listing what is supported; undefined when it can. */
  unsupportedReason(module: string, func: string): string | undefined;
  /** Loads (once) the implementation; throws UnsupportedNativeFunction when there is none. */
  loadImplementation(module: string, func: string): Promise<NativeImplementation>;
}

export function createRegistry(sources: readonly NativeModuleSource[]): NativeRegistry {
  const entries = new Map<string, { signature: NativeSignature; source: NativeModuleSource }>();
  for (const source of sources) {
    for (const signature of source.signatures) {
      const key = `${signature.module}.${signature.func}`;
      if (!entries.has(key)) entries.set(key, { signature, source });
    }
  }
  const loaded = new Map<string, Promise<NativeImplementation>>();
  const signatures = [...entries.values()].map((entry) => entry.signature);
  const modules = [...new Set(signatures.map((s) => s.module))].sort();

  const unsupportedReason = (module: string, func: string): string | undefined => {
    if (entries.has(`${module}.${func}`)) return undefined;
    const functions = signatures.filter((s) => s.module === module).map((s) => s.func);
    if (functions.length === 0) {
      return `python module '${module}' is not supported (supported modules: ${modules.join(", ")})`;
    }
    return `python module '${module}' has no function '${func}' (it has: ${functions.sort().join(", ")})`;
  };

  return {
    allSignatures: () => signatures,
    signature: (module, func) => entries.get(`${module}.${func}`)?.signature,
    unsupportedReason,
    loadImplementation(module, func) {
      const key = `${module}.${func}`;
      const entry = entries.get(key);
      if (!entry) return Promise.reject(new UnsupportedNativeFunction(unsupportedReason(module, func)));
      let implementation = loaded.get(key);
      if (!implementation) {
        implementation = entry.source.load(module, func);
        loaded.set(key, implementation);
        // A failed load is not cached: the next call tries again.
        implementation.catch(() => loaded.delete(key));
      }
      return implementation;
    },
  };
}

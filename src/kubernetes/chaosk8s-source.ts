// The chaosk8s functions as the native registry sees them: their signatures from a generated table
// (scripts/chaosk8s-signatures.ts), so validating an experiment loads no activity; the catalog and its
// activity families load when a chaosk8s function first runs.
import type { NativeSignature } from "../experiment/signature.ts";
import type { NativeModuleSource } from "../providers/native.ts";
import table from "./chaosk8s-signatures.json" with { type: "json" };

export const chaosk8sSignatures = table as readonly NativeSignature[];

export const chaosk8sSource: NativeModuleSource = {
  signatures: chaosk8sSignatures,
  async load(module, func) {
    const { chaosk8sSource: catalog } = await import("./catalog.ts");
    return catalog.load(module, func);
  },
};

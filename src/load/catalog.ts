// `chaosaction.load.probes`: HTTP load as a `python` provider of our own namespace, so Chaos Toolkit
// journal readers still parse the activity. Run it with `background: true` next to the method to see
// what the fault does to traffic, or in the steady-state hypothesis to judge it with a tolerance.
import { LOAD_MODULE } from "../experiment/format-names.ts";
import type { NativeSignature } from "../experiment/signature.ts";
import type { NativeModuleSource } from "../providers/native.ts";

export const LOAD_FUNCTION = "generate_load";

export const loadSignatures: readonly NativeSignature[] = [
  {
    module: LOAD_MODULE,
    func: LOAD_FUNCTION,
    kind: "probe",
    params: [
      { name: "url", type: "string", default: null },
      { name: "service", type: "string", default: null },
      { name: "namespace", type: "string", default: "default" },
      { name: "port", type: "any", default: null },
      { name: "path", type: "string", default: "/" },
      { name: "method", type: "string", default: "GET" },
      { name: "rate", type: "number", default: 10 },
      { name: "duration", type: "number", default: 10 },
      { name: "timeout", type: "number", default: 2 },
      { name: "max_in_flight", type: "integer", default: 100 },
    ],
    summary:
      "Sends HTTP requests at a constant rate (open loop) to a URL or, through the API server's service proxy, to a Service; returns requests, succeeded, failed, success_ratio, p50/p90/p99/max latency, errors by kind and a per-second series.",
  },
];

export const loadSource: NativeModuleSource = {
  signatures: loadSignatures,
  async load(module, func) {
    if (module !== LOAD_MODULE || func !== LOAD_FUNCTION)
      throw new Error(`no native implementation of ${module}.${func}`);
    const { generateLoad } = await import("./generate-load.ts");
    return generateLoad;
  },
};

// chaostoolkit-prometheus 0.6.0 (`chaosprometheus.probes`): the signatures validation checks, with
// upstream's names and defaults. The implementations (probes.ts) load when a probe first runs.
import type { NativeParam, NativeSignature } from "../experiment/signature.ts";
import type { NativeImplementation, NativeModuleSource } from "../providers/native.ts";

const MODULE = "chaosprometheus.probes";

const required = (name: string, type: NativeParam["type"]): NativeParam => ({ name, type, required: true });
const optional = (name: string, type: NativeParam["type"], value: unknown): NativeParam => ({
  name,
  type,
  default: value,
});

// Prometheus reads `timeout` and `step` as seconds or as a duration ("30s"); times as RFC 3339,
// unix seconds or a phrase such as "5 minutes ago" (time-expression.ts).
const probe = (func: string, params: NativeParam[], summary: string): NativeSignature => ({
  module: MODULE,
  func,
  kind: "probe",
  params,
  summary,
});

export const prometheusSignatures: readonly NativeSignature[] = [
  probe(
    "query",
    [
      required("query", "string"),
      optional("when", "number|string", null),
      optional("timeout", "number|string", null),
      optional("verify_tls", "boolean", true),
    ],
    "Runs an instant query and returns Prometheus' answer as is.",
  ),
  probe(
    "query_interval",
    [
      required("query", "string"),
      required("start", "number|string"),
      required("end", "number|string"),
      optional("step", "number|string", 1),
      optional("timeout", "number|string", null),
      optional("verify_tls", "boolean", true),
    ],
    "Runs a range query and returns Prometheus' answer as is.",
  ),
  probe(
    "compute_mean",
    [
      required("query", "string"),
      optional("window", "string", "1d"),
      optional("mean_type", "string", "arithmetic"),
    ],
    "The arithmetic, geometric or harmonic mean of the first series of a range query over the window.",
  ),
  probe(
    "nodes_cpu_usage_mean",
    [optional("window", "string", "1d")],
    "The mean CPU usage of all nodes, in percent, over the window.",
  ),
];

export const prometheusSource: NativeModuleSource = {
  signatures: prometheusSignatures,
  async load(module: string, func: string): Promise<NativeImplementation> {
    const { prometheusImplementations } = await import("./probes.ts");
    const implementation = prometheusImplementations[`${module}.${func}`];
    if (!implementation) throw new Error(`no native implementation of ${module}.${func}`);
    return implementation;
  },
};

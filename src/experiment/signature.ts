// What a `python` provider is checked against: the module and function Chaos Toolkit names, and the
// parameters of the native implementation behind them. Plain data, cheap to load: validation, the JSON
// Schema and the cluster preflight read it; the providers' registry maps it to an implementation.

export type ParamType =
  | "string"
  | "integer"
  | "number"
  | "boolean"
  | "object"
  | "array"
  | "string|array"
  | "number|string"
  | "any";

export interface NativeParam {
  name: string;
  type: ParamType;
  /** Absent means required. */
  default?: unknown;
  required?: boolean;
}

export interface NativeSignature {
  module: string;
  func: string;
  kind: "action" | "probe";
  params: NativeParam[];
  /** What it needs from the run: `cluster` functions get a Kubernetes connection. */
  needs?: "cluster";
  summary: string;
  /** The RBAC the function needs, checked by the cluster preflight. */
  permissions?: Array<{ verb: string; group: string; resource: string; subresource?: string }>;
}

// One chaosk8s function as one record: its signature (module, name, kind, parameters with their
// defaults, RBAC), its implementation, and for actions the resolver of its targets. Each family
// module (pod.ts, deployment.ts, ...) declares its records; catalog.ts collects them.
//
// Permissions whose group or resource is written `{argument}` (custom objects) are filled from
// the activity's arguments by whoever checks them.
import type { KubeConfig } from "@kubernetes/client-node";
import type { NativeContext, NativeParam, NativeSignature } from "../../providers/native.ts";
import type { Args } from "./arguments.ts";
import type { TargetSet } from "./target-set.ts";

export type Permission = NonNullable<NativeSignature["permissions"]>[number];

/** Resolves, without changing anything, what an action would touch (its arguments have their defaults). */
export type TargetResolver = (args: Args, kc: KubeConfig) => Promise<TargetSet>;

export interface Chaosk8sFunction {
  signature: NativeSignature;
  /** The implementation, called with the arguments the caller gave; absent ones take their defaults. */
  run(args: Args, ctx: NativeContext): Promise<unknown>;
  /** Actions that change the cluster: the objects a call would touch. */
  targets?: TargetResolver;
}

export interface Chaosk8sFunctionOptions {
  module: string;
  /** The Python function's name. */
  name: string;
  kind: "action" | "probe";
  summary: string;
  /** In upstream order; each default is declared here once and reaches the implementation in `args`. */
  params: NativeParam[];
  /** The RBAC the function needs, its undo included. */
  permissions: Permission[];
  /** False for a function that only computes on its arguments. */
  needsCluster?: boolean;
  run(args: Args, ctx: NativeContext): Promise<unknown>;
  targets?: TargetResolver;
}

/** Chaos Toolkit fills absent arguments from the Python defaults; so do we, from the signature. */
export function withDefaults(signature: NativeSignature, args: Args): Args {
  const complete = { ...args };
  for (const param of signature.params) {
    if (complete[param.name] === undefined && param.default !== undefined)
      complete[param.name] = param.default;
  }
  return complete;
}

export function chaosk8sFunction(options: Chaosk8sFunctionOptions): Chaosk8sFunction {
  const { module, name, kind, params, summary, permissions, needsCluster = true, run, targets } = options;
  const signature: NativeSignature = {
    module,
    func: name,
    kind,
    params,
    summary,
    permissions,
    ...(needsCluster ? { needs: "cluster" as const } : {}),
  };
  return {
    signature,
    run: (args, ctx) => run(withDefaults(signature, args), ctx),
    ...(targets ? { targets: (args, kc) => targets(withDefaults(signature, args), kc) } : {}),
  };
}

/** The same function under another module (Python modules import each other's functions) or name. */
export function alias(
  record: Chaosk8sFunction,
  module: string,
  rename?: { name: string; summary: string },
): Chaosk8sFunction {
  const signature = {
    ...record.signature,
    module,
    ...(rename ? { func: rename.name, summary: rename.summary } : {}),
  };
  return { ...record, signature };
}

// ---- parameters -------------------------------------------------------------------------------
export const required = (name: string, type: NativeParam["type"]): NativeParam => ({
  name,
  type,
  required: true,
});
export const optional = (name: string, type: NativeParam["type"], value: unknown = null): NativeParam => ({
  name,
  type,
  default: value,
});

/** Parameters many functions share, with upstream's defaults. */
export const Param = {
  ns: optional("ns", "string", "default"),
  name: required("name", "string"),
  optionalName: optional("name", "string"),
  labelSelector: optional("label_selector", "string"),
  specPath: required("spec_path", "string"),
  timeout: optional("timeout", "integer", 30),
} as const;

/** Upstream's selector template filled with the `name` argument. */
export const NAME_TEMPLATE = "name in ({name})";

// ---- permissions ------------------------------------------------------------------------------
/** `perm("list,delete", "pods")`, `perm("create", "pods/eviction")`, `perm("patch", "deployments", "apps")`. */
export function perm(verbs: string, resource: string, group = ""): Permission[] {
  const [plural = resource, subresource] = resource.split("/");
  return verbs
    .split(",")
    .map((verb) => ({ verb, group, resource: plural, ...(subresource ? { subresource } : {}) }));
}

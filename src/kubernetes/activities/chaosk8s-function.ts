// One chaosk8s function as one record: its signature (module, name, kind, parameters with their
// defaults, RBAC), its implementation, and for actions the resolver of its targets. Each family
// module (pod.ts, deployment.ts, ...) declares its records; catalog.ts collects them.
//
// Permissions whose group or resource is written `{argument}` (custom objects) are filled from
// the activity's arguments by whoever checks them.
//
// Every action declares whether it is a fault (it terminates, deletes, scales, drains, cordons,
// partitions...) or not (it creates the app's own objects, or restores). A fault that reaches no
// object records so in the journal (a touch record with `missed`): the engine then fails the
// experiment, since no fault was injected, unless the user allowed it.
import type { KubeConfig } from "@kubernetes/client-node";
import type { TouchedObject, TouchRecord } from "../../engine/journal.ts";
import type { NativeContext, NativeParam, NativeSignature } from "../../providers/native.ts";
import type { Args } from "./arguments.ts";
import { recordTouch } from "./cluster-context.ts";
import type { TargetObject, TargetSet } from "./target-set.ts";

export type Permission = NonNullable<NativeSignature["permissions"]>[number];

/** Resolves, without changing anything, what an action would touch (its arguments have their defaults). */
export type TargetResolver = (args: Args, kc: KubeConfig) => Promise<TargetSet>;

/** What a fault reaches, to tell when it reached nothing and to say so. */
export interface Fault {
  /** The objects it reaches, in the singular: "pod", "deployment", "node". */
  reaches: string;
  /** Which of the touched (or targeted) objects count as reached; default: every one. */
  counts?: (object: TargetObject) => boolean;
  /** What it looked for, e.g. `label_selector "app=web" in namespace "default"`; default: from its arguments. */
  lookingFor?: (args: Args) => string;
}

export interface Chaosk8sFunction {
  signature: NativeSignature;
  /** The implementation, called with the arguments the caller gave; absent ones take their defaults. */
  run(args: Args, ctx: NativeContext): Promise<unknown>;
  /** Actions that change the cluster: the objects a call would touch. */
  targets?: TargetResolver;
  /** Actions only: what the fault reaches, or null for an action that injects no fault (create, restore). */
  fault?: Fault | null;
}

interface CommonOptions {
  module: string;
  /** The Python function's name. */
  name: string;
  summary: string;
  /** In upstream order; each default is declared here once and reaches the implementation in `args`. */
  params: NativeParam[];
  /** The RBAC the function needs, its undo included. */
  permissions: Permission[];
  /** False for a function that only computes on its arguments. */
  needsCluster?: boolean;
  run(args: Args, ctx: NativeContext): Promise<unknown>;
}

/** Every action says whether it is a fault, and resolves its targets. */
export type Chaosk8sFunctionOptions = CommonOptions &
  ({ kind: "probe" } | { kind: "action"; fault: Fault | null; targets: TargetResolver });

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
  const { module, name, kind, params, summary, permissions, needsCluster = true, run } = options;
  const signature: NativeSignature = {
    module,
    func: name,
    kind,
    params,
    summary,
    permissions,
    ...(needsCluster ? { needs: "cluster" as const } : {}),
  };
  if (options.kind === "probe")
    return { signature, run: (args, ctx) => run(withDefaults(signature, args), ctx) };
  const { fault, targets } = options;
  return {
    signature,
    run: (args, ctx) => {
      const complete = withDefaults(signature, args);
      return fault ? runFault(`${module}.${name}`, fault, complete, ctx, run) : run(complete, ctx);
    },
    targets: (args, kc) => targets(withDefaults(signature, args), kc),
    fault,
  };
}

/** Set in the services while a fault runs: a fault it calls (kill_microservice's parts) is counted by it. */
const FAULT_RUNNING = "chaosk8s.fault-running";

/** Runs a fault, counting the objects it reached; when none, records what it looked for. */
async function runFault(
  action: string,
  fault: Fault,
  args: Args,
  ctx: NativeContext,
  run: (args: Args, ctx: NativeContext) => Promise<unknown>,
): Promise<unknown> {
  if (ctx.services[FAULT_RUNNING]) return run(args, ctx);
  let reached = 0;
  const counting: NativeContext = {
    ...ctx,
    services: {
      ...ctx.services,
      [FAULT_RUNNING]: true,
      record: (record: TouchRecord) => {
        // A record of nothing says less than the one `missed` makes below.
        if (record.objects.length === 0) return;
        reached += reachedCount(fault, record.objects);
        recordTouch(ctx, record);
      },
    },
  };
  const result = await run(args, counting);
  if (reached === 0) {
    recordTouch(ctx, { action, objects: [], missed: noTargetReason(action, fault, args, "reached") });
  }
  return result;
}

/** How many of the objects count as reached by the fault. */
export function reachedCount(fault: Fault, objects: readonly (TargetObject | TouchedObject)[]): number {
  return objects.filter((object) => fault.counts?.(object) ?? true).length;
}

/**
 * Why a fault injected nothing, e.g. `terminate_pods reached no pod: label_selector "app=nope" in
 * namespace "default" matched nothing`; the dry run says the same of its resolved targets.
 */
export function noTargetReason(
  action: string,
  fault: Fault,
  args: Args,
  tense: "reached" | "would reach",
): string {
  const func = action.slice(action.lastIndexOf(".") + 1);
  return `${func} ${tense} no ${fault.reaches}: ${(fault.lookingFor ?? lookingFor)(args)} matched nothing`;
}

/** The selection arguments given, in words: `name "web" and label_selector "app=web" in namespace "default"`. */
export function lookingFor(args: Args): string {
  const keys = [
    "name",
    "name_pattern",
    "label_selector",
    "label_selectors",
    "pod_label_selector",
    "pod_namespace",
  ];
  const given = keys.flatMap((key) => {
    const value = args[key];
    if (value === undefined || value === null || value === "") return [];
    return [`${key} ${typeof value === "string" ? `"${value}"` : JSON.stringify(value)}`];
  });
  const what = given.length > 0 ? given.join(" and ") : "the selection";
  return typeof args.ns === "string" ? `${what} in namespace "${args.ns}"` : what;
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

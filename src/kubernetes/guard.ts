// The blast-radius guard: before the method runs, every action's targets (resolved dry) are checked
// against the allowed namespaces, the protected namespaces and the --max-affected limit. Pure.
import { isProtectedNamespace, PROTECTED_NAMESPACES } from "../common/protected-namespaces.ts";
import type { TargetObject, TargetSet } from "./activities/target-set.ts";

/** A Kubernetes object an action would change; no namespace for cluster-scoped objects (nodes, namespaces). */
export type { TargetObject };

export interface ActionTargets {
  activityName: string;
  module: string;
  func: string;
  /**
   * `affected`: how many of `objects` the action will change, when it picks among them at random
   * (terminate_pods with rand); defaults to all of `objects`.
   */
  targetSet: TargetSet & { affected?: number };
}

/** At most this many objects, or this share of the matching objects, per action (parsed by run/options.ts). */
export type MaxAffected = { kind: "count"; value: number } | { kind: "percent"; value: number };

export interface GuardRules {
  /** The namespaces targets may be in: --namespaces, else the namespaces the experiment names. */
  allowedNamespaces: readonly string[];
  /** True when allowedNamespaces came from --namespaces: naming a protected namespace there allows it. */
  namespacesExplicit: boolean;
  /** Lifts the protection of kube-system, kube-public and kube-node-lease (they must still be allowed). */
  allowProtected: boolean;
  /**
   * --allow-node-drain: drain_nodes may evict the pods of every namespace on the nodes it drains,
   * protected ones included. Eviction only (the Eviction API, which PodDisruptionBudgets gate); no
   * other action gains anything.
   */
  allowNodeDrain?: boolean;
  maxAffected?: MaxAffected;
}

export { isProtectedNamespace, PROTECTED_NAMESPACES };

export type GuardRule = "outside-namespaces" | "protected-namespace" | "max-affected";

export interface GuardViolation {
  activityName: string;
  module: string;
  func: string;
  rule: GuardRule;
  /** The namespace that broke a namespace rule. */
  namespace?: string;
  /** The targets that broke the rule (all affected objects for max-affected). */
  targets: TargetObject[];
  /** How many targets `targets` stands for, when it lists only the first of them. */
  total?: number;
  /** One sentence: what was refused and how to allow it. */
  reason: string;
}

/** The guard cannot check an action whose targets cannot be resolved, so the run does not start. */
export class UnresolvedTargetsError extends Error {
  override name = "UnresolvedTargetsError";
}

/** Raised by the entry points when the guard refuses a run; the message is formatGuardRefusal's. */
export class BlastRadiusRefusal extends Error {
  override name = "BlastRadiusRefusal";
  readonly violations: GuardViolation[];
  constructor(violations: GuardViolation[]) {
    super(formatGuardRefusal(violations));
    this.violations = violations;
  }
}

export function formatMaxAffected(limit: MaxAffected): string {
  return limit.kind === "count" ? String(limit.value) : `${limit.value}%`;
}

const DRAIN_MODULE = "chaosk8s.node.actions";
const DRAIN_FUNC = "drain_nodes";

/** The one action --allow-node-drain lets evict pods of any namespace. */
export function isNodeDrain(action: Pick<ActionTargets, "module" | "func">): boolean {
  return action.module === DRAIN_MODULE && action.func === DRAIN_FUNC;
}

/**
 * The pods of protected namespaces the run may evict because --allow-node-drain lets drain_nodes
 * through: what the log and the report list. Empty without the opt-in (the guard refuses them).
 */
export function protectedEvictions(actions: readonly ActionTargets[], rules: GuardRules): TargetObject[] {
  if (!rules.allowNodeDrain) return [];
  return uniqueTargets(
    actions
      .filter(isNodeDrain)
      .flatMap((action) => action.targetSet.objects)
      .filter((t) => t.kind === "Pod" && t.namespace !== undefined && isProtectedNamespace(t.namespace)),
  );
}

/** The namespace a target lives in; a Namespace object counts as living in itself. */
function targetNamespace(target: TargetObject): string | undefined {
  if (target.kind === "Namespace") return target.name;
  return target.namespace;
}

export function describeTarget(target: TargetObject): string {
  const where = target.namespace ? `${target.namespace}/` : "";
  return `${target.kind.toLowerCase()} ${where}${target.name}`;
}

/** A set's targets without repeats, and how many objects they stand for. */
function distinctTargets(set: TargetSet): { objects: TargetObject[]; count: number } {
  const objects = uniqueTargets(set.objects);
  return { objects, count: targetCount({ total: set.total, objects }) };
}

/**
 * The targets without repeats, in their first order. Nested maps, not a key string per target: a
 * set may list thousands of objects (the pods a random pick names, every pod a drain evicts).
 */
function uniqueTargets(targets: readonly TargetObject[]): TargetObject[] {
  const namesOf = new Map<string, Map<string, Set<string>>>();
  const unique: TargetObject[] = [];
  for (const target of targets) {
    const byNamespace = namesOf.get(target.kind) ?? new Map<string, Set<string>>();
    namesOf.set(target.kind, byNamespace);
    const namespace = target.namespace ?? "";
    const names = byNamespace.get(namespace) ?? new Set<string>();
    byNamespace.set(namespace, names);
    if (names.has(target.name)) continue;
    names.add(target.name);
    unique.push(target);
  }
  return unique;
}

function namespaceViolation(
  action: ActionTargets,
  namespace: string,
  rules: GuardRules,
): Pick<GuardViolation, "rule" | "reason"> | undefined {
  const allowed = rules.allowedNamespaces.includes(namespace);
  const listedExplicitly = rules.namespacesExplicit && allowed;
  const drainHint = isNodeDrain(action)
    ? "; or pass --allow-node-drain to let drain_nodes evict (never delete) the pods of every namespace on the drained nodes"
    : "";
  if (isProtectedNamespace(namespace) && !rules.allowProtected && !listedExplicitly) {
    return {
      rule: "protected-namespace",
      reason: `${namespace} is a protected namespace; list it in --namespaces to allow "${action.activityName}" there${drainHint}`,
    };
  }
  if (!allowed) {
    const list = rules.allowedNamespaces.length > 0 ? rules.allowedNamespaces.join(", ") : "none";
    const origin = rules.namespacesExplicit ? "--namespaces" : "the namespaces the experiment names";
    return {
      rule: "outside-namespaces",
      reason: `${namespace} is outside the allowed namespaces (${list}, from ${origin}); add it to --namespaces to allow it${drainHint}`,
    };
  }
  return undefined;
}

function exceedsLimit(affected: number, candidates: number, limit: MaxAffected): boolean {
  if (limit.kind === "count") return affected > limit.value;
  // affected/candidates > value%, kept in integers where possible to avoid rounding at the boundary
  return affected * 100 > limit.value * candidates;
}

function maxAffectedViolation(
  action: ActionTargets,
  objects: TargetObject[],
  affected: number,
  limit: MaxAffected,
): GuardViolation {
  const candidates = action.targetSet.candidates;
  const share = candidates > 0 ? ` (${Math.round((affected / candidates) * 1000) / 10}%)` : "";
  return {
    activityName: action.activityName,
    module: action.module,
    func: action.func,
    rule: "max-affected",
    targets: objects,
    ...listedOnly(action.targetSet),
    reason: `would affect ${affected} of ${candidates} matching objects${share}, more than --max-affected ${formatMaxAffected(limit)}`,
  };
}

/** Every rule every action breaks; an empty list lets the run start. */
export function checkBlastRadius(actions: readonly ActionTargets[], rules: GuardRules): GuardViolation[] {
  const violations: GuardViolation[] = [];
  for (const action of actions) {
    const { objects, count } = distinctTargets(action.targetSet);
    const namespaces = new Set<string>(action.targetSet.namespaces);
    for (const target of objects) {
      const ns = targetNamespace(target);
      if (ns !== undefined) namespaces.add(ns);
    }
    // A drain evicts whatever runs on its nodes: with the opt-in, no namespace rule applies to it.
    const namespaceRules = !(rules.allowNodeDrain && isNodeDrain(action));
    for (const namespace of namespaceRules ? [...namespaces].sort() : []) {
      const broken = namespaceViolation(action, namespace, rules);
      if (!broken) continue;
      violations.push({
        activityName: action.activityName,
        module: action.module,
        func: action.func,
        namespace,
        targets: objects.filter((t) => targetNamespace(t) === namespace),
        // A set that lists only its first objects is a random pick in one namespace.
        ...listedOnly(action.targetSet),
        ...broken,
      });
    }
    const affected = action.targetSet.affected ?? count;
    if (rules.maxAffected && exceedsLimit(affected, action.targetSet.candidates, rules.maxAffected)) {
      violations.push(maxAffectedViolation(action, objects, affected, rules.maxAffected));
    }
  }
  return violations;
}

const RULE_TITLES: Record<GuardRule, string> = {
  "outside-namespaces": "outside the allowed namespaces",
  "protected-namespace": "protected namespace",
  "max-affected": "too many objects affected",
};

/** How many objects the action would touch (or could hit, picking at random). */
export const targetCount = (set: Pick<TargetSet, "objects" | "total">): number =>
  set.total ?? set.objects.length;

/** The `total` of a set that lists only its first objects; nothing for one that lists them all. */
const listedOnly = (set: TargetSet): { total?: number } =>
  set.total === undefined ? {} : { total: set.total };

/** The first `limit` targets, a line each, and how many more there are. */
export function formatTargetList(
  targets: readonly TargetObject[],
  indent: string,
  limit = 20,
  total = targets.length,
): string[] {
  const lines = targets.slice(0, limit).map((t) => `${indent}${describeTarget(t)}`);
  const shown = Math.min(limit, targets.length);
  if (total > shown) lines.push(`${indent}… and ${total - shown} more`);
  return lines;
}

export function formatGuardRefusal(violations: readonly GuardViolation[]): string {
  const actions = new Set(violations.map((v) => v.activityName)).size;
  const lines = [
    `Refusing to run: the blast-radius guard found ${violations.length} problem${violations.length === 1 ? "" : "s"} in ${actions} action${actions === 1 ? "" : "s"}.`,
  ];
  for (const v of violations) {
    lines.push(`- action "${v.activityName}" (${v.module}.${v.func}), ${RULE_TITLES[v.rule]}: ${v.reason}`);
    lines.push(...formatTargetList(v.targets, "    ", 20, v.total));
  }
  return lines.join("\n");
}

/** The log line of --allow-node-drain: which pods of protected namespaces a drain may evict. */
export function formatProtectedEvictions(pods: readonly TargetObject[]): string {
  return [
    `--allow-node-drain: drain_nodes may evict ${pods.length} pod${pods.length === 1 ? "" : "s"} of protected namespaces (through the Eviction API, which PodDisruptionBudgets gate; never deleted):`,
    ...formatTargetList(pods, "    ", 50),
  ].join("\n");
}

/** What --dry-run prints: each action and the objects it would change, without changing anything. */
export function formatTargets(actions: readonly ActionTargets[]): string {
  if (actions.length === 0) return "No Kubernetes action has targets to resolve.";
  const lines = ["Targets (resolved without changing anything):"];
  for (const action of actions) {
    const { objects, count } = distinctTargets(action.targetSet);
    const namespaces =
      action.targetSet.namespaces.length > 0 ? ` in ${action.targetSet.namespaces.join(", ")}` : "";
    const affected = action.targetSet.affected ?? count;
    const pick = affected < count ? `, ${affected} of these picked at random` : "";
    lines.push(
      `- ${action.activityName} (${action.module}.${action.func})${namespaces}: ${count} of ${action.targetSet.candidates} matching${pick}`,
    );
    lines.push(...formatTargetList(objects, "    ", 50, count));
    for (const missing of action.targetSet.missing ?? [])
      lines.push(`    ${describeTarget(missing)}: missing`);
  }
  return lines.join("\n");
}

/** Builds the rules from the CLI/action options; `named` is namespacesNamed(experiment). */
export function guardRules(options: {
  namespaces?: readonly string[];
  named: readonly string[];
  allowProtected?: boolean;
  allowNodeDrain?: boolean;
  maxAffected?: MaxAffected;
}): GuardRules {
  const explicit = options.namespaces !== undefined && options.namespaces.length > 0;
  return {
    allowedNamespaces: explicit ? [...(options.namespaces ?? [])] : [...options.named],
    namespacesExplicit: explicit,
    allowProtected: options.allowProtected ?? false,
    ...(options.allowNodeDrain ? { allowNodeDrain: true } : {}),
    ...(options.maxAffected !== undefined ? { maxAffected: options.maxAffected } : {}),
  };
}

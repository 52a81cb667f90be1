// What an action would touch, resolved without changing anything, for the dry run and the
// blast-radius guard: each action's record resolves its own (the same selection code it runs).
import type { KubeConfig } from "@kubernetes/client-node";
import { noTargetReason, reachedCount, withDefaults } from "./activities/chaosk8s-function.ts";
import type { TargetSet } from "./activities/target-set.ts";
import { chaosk8sFunctionOf } from "./catalog.ts";

export type { TargetObject, TargetSet } from "./activities/target-set.ts";

/**
 * The objects an action would touch; null for probes. A selection the action would refuse throws
 * its ActivityFailed.
 */
export async function resolveTargets(
  module: string,
  func: string,
  args: Record<string, unknown>,
  kc: KubeConfig,
): Promise<TargetSet | null> {
  const record = chaosk8sFunctionOf(module, func);
  if (record?.signature.kind !== "action" || !record.targets) return null;
  return record.targets(args, kc);
}

/** Whether `module.func` is a fault (terminate, delete, scale, drain...); false for probes and other actions. */
export function isFault(module: string, func: string): boolean {
  return Boolean(chaosk8sFunctionOf(module, func)?.fault);
}

/**
 * For a fault whose resolved targets hold no object it would reach: why, in the words the run would
 * fail with (`terminate_pods would reach no pod: label_selector "app=nope" in namespace "default"
 * matched nothing`). Undefined for other actions and for a fault that reaches something.
 */
export function wouldReachNothing(
  module: string,
  func: string,
  args: Record<string, unknown>,
  targets: TargetSet,
): string | undefined {
  const record = chaosk8sFunctionOf(module, func);
  if (!record?.fault || reachedCount(record.fault, targets.objects) > 0) return undefined;
  return noTargetReason(func, record.fault, withDefaults(record.signature, args), "would reach");
}

// What an action would touch, resolved without changing anything, for the dry run and the
// blast-radius guard: each action's record resolves its own (the same selection code it runs).
import type { KubeConfig } from "@kubernetes/client-node";
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

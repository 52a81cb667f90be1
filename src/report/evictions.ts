// The pods of protected namespaces (kube-system, …) a run evicted: only a drain under
// --allow-node-drain may evict them, and a reviewer should see each one. Read from the journal's
// touch records. Pure.

import { isProtectedNamespace } from "../common/protected-namespaces.ts";
import type { Journal, TouchedObject } from "../engine/journal.ts";
import { code } from "./escape.ts";

const DRAIN = "chaosk8s.node.actions.drain_nodes";

export function protectedEvictionsOf(journal: Journal): TouchedObject[] {
  const seen = new Set<string>();
  const pods: TouchedObject[] = [];
  for (const run of [...journal.run, ...journal.rollbacks]) {
    for (const record of run.touched ?? []) {
      if (record.action !== DRAIN || record.after !== "evicted") continue;
      for (const object of record.objects) {
        if (object.kind !== "Pod" || !object.namespace || !isProtectedNamespace(object.namespace)) continue;
        const key = `${object.namespace}/${object.name}/${object.uid ?? ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pods.push(object);
      }
    }
  }
  return pods;
}

/** One line naming every evicted pod of a protected namespace; none when there is none. */
export function protectedEvictionLines(journal: Journal): string[] {
  const pods = protectedEvictionsOf(journal);
  if (pods.length === 0) return [];
  const names = pods.map((pod) => code(`${pod.namespace}/${pod.name}`)).join(", ");
  return [`⚠️ Evicted from protected namespaces (drain allowed by \`allow-node-drain\`): ${names}`, ""];
}

import { createHash } from "node:crypto";
import type { KubeObject, OwnerReference } from "../object-store.ts";

type Obj = Record<string, unknown>;

export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A short, stable hash of a pod template, as pod-template-hash and controller-revision-hash use. */
export function templateHash(template: unknown): string {
  const digest = createHash("sha256")
    .update(JSON.stringify(template ?? {}))
    .digest();
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let out = "";
  for (let i = 0; i < 10; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** A pod object (before admission) from a controller's template. */
export function podFromTemplate(
  owner: KubeObject,
  template: Obj,
  name: string,
  extraLabels: Record<string, string>,
  specOverrides: Obj = {},
): KubeObject {
  const meta = (template.metadata ?? {}) as Obj;
  const labels = { ...((meta.labels ?? {}) as Record<string, string>), ...extraLabels };
  const annotations = meta.annotations as Record<string, string> | undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [ownerReference(owner)],
    } as KubeObject["metadata"],
    spec: { ...((template.spec ?? {}) as Obj), ...specOverrides },
  };
}

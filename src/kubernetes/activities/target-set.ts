// What an action would touch, resolved beforehand without changing anything: the dry run prints it
// and the blast-radius guard checks it. Each action's record builds its own with these helpers.
import type { KubeConfig } from "@kubernetes/client-node";
import { isApiException } from "../cluster-errors.ts";
import { isNotFound } from "./activity-failed.ts";
import { type Args, optString, reqString } from "./arguments.ts";
import { type KindInfo, readObject, refTo } from "./object-access.ts";

/** A Kubernetes object an action would change; no namespace for cluster-scoped objects (nodes, namespaces). */
export interface TargetObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface TargetSet {
  namespaces: string[];
  /**
   * The objects the action would touch; for random selections, every object it could hit, or, when
   * there are more than LISTED_TARGETS of them, the first ones (`total` counts them all).
   */
  objects: TargetObject[];
  /** How many objects `objects` stands for, when it lists only the first of them. */
  total?: number;
  /** How many objects matched the action's selector. */
  candidates: number;
  /** Objects the action names that do not exist (it would reach nothing there). */
  missing?: TargetObject[];
}

/**
 * How many objects a random pick lists by name: far more than any output shows (50), while a pick
 * among 100,000 pods no longer keeps 100,000 objects for the run's whole length.
 */
export const LISTED_TARGETS = 1_000;

export function targetSet(
  objects: TargetObject[],
  candidates = objects.length,
  namespaces: string[] = [],
): TargetSet {
  const all = new Set(namespaces);
  for (const object of objects) if (object.namespace) all.add(object.namespace);
  return { namespaces: [...all].sort(), objects, candidates };
}

/** Several resolutions as one (kill_microservice: a Deployment, its ReplicaSet and a pod). */
export function unionOf(parts: readonly TargetSet[], namespaces: string[] = []): TargetSet {
  const union = targetSet(
    parts.flatMap((part) => part.objects),
    parts.reduce((sum, part) => sum + part.candidates, 0),
    namespaces,
  );
  if (parts.every((part) => part.total === undefined)) return union;
  return { ...union, total: parts.reduce((sum, part) => sum + (part.total ?? part.objects.length), 0) };
}

/** What a created object will be called: its manifest's name, else where the manifest comes from. */
export function createdName(args: Args, manifest?: Record<string, unknown>): string {
  const metadata = (manifest?.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name === "string") return metadata.name;
  const specPath = optString(args, "spec_path") ?? optString(args, "resource_as_yaml_file");
  return specPath ? `(named in ${specPath})` : "(generated name)";
}

/** The one object `name` (in `ns`, unless cluster-scoped) names. */
export function named(
  kind: string,
  args: Args,
  name = reqString(args, "name"),
  namespaced = true,
): TargetSet {
  const ns = optString(args, "ns") ?? "default";
  return targetSet([namespaced ? { kind, namespace: ns, name } : { kind, name }], 1, namespaced ? [ns] : []);
}

/** The one object a create would make in `ns`. */
export function created(kind: string, args: Args, manifest?: Record<string, unknown>): TargetSet {
  return named(kind, args, createdName(args, manifest));
}

/**
 * The one object `name` (in `ns`, unless cluster-scoped) names, looked up: a target when it exists,
 * else listed as missing.
 */
export async function existing(
  kc: KubeConfig,
  kind: KindInfo,
  args: Args,
  name = reqString(args, "name"),
  namespaced = true,
): Promise<TargetSet> {
  const ns = optString(args, "ns") ?? "default";
  const object: TargetObject = namespaced
    ? { kind: kind.kind, namespace: ns, name }
    : { kind: kind.kind, name };
  // A Namespace counts as living in itself, for the guard's namespace rules.
  const namespaces = namespaced ? [ns] : kind.kind === "Namespace" ? [name] : [];
  try {
    await readObject(kc, refTo(kind, name, namespaced ? ns : undefined));
  } catch (error) {
    if (error instanceof Error && isNotFound(error.cause)) {
      return { ...targetSet([], 0, namespaces), missing: [object] };
    }
    // The action may not need `get` (delete_secret): the object stays named, unverified.
    if (!(error instanceof Error && isApiException(error.cause) && error.cause.code === 403)) throw error;
  }
  return targetSet([object], 1, namespaces);
}

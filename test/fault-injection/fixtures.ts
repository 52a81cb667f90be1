// The experiments the fault-injection suite runs, and the requests each sends that a fault can hit:
// a verb on a resource, the Nth time it is sent in a clean run, and the phase it belongs to. The
// calibration test checks these against a clean run, so a changed client shows up as a failure
// there rather than as faults that silently never fire.
import { join } from "node:path";

export type Phase = "hypothesis" | "action" | "undo";

export interface Target {
  verb: string;
  /** "deployments", "pods/eviction". */
  resource: string;
  /** The Nth request of this verb on this resource in a clean run, from 1. */
  nth: number;
  phase: Phase;
  /** Whether the request changes the cluster (create, patch, delete, eviction). */
  mutating: boolean;
}

export interface Fixture {
  name: FixtureName;
  /** Path of the experiment file. */
  file: string;
  targets: Target[];
}

export type FixtureName =
  | "scale-to-zero"
  | "drain-node"
  | "network-partition"
  | "terminate-pods"
  | "delete-service";

const read = (verb: string, resource: string, nth: number, phase: Phase): Target => ({
  verb,
  resource,
  nth,
  phase,
  mutating: false,
});
const write = (verb: string, resource: string, nth: number, phase: Phase): Target => ({
  verb,
  resource,
  nth,
  phase,
  mutating: true,
});

const dir = join(import.meta.dirname, "fixtures");

export const fixtures: Fixture[] = [
  {
    name: "scale-to-zero",
    file: join(dir, "scale-to-zero.yaml"),
    targets: [
      read("list", "services", 1, "hypothesis"),
      read("get", "deployments", 1, "action"),
      write("patch", "deployments", 1, "action"),
      read("watch", "deployments", 1, "action"),
      write("patch", "deployments", 2, "undo"),
    ],
  },
  {
    name: "drain-node",
    file: join(dir, "drain-node.yaml"),
    targets: [
      read("list", "services", 1, "hypothesis"),
      write("patch", "nodes", 1, "action"),
      write("create", "pods/eviction", 1, "action"),
      read("get", "pods", 1, "action"),
      write("patch", "nodes", 2, "undo"),
    ],
  },
  {
    name: "network-partition",
    file: join(dir, "network-partition.yaml"),
    targets: [
      read("list", "services", 1, "hypothesis"),
      write("create", "networkpolicies", 1, "action"),
      write("create", "networkpolicies", 2, "action"),
      write("delete", "networkpolicies", 1, "undo"),
      write("delete", "networkpolicies", 2, "undo"),
    ],
  },
  {
    name: "terminate-pods",
    file: join(dir, "terminate-pods.yaml"),
    targets: [
      read("list", "services", 1, "hypothesis"),
      read("list", "pods", 2, "action"),
      write("delete", "pods", 1, "action"),
      write("delete", "pods", 2, "action"),
    ],
  },
  {
    name: "delete-service",
    file: join(dir, "delete-service.yaml"),
    targets: [
      read("list", "deployments", 1, "hypothesis"),
      read("get", "services", 1, "action"),
      write("delete", "services", 1, "action"),
      write("create", "services", 1, "undo"),
    ],
  },
];

export function fixtureNamed(name: FixtureName): Fixture {
  const fixture = fixtures.find((f) => f.name === name);
  if (!fixture) throw new Error(`no fixture named ${name}`);
  return fixture;
}

export function describeTarget(target: Target): string {
  return `${target.verb} ${target.resource} #${target.nth} (${target.phase})`;
}

// --allow-node-drain in the guard: drain_nodes may evict the pods of every namespace on its nodes,
// protected ones included, and those are listed; no other action gains anything. Pure.
import { describe, expect, it } from "vitest";
import {
  type ActionTargets,
  checkBlastRadius,
  formatProtectedEvictions,
  type GuardRules,
  guardRules,
  protectedEvictions,
} from "../../../src/kubernetes/guard.ts";

const drain: ActionTargets = {
  activityName: "drain-old-workers",
  module: "chaosk8s.node.actions",
  func: "drain_nodes",
  targetSet: {
    namespaces: ["kube-system", "local-path-storage", "shop"],
    objects: [
      { kind: "Node", name: "kind-worker" },
      { kind: "Pod", namespace: "kube-system", name: "coredns-1" },
      { kind: "Pod", namespace: "local-path-storage", name: "provisioner-1" },
      { kind: "Pod", namespace: "shop", name: "web-1" },
    ],
    candidates: 4,
  },
};

const terminateInKubeSystem: ActionTargets = {
  activityName: "kill-dns",
  module: "chaosk8s.pod.actions",
  func: "terminate_pods",
  targetSet: {
    namespaces: ["kube-system"],
    objects: [{ kind: "Pod", namespace: "kube-system", name: "coredns-1" }],
    candidates: 1,
  },
};

const rules = (overrides: Partial<GuardRules> = {}): GuardRules => ({
  allowedNamespaces: ["shop"],
  namespacesExplicit: false,
  allowProtected: false,
  ...overrides,
});

describe("--allow-node-drain", () => {
  it("without it, a drain is held to the namespace rules and the refusal names the opt-in", () => {
    const violations = checkBlastRadius([drain], rules());
    expect(violations.map((v) => `${v.rule}:${v.namespace}`)).toEqual([
      "protected-namespace:kube-system",
      "outside-namespaces:local-path-storage",
    ]);
    for (const violation of violations) expect(violation.reason).toContain("--allow-node-drain");
    expect(protectedEvictions([drain], rules())).toEqual([]);
  });

  it("with it, a drain passes whatever namespaces its pods are in, and its protected pods are listed", () => {
    const allowed = rules({ allowNodeDrain: true });
    expect(checkBlastRadius([drain], allowed)).toEqual([]);
    expect(protectedEvictions([drain], allowed)).toEqual([
      { kind: "Pod", namespace: "kube-system", name: "coredns-1" },
    ]);
    expect(formatProtectedEvictions(protectedEvictions([drain], allowed))).toBe(
      "--allow-node-drain: drain_nodes may evict 1 pod of protected namespaces (through the Eviction API, which PodDisruptionBudgets gate; never deleted):\n    pod kube-system/coredns-1",
    );
  });

  it("gives nothing to any other action: deleting a kube-system pod stays refused", () => {
    const violations = checkBlastRadius([terminateInKubeSystem], rules({ allowNodeDrain: true }));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: "protected-namespace", namespace: "kube-system" });
    expect(violations[0]!.reason).not.toContain("--allow-node-drain");
    expect(protectedEvictions([terminateInKubeSystem], rules({ allowNodeDrain: true }))).toEqual([]);
  });

  it("still counts a drain against --max-affected", () => {
    const violations = checkBlastRadius(
      [drain],
      rules({ allowNodeDrain: true, maxAffected: { kind: "count", value: 2 } }),
    );
    expect(violations.map((v) => v.rule)).toEqual(["max-affected"]);
  });

  it("is carried into the rules only when given", () => {
    expect(guardRules({ named: ["shop"], allowNodeDrain: true }).allowNodeDrain).toBe(true);
    expect(guardRules({ named: ["shop"] })).not.toHaveProperty("allowNodeDrain");
  });
});

import { describe, expect, it } from "vitest";
import {
  type ActionTargets,
  BlastRadiusRefusal,
  checkBlastRadius,
  formatGuardRefusal,
  formatTargets,
  type GuardRules,
  guardRules,
} from "../../../src/kubernetes/guard.ts";

const pods = (namespace: string, ...names: string[]) =>
  names.map((name) => ({ kind: "Pod", namespace, name }));

function terminate(
  namespace: string,
  names: string[],
  candidates = names.length,
  activityName = "kill-a-pod",
): ActionTargets {
  return {
    activityName,
    module: "chaosk8s.pod.actions",
    func: "terminate_pods",
    targetSet: { namespaces: [namespace], objects: pods(namespace, ...names), candidates },
  };
}

const rules = (overrides: Partial<GuardRules> = {}): GuardRules => ({
  allowedNamespaces: ["shop"],
  namespacesExplicit: false,
  allowProtected: false,
  ...overrides,
});

describe("checkBlastRadius", () => {
  it("lets targets inside the allowed namespaces through", () => {
    expect(checkBlastRadius([terminate("shop", ["web-1"], 3)], rules())).toEqual([]);
  });

  it("refuses a target outside the allowed namespaces, naming it and the rule", () => {
    const violations = checkBlastRadius([terminate("payments", ["api-1", "api-2"])], rules());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      rule: "outside-namespaces",
      namespace: "payments",
      activityName: "kill-a-pod",
      targets: pods("payments", "api-1", "api-2"),
    });
    const text = formatGuardRefusal(violations);
    expect(text).toContain(
      'action "kill-a-pod" (chaosk8s.pod.actions.terminate_pods), outside the allowed namespaces',
    );
    expect(text).toContain(
      "payments is outside the allowed namespaces (shop, from the namespaces the experiment names)",
    );
    expect(text).toContain("pod payments/api-1");
    expect(text).toContain("pod payments/api-2");
  });

  it("checks the namespaces an action works in even without objects", () => {
    const denyIngress: ActionTargets = {
      activityName: "cut-traffic",
      module: "chaosk8s.networking.actions",
      func: "deny_all_ingress",
      targetSet: { namespaces: ["billing"], objects: [], candidates: 0 },
    };
    const [violation] = checkBlastRadius(
      [denyIngress],
      rules({ allowedNamespaces: ["shop"], namespacesExplicit: true }),
    );
    expect(violation).toMatchObject({ rule: "outside-namespaces", namespace: "billing", targets: [] });
    expect(violation?.reason).toContain("from --namespaces");
  });

  it("refuses a protected namespace even when the experiment names it", () => {
    const violations = checkBlastRadius(
      [terminate("kube-system", ["coredns-1"])],
      rules({ allowedNamespaces: ["kube-system", "shop"] }),
    );
    expect(violations).toEqual([
      expect.objectContaining({
        rule: "protected-namespace",
        namespace: "kube-system",
        targets: pods("kube-system", "coredns-1"),
      }),
    ]);
    expect(formatGuardRefusal(violations)).toContain(
      "kube-system is a protected namespace; list it in --namespaces to allow",
    );
  });

  it("treats a Namespace object as living in itself", () => {
    const deleteNs: ActionTargets = {
      activityName: "drop-namespace",
      module: "chaosk8s.namespace.actions",
      func: "delete_namespace",
      targetSet: { namespaces: [], objects: [{ kind: "Namespace", name: "kube-public" }], candidates: 1 },
    };
    expect(checkBlastRadius([deleteNs], rules())[0]).toMatchObject({
      rule: "protected-namespace",
      namespace: "kube-public",
    });
  });

  it("allows a protected namespace listed in --namespaces", () => {
    const explicit = rules({ allowedNamespaces: ["kube-system"], namespacesExplicit: true });
    expect(checkBlastRadius([terminate("kube-system", ["coredns-1"])], explicit)).toEqual([]);
  });

  it("allows a protected namespace with allowProtected when the experiment names it", () => {
    const named = rules({ allowedNamespaces: ["kube-node-lease"], allowProtected: true });
    expect(checkBlastRadius([terminate("kube-node-lease", ["lease-pod"])], named)).toEqual([]);
    // allowProtected lifts the protection, not the namespace rule
    const elsewhere = checkBlastRadius(
      [terminate("kube-node-lease", ["lease-pod"])],
      rules({ allowProtected: true }),
    );
    expect(elsewhere.map((v) => v.rule)).toEqual(["outside-namespaces"]);
  });

  it("refuses more objects than a --max-affected count", () => {
    const limit = rules({ maxAffected: { kind: "count", value: 2 } });
    expect(checkBlastRadius([terminate("shop", ["a", "b"], 5)], limit)).toEqual([]);
    const violations = checkBlastRadius([terminate("shop", ["a", "b", "c"], 5)], limit);
    expect(violations).toEqual([
      expect.objectContaining({ rule: "max-affected", targets: pods("shop", "a", "b", "c") }),
    ]);
    expect(violations[0]?.reason).toBe(
      "would affect 3 of 5 matching objects (60%), more than --max-affected 2",
    );
  });

  it("refuses more than a --max-affected percentage of the matching objects", () => {
    const half = rules({ maxAffected: { kind: "percent", value: 50 } });
    expect(checkBlastRadius([terminate("shop", ["a", "b"], 4)], half)).toEqual([]);
    const violations = checkBlastRadius([terminate("shop", ["a", "b", "c"], 4)], half);
    expect(violations.map((v) => v.rule)).toEqual(["max-affected"]);
    expect(formatGuardRefusal(violations)).toContain(
      "too many objects affected: would affect 3 of 4 matching objects (75%), more than --max-affected 50%",
    );
    // one pod of one: 100%
    expect(checkBlastRadius([terminate("shop", ["only"], 1)], half).map((v) => v.rule)).toEqual([
      "max-affected",
    ]);
  });

  it("counts only the objects a random pick will change", () => {
    const action = terminate("shop", ["a", "b", "c", "d"], 4);
    action.targetSet.affected = 1;
    expect(checkBlastRadius([action], rules({ maxAffected: { kind: "count", value: 1 } }))).toEqual([]);
    expect(formatTargets([action])).toContain("4 of 4 matching, 1 of these picked at random");
  });

  it("counts each object once", () => {
    const action = terminate("shop", ["a", "a", "b"], 3);
    expect(checkBlastRadius([action], rules({ maxAffected: { kind: "count", value: 2 } }))).toEqual([]);
  });

  it("reports every rule broken by every action", () => {
    const violations = checkBlastRadius(
      [terminate("kube-system", ["dns"], 1, "first"), terminate("other", ["x", "y"], 2, "second")],
      rules({ maxAffected: { kind: "count", value: 1 } }),
    );
    expect(violations.map((v) => `${v.activityName}:${v.rule}`)).toEqual([
      "first:protected-namespace",
      "second:outside-namespaces",
      "second:max-affected",
    ]);
    const refusal = new BlastRadiusRefusal(violations);
    expect(refusal.message).toMatch(
      /^Refusing to run: the blast-radius guard found 3 problems in 2 actions\./,
    );
    expect(refusal.violations).toBe(violations);
  });
});

describe("guardRules", () => {
  it("defaults to the namespaces the experiment names", () => {
    expect(guardRules({ named: ["shop"] })).toEqual({
      allowedNamespaces: ["shop"],
      namespacesExplicit: false,
      allowProtected: false,
    });
  });

  it("prefers --namespaces and takes the parsed --max-affected", () => {
    expect(
      guardRules({
        named: ["shop"],
        namespaces: ["a", "b"],
        maxAffected: { kind: "percent", value: 25 },
        allowProtected: true,
      }),
    ).toEqual({
      allowedNamespaces: ["a", "b"],
      namespacesExplicit: true,
      allowProtected: true,
      maxAffected: { kind: "percent", value: 25 },
    });
  });
});

describe("formatTargets", () => {
  it("lists each action's targets for --dry-run", () => {
    const drain: ActionTargets = {
      activityName: "drain",
      module: "chaosk8s.node.actions",
      func: "drain_nodes",
      targetSet: { namespaces: [], objects: [{ kind: "Node", name: "worker-2" }], candidates: 3 },
    };
    expect(formatTargets([terminate("shop", ["web-1"], 3), drain])).toBe(
      [
        "Targets (resolved without changing anything):",
        "- kill-a-pod (chaosk8s.pod.actions.terminate_pods) in shop: 1 of 3 matching",
        "    pod shop/web-1",
        "- drain (chaosk8s.node.actions.drain_nodes): 1 of 3 matching",
        "    node worker-2",
      ].join("\n"),
    );
    expect(formatTargets([])).toBe("No Kubernetes action has targets to resolve.");
  });
});

import { describe, expect, it } from "vitest";
import type { Experiment } from "../../../src/experiment/format.ts";
import { kubernetesActivities, namespacesNamed } from "../../../src/kubernetes/scope.ts";
import type { NativeSignature } from "../../../src/providers/native.ts";

const param = (name: string, dflt?: unknown) => ({ name, type: "string" as const, default: dflt });

// A few signatures written for this test (the catalog has the real ones).
const signatures: NativeSignature[] = [
  {
    module: "chaosk8s.pod.actions",
    func: "terminate_pods",
    kind: "action",
    params: [param("label_selector", null), param("ns", "default")],
    summary: "",
  },
  {
    module: "chaosk8s.pod.probes",
    func: "count_pods",
    kind: "probe",
    params: [param("label_selector"), param("ns", "default")],
    summary: "",
  },
  {
    module: "chaosk8s.node.actions",
    func: "drain_nodes",
    kind: "action",
    params: [param("name", null), param("pod_namespace", null)],
    summary: "",
  },
  {
    module: "chaosk8s.namespace.actions",
    func: "delete_namespace",
    kind: "action",
    params: [param("name")],
    summary: "",
  },
];

const python = (module: string, func: string, args?: Record<string, unknown>) => ({
  type: "python" as const,
  module,
  func,
  ...(args ? { arguments: args } : {}),
});

const experiment: Experiment = {
  title: "t",
  description: "d",
  "steady-state-hypothesis": {
    title: "pods up",
    probes: [
      {
        type: "probe",
        name: "count",
        tolerance: 3,
        provider: python("chaosk8s.pod.probes", "count_pods", { label_selector: "app=web", ns: "shop" }),
      },
      { ref: "count", tolerance: 3 },
    ],
  },
  method: [
    { type: "action", name: "kill", provider: python("chaosk8s.pod.actions", "terminate_pods", { qty: 1 }) },
    {
      type: "action",
      name: "drain",
      provider: python("chaosk8s.node.actions", "drain_nodes", { name: "n1", pod_namespace: "batch" }),
    },
    { type: "action", name: "http", provider: { type: "http", url: "http://127.0.0.1:1/" } },
    { type: "action", name: "other-python", provider: python("mylib.actions", "boom", { ns: "ignored" }) },
  ],
  rollbacks: [
    {
      type: "action",
      name: "drop-ns",
      provider: python("chaosk8s.namespace.actions", "delete_namespace", { name: "scratch" }),
    },
    {
      type: "action",
      name: "with-tolerance-probe",
      provider: python("chaosk8s.pod.probes", "count_pods", { label_selector: "x", ns: "reports" }),
      tolerance: {
        type: "probe",
        name: "inner",
        provider: python("chaosk8s.pod.probes", "count_pods", {
          label_selector: "y",
          namespace: "tolerance-ns",
        }),
      },
    },
  ],
};

describe("kubernetesActivities", () => {
  it("collects the chaosk8s activities of hypothesis, method, rollbacks and probe tolerances", () => {
    expect(kubernetesActivities(experiment).map((a) => `${a.name}:${a.func}`)).toEqual([
      "count:count_pods",
      "kill:terminate_pods",
      "drain:drain_nodes",
      "drop-ns:delete_namespace",
      "with-tolerance-probe:count_pods",
      "inner:count_pods",
    ]);
  });
});

describe("namespacesNamed", () => {
  it("collects ns, pod_namespace, namespace and namespace names, defaulting ns to default", () => {
    expect(namespacesNamed(experiment, signatures)).toEqual([
      "batch",
      "default",
      "reports",
      "scratch",
      "shop",
      "tolerance-ns",
    ]);
  });

  it("does not invent a namespace for functions without an ns parameter", () => {
    const nodesOnly: Experiment = {
      title: "t",
      description: "d",
      method: [
        { type: "action", name: "drain", provider: python("chaosk8s.node.actions", "drain_nodes", {}) },
      ],
    };
    expect(namespacesNamed(nodesOnly, signatures)).toEqual([]);
  });
});

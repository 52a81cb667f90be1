import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  formatMissingPermissions,
  type PermissionNeed,
  permissionsFor,
  rbacGrants,
  type SignatureWithPermissions,
} from "../../../src/kubernetes/preflight.ts";

const p = (name: string, dflt?: unknown) => ({ name, type: "string" as const, default: dflt });

const signatures: SignatureWithPermissions[] = [
  {
    module: "chaosk8s.pod.actions",
    func: "terminate_pods",
    params: [p("label_selector", null), p("ns", "default")],
    permissions: [
      { verb: "list", group: "", resource: "pods" },
      { verb: "delete", group: "", resource: "pods" },
    ],
  },
  {
    module: "chaosk8s.pod.probes",
    func: "count_pods",
    params: [p("label_selector"), p("ns", "default")],
    permissions: [{ verb: "list", group: "", resource: "pods" }],
  },
  {
    module: "chaosk8s.node.actions",
    func: "drain_nodes",
    params: [p("name", null)],
    permissions: [
      { verb: "patch", group: "", resource: "nodes" },
      { verb: "create", group: "", resource: "pods", subresource: "eviction" },
    ],
  },
  {
    module: "chaosk8s.crd.actions",
    func: "create_custom_object",
    params: [p("group"), p("version"), p("plural"), p("ns", "default")],
    permissions: [{ verb: "create", group: "{group}", resource: "{plural}" }],
  },
  {
    module: "chaosk8s.namespace.actions",
    func: "delete_namespace",
    params: [p("name")],
    permissions: [{ verb: "delete", group: "", resource: "namespaces" }],
  },
  { module: "chaosk8s.event.probes", func: "nothing_declared", params: [] },
];

describe("permissionsFor", () => {
  it("places each need in the activity's namespace, deduplicated; cluster-scoped resources have none", () => {
    const needs = permissionsFor(
      [
        {
          module: "chaosk8s.pod.probes",
          func: "count_pods",
          args: { label_selector: "app=web", ns: "shop" },
        },
        { module: "chaosk8s.pod.actions", func: "terminate_pods", args: { ns: "shop" } },
        { module: "chaosk8s.pod.actions", func: "terminate_pods", args: {} },
        { module: "chaosk8s.node.actions", func: "drain_nodes", args: { name: "n1" } },
        {
          module: "chaosk8s.crd.actions",
          func: "create_custom_object",
          args: { group: "chaos-mesh.org", version: "v1alpha1", plural: "podchaos", ns: "shop" },
        },
        { module: "chaosk8s.crd.actions", func: "create_custom_object", args: { version: "v1" } },
        { module: "chaosk8s.namespace.actions", func: "delete_namespace", args: { name: "scratch" } },
        { module: "chaosk8s.event.probes", func: "nothing_declared", args: {} },
        { module: "chaosk8s.unknown", func: "not_in_catalog", args: {} },
      ],
      signatures,
    );
    expect(needs).toEqual([
      { verb: "list", group: "", resource: "pods", namespace: "shop" },
      { verb: "delete", group: "", resource: "pods", namespace: "shop" },
      { verb: "list", group: "", resource: "pods", namespace: "default" },
      { verb: "delete", group: "", resource: "pods", namespace: "default" },
      { verb: "patch", group: "", resource: "nodes" },
      { verb: "create", group: "", resource: "pods", subresource: "eviction" },
      { verb: "create", group: "chaos-mesh.org", resource: "podchaos", namespace: "shop" },
      { verb: "delete", group: "", resource: "namespaces" },
    ]);
  });
});

const missing: PermissionNeed[] = [
  { verb: "list", group: "", resource: "pods", namespace: "shop" },
  { verb: "delete", group: "", resource: "pods", namespace: "shop" },
  { verb: "patch", group: "apps", resource: "deployments", namespace: "shop" },
  { verb: "get", group: "apps", resource: "deployments", namespace: "shop" },
  { verb: "delete", group: "", resource: "pods", namespace: "batch" },
  { verb: "patch", group: "", resource: "nodes" },
  { verb: "create", group: "", resource: "pods", subresource: "eviction" },
];

describe("rbacGrants", () => {
  it("makes one Role per namespace and a ClusterRole, one rule per group and resource with verbs merged", () => {
    expect(rbacGrants(missing)).toEqual([
      { namespace: "batch", rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["delete"] }] },
      {
        namespace: "shop",
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["delete", "list"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
        ],
      },
      {
        rules: [
          { apiGroups: [""], resources: ["nodes"], verbs: ["patch"] },
          { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        ],
      },
    ]);
  });
});

describe("formatMissingPermissions", () => {
  const text = formatMissingPermissions(missing, "ci-bot");

  it("lists what is missing for whom", () => {
    expect(text).toMatch(/^User "ci-bot" lacks 7 permissions the experiment needs, so nothing was run:\n/);
    expect(text).toContain('- list pods in namespace "shop"');
    expect(text).toContain('- patch deployments (API group apps) in namespace "shop"');
    expect(text).toContain("- patch nodes cluster-wide");
    expect(text).toContain("- create pods/eviction cluster-wide");
    expect(formatMissingPermissions(missing.slice(0, 1), undefined)).toMatch(
      /^The connected user lacks 1 permission the experiment needs/,
    );
  });

  it("prints RBAC YAML that parses to the grants", () => {
    const yamlText = text.slice(text.indexOf("apiVersion:"));
    const docs = parseAllDocuments(yamlText).map((d) => d.toJS());
    expect(docs).toEqual([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "chaos-action", namespace: "batch" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["delete"] }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "chaos-action", namespace: "shop" },
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["delete", "list"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "chaos-action" },
        rules: [
          { apiGroups: [""], resources: ["nodes"], verbs: ["patch"] },
          { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        ],
      },
    ]);
  });
});

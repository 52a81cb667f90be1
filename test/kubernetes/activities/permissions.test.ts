// The RBAC permissions the catalog declares are exactly what the implementations ask the API server
// for, undo included: the preflight refuses runs on them, so a missing one is a run that fails
// halfway on a real cluster and an extra one is a refusal for nothing. Each request the simulated
// cluster served is turned into the verb/group/resource/subresource a real authorizer checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import { crdManifest } from "../../sim/sim-client.ts";
import { deploymentManifest, type Harness, startHarness } from "./harness.ts";

interface Served {
  method: string;
  path: string;
  query: string;
}

/** What a real API server authorizes a request as; undefined for discovery and access reviews. */
function authorizedAs(request: Served): string | undefined {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(.+)$/.exec(request.path);
  if (!match) return undefined;
  const group = match[1] ?? "";
  if (group === "authorization.k8s.io") return undefined;
  let parts = match[2]!.split("/");
  const namespaceSubresource = parts.length === 3 && ["status", "finalize"].includes(parts[2]!);
  if (parts[0] === "namespaces" && parts.length >= 3 && !namespaceSubresource) parts = parts.slice(2);
  const [resource, name, subresource] = parts;
  const query = new URLSearchParams(request.query);
  const watching = ["true", "1"].includes(query.get("watch") ?? "");
  const verbs: Record<string, string> = {
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: name ? "delete" : "deletecollection",
    GET: watching ? "watch" : name ? "get" : "list",
  };
  // Since Kubernetes 1.30 the exec WebSocket upgrade (a GET) is authorized as create.
  const verb = subresource === "exec" ? "create" : verbs[request.method];
  return `${verb} ${group}/${resource}${subresource ? `/${subresource}` : ""}`;
}

function declared(module: string, func: string, args: Record<string, unknown>): string[] {
  const signature = chaosk8sSource.signatures.find((s) => s.module === module && s.func === func);
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(args[name]));
  return (signature?.permissions ?? []).map(
    (p) => `${p.verb} ${fill(p.group)}/${fill(p.resource)}${p.subresource ? `/${p.subresource}` : ""}`,
  );
}

const crd = crdManifest("chaos.example.com", "faults", "Fault");
const statefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "default" },
  spec: {
    replicas: 1,
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "db" }] } },
  },
};
const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "a" }] } },
  },
};
const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
};
const ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "site", namespace: "default" },
  spec: { rules: [{ host: "a.example" }] },
};
const fault = (name: string, level: number) => ({
  apiVersion: "chaos.example.com/v1",
  kind: "Fault",
  metadata: { name },
  spec: { level },
});
const faults = { group: "chaos.example.com", version: "v1", plural: "faults" };

interface Scenario {
  module: string;
  func: string;
  args: Record<string, unknown>;
  /** Files the action reads, written before it runs. */
  files?: Record<string, unknown>;
  /** Declared permissions this scenario's path legitimately does not reach. */
  unreached?: string[];
}

const P = "chaosk8s.pod";
const D = "chaosk8s.deployment";
const scenarios: Scenario[] = [
  { module: `${P}.actions`, func: "terminate_pods", args: { label_selector: "app=web" } },
  { module: `${P}.actions`, func: "exec_in_pods", args: { cmd: "true", label_selector: "app=web" } },
  {
    module: `${P}.probes`,
    func: "read_pod_logs",
    args: { label_selector: "app=web", container_name: "main" },
  },
  { module: `${P}.probes`, func: "pods_in_phase", args: { label_selector: "app=web" } },
  { module: `${D}.actions`, func: "scale_deployment", args: { name: "web", replicas: 3 } },
  { module: `${D}.actions`, func: "rollout_deployment", args: { name: "web" } },
  {
    module: `${D}.actions`,
    func: "create_deployment",
    args: { spec_path: "extra.json" },
    files: { "extra.json": deploymentManifest("extra", 1) },
  },
  { module: `${D}.actions`, func: "delete_deployment", args: { name: "spare" } },
  { module: `${D}.probes`, func: "deployment_available_and_healthy", args: { name: "web" } },
  { module: `${D}.probes`, func: "deployment_fully_available", args: { name: "web", timeout: 30 } },
  { module: "chaosk8s.statefulset.actions", func: "scale_statefulset", args: { name: "db", replicas: 2 } },
  { module: "chaosk8s.statefulset.probes", func: "statefulset_fully_available", args: { name: "db" } },
  {
    module: "chaosk8s.daemonset.actions",
    func: "update_daemon_set",
    args: { name: "agent", spec: { template: { metadata: { labels: { tier: "x" } } } } },
  },
  { module: "chaosk8s.daemonset.probes", func: "daemon_set_fully_available", args: { name: "agent" } },
  { module: "chaosk8s.node.actions", func: "cordon_node", args: { name: "sim-node-1" } },
  { module: "chaosk8s.node.actions", func: "drain_nodes", args: { name: "sim-node-2", timeout: 60 } },
  { module: "chaosk8s.service.actions", func: "delete_service", args: { name: "web" } },
  {
    module: "chaosk8s.networking.actions",
    func: "update_ingress",
    args: { name: "site", spec: { rules: [{ host: "b.example" }] } },
  },
  {
    module: "chaosk8s.networking.actions",
    func: "deny_all_ingress",
    args: { label_selectors: { app: "web" } },
  },
  { module: "chaosk8s.namespace.actions", func: "create_namespace", args: { name: "fresh" } },
  { module: "chaosk8s.namespace.actions", func: "delete_namespace", args: { name: "doomed" } },
  {
    module: "chaosk8s.crd.actions",
    func: "create_custom_object",
    args: { ...faults, resource: fault("f1", 1) },
  },
  // Created by an earlier scenario (and not undone yet): the 409 path reads the existing object.
  {
    module: "chaosk8s.crd.actions",
    func: "create_custom_object",
    args: { ...faults, resource: fault("f0", 1) },
  },
  {
    module: "chaosk8s.crd.actions",
    func: "patch_custom_object",
    args: { ...faults, name: "f0", resource: [{ op: "replace", path: "/spec/level", value: 2 }] },
  },
  {
    module: "chaosk8s.crd.actions",
    func: "replace_custom_object",
    args: { ...faults, name: "f0", resource: fault("f0", 3) },
  },
  { module: "chaosk8s.crd.actions", func: "delete_custom_object", args: { ...faults, name: "f0" } },
  { module: "chaosk8s.event.probes", func: "get_events", args: { limit: 5 } },
  { module: `${P}.probes`, func: "all_pods_healthy", args: {} },
  {
    module: `${D}.probes`,
    func: "deployment_not_fully_available",
    args: { name: "web", timeout: 1, raise_on_fully_available: false },
  },
  {
    module: "chaosk8s.statefulset.actions",
    func: "create_statefulset",
    args: { spec_path: "sts.json" },
    files: { "sts.json": { ...statefulSet, metadata: { name: "cache" } } },
  },
  { module: "chaosk8s.statefulset.actions", func: "remove_statefulset", args: { name: "db" } },
  {
    module: "chaosk8s.daemonset.actions",
    func: "create_daemon_set",
    args: { spec_path: "ds.json" },
    files: { "ds.json": { ...daemonSet, metadata: { name: "agent2" } } },
  },
  { module: "chaosk8s.daemonset.actions", func: "delete_daemon_set", args: { name: "agent" } },
  { module: "chaosk8s.daemonset.probes", func: "daemon_set_available_and_healthy", args: { name: "agent" } },
  { module: "chaosk8s.replicaset.actions", func: "delete_replica_set", args: { name: "loose" } },
  { module: "chaosk8s.node.actions", func: "uncordon_node", args: { name: "sim-node-1" } },
  { module: "chaosk8s.node.actions", func: "create_node", args: { meta: { name: "extra-node" } } },
  {
    module: "chaosk8s.node.actions",
    func: "delete_nodes",
    args: {
      label_selector: "kubernetes.io/hostname=sim-node-3",
      pod_label_selector: "app=web",
      pod_namespace: "default",
    },
  },
  { module: "chaosk8s.node.probes", func: "nodes_must_be_healthy", args: {} },
  {
    module: "chaosk8s.service.actions",
    func: "create_service_endpoint",
    args: { spec_path: "svc.json" },
    files: { "svc.json": { ...service, metadata: { name: "web2" } } },
  },
  { module: "chaosk8s.service.probes", func: "service_is_initialized", args: { name: "web" } },
  {
    module: "chaosk8s.networking.actions",
    func: "create_ingress",
    args: { spec_path: "ing.json" },
    files: { "ing.json": { ...ingress, metadata: { name: "site2" } } },
  },
  { module: "chaosk8s.networking.actions", func: "delete_ingress", args: { name: "site" } },
  { module: "chaosk8s.networking.probes", func: "ingress_exists", args: { name: "site" } },
  {
    module: "chaosk8s.networking.actions",
    func: "create_network_policy",
    args: { spec: { metadata: { name: "np" }, spec: { podSelector: {} } } },
  },
  { module: "chaosk8s.networking.actions", func: "remove_network_policy", args: { name: "kept" } },
  {
    module: "chaosk8s.secret.actions",
    func: "create_secret",
    args: { spec_path: "secret.json" },
    files: { "secret.json": { apiVersion: "v1", kind: "Secret", metadata: { name: "s2" } } },
  },
  { module: "chaosk8s.secret.actions", func: "delete_secret", args: { name: "token" } },
  { module: "chaosk8s.secret.probes", func: "secret_exists", args: { name: "token" } },
  { module: "chaosk8s.namespace.probes", func: "namespace_exists", args: { name: "default" } },
  { module: "chaosk8s.crd.probes", func: "get_custom_object", args: { ...faults, name: "f0" } },
  { module: "chaosk8s.crd.probes", func: "list_custom_objects", args: faults },
  {
    module: "chaosk8s.actions",
    func: "kill_microservice",
    args: { name: "web", label_selector: "app=web" },
    // Its ReplicaSet step deletes by the Deployment's name, which a Deployment's ReplicaSets never have.
    unreached: ["delete apps/replicasets", "create apps/replicasets"],
  },
];

describe("catalog permissions against the requests each function makes", () => {
  let h: Harness;
  const used = new Map<string, Set<string>>();

  beforeAll(async () => {
    h = await startHarness({
      nodes: 3,
      manifests: [
        crd,
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } },
        deploymentManifest("web", 2),
        deploymentManifest("spare", 1),
        statefulSet,
        daemonSet,
        service,
        ingress,
        fault("f0", 0),
        { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "default" } },
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "kept", namespace: "default" },
          spec: { podSelector: {} },
        },
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: { name: "loose", namespace: "default" },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: "loose" } },
            template: {
              metadata: { labels: { app: "loose" } },
              spec: { containers: [{ name: "l", image: "l" }] },
            },
          },
        },
      ],
    });
    await h.sim.settled();
    for (const scenario of scenarios) {
      for (const [name, content] of Object.entries(scenario.files ?? {}))
        await h.writeSpec(name, JSON.stringify(content));
      const from = h.sim.requests.length;
      const steps = h.undo.steps.length;
      await h.run(scenario.module, scenario.func, scenario.args);
      // Exec sessions are logged when they close, which may follow the action's return by a moment.
      if (scenario.func === "exec_in_pods") {
        for (let i = 0; i < 100 && !h.sim.requests.slice(from).some((r) => r.path.endsWith("/exec")); i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // The undo of this action only (create_custom_object's 409 path and others register none).
      for (const step of h.undo.steps.slice(steps).reverse()) await executeUndo(step, h.kc);
      h.undo.steps.splice(steps);
      await h.sim.settled();
      const key = `${scenario.module}.${scenario.func}`;
      const set = used.get(key) ?? new Set<string>();
      for (const request of h.sim.requests.slice(from)) {
        const permission = authorizedAs(request);
        if (permission) set.add(permission);
      }
      used.set(key, set);
    }
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it.each(scenarios.map((s) => [`${s.module}.${s.func}`, s] as const))(
    "%s asks for nothing it does not declare",
    (key, scenario) => {
      const needed = [...(used.get(key) ?? [])].sort();
      expect(needed.length).toBeGreaterThan(0);
      const allowed = declared(scenario.module, scenario.func, scenario.args);
      expect(needed.filter((permission) => !allowed.includes(permission))).toEqual([]);
    },
  );

  it.each([...new Set(scenarios.map((s) => `${s.module}.${s.func}`))])(
    "%s declares nothing it never asks for",
    (key) => {
      const last = key.lastIndexOf(".");
      const scenario = scenarios.find((s) => `${s.module}.${s.func}` === key)!;
      const allowed = declared(key.slice(0, last), key.slice(last + 1), scenario.args);
      const unreached = allowed.filter((permission) => !used.get(key)?.has(permission));
      expect(unreached).toEqual(scenario.unreached ?? []);
    },
  );

  it("maps requests to what the authorizer checks", () => {
    const as = (method: string, path: string, query = "") => authorizedAs({ method, path, query });
    expect(as("GET", "/api/v1/namespaces/default/pods/web-1/exec", "command=true")).toBe("create /pods/exec");
    expect(as("GET", "/apis/apps/v1/namespaces/default/deployments", "watch=true")).toBe(
      "watch apps/deployments",
    );
    expect(as("GET", "/api/v1/namespaces/doomed")).toBe("get /namespaces");
    expect(as("PUT", "/api/v1/namespaces/doomed/finalize")).toBe("update /namespaces/finalize");
    expect(as("POST", "/api/v1/namespaces/default/pods/web-1/eviction")).toBe("create /pods/eviction");
    expect(as("DELETE", "/api/v1/namespaces/default/pods")).toBe("deletecollection /pods");
    expect(as("GET", "/apis/apps/v1")).toBeUndefined();
    expect(as("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).toBeUndefined();
  });
});

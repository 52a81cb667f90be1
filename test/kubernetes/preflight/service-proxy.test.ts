// Reaching a Service through the API server's service proxy (the load activity with a `service`
// target, Prometheus at an in-cluster address) needs `services/proxy`: the preflight asks for it, and
// a cluster that denies it refuses the run before anything runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Experiment } from "../../../src/experiment/format.ts";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import { MissingPermissionsError, serviceProxyPermissions } from "../../../src/kubernetes/preflight.ts";
import { kubernetesActivities } from "../../../src/kubernetes/scope.ts";
import { loadSource } from "../../../src/load/catalog.ts";
import { createRegistry } from "../../../src/providers/registry.ts";
import { type Cluster, createCluster } from "../../../src/run/cluster-gate.ts";

const load = (args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "probe",
  name: "traffic",
  provider: { type: "python", module: "chaosaction.load.probes", func: "generate_load", arguments: args },
  ...extra,
});

const podsRunning = {
  type: "probe",
  name: "pods-running",
  tolerance: true,
  provider: {
    type: "python",
    module: "chaosk8s.pod.probes",
    func: "pods_in_phase",
    arguments: { label_selector: "app=web", ns: "default" },
  },
};

const experimentOf = (parts: Record<string, unknown>) =>
  Experiment.parse({ title: "proxy", description: "proxy", method: [], ...parts });

describe("serviceProxyPermissions", () => {
  it("asks for get services/proxy in the namespace of a load activity's Service, the HTTP method's verb otherwise", () => {
    const needs = serviceProxyPermissions(
      experimentOf({
        method: [
          load({ service: "web", port: "http" }, { background: true }),
          load({ service: "api", namespace: "shop", method: "post" }),
          load({ url: "http://127.0.0.1:8080/" }),
        ],
      }),
    );
    expect(needs).toEqual([
      { verb: "get", group: "", resource: "services", subresource: "proxy", namespace: "default" },
      { verb: "create", group: "", resource: "services", subresource: "proxy", namespace: "shop" },
    ]);
  });

  it("asks for it where Prometheus is addressed by an in-cluster Service name, not for a reachable address", () => {
    const query = {
      type: "probe",
      name: "errors",
      tolerance: true,
      provider: {
        type: "python",
        module: "chaosprometheus.probes",
        func: "query",
        arguments: { query: "up" },
      },
    };
    const inCluster = experimentOf({
      configuration: { prometheus_base_url: "http://prometheus.monitoring.svc:9090" },
      "steady-state-hypothesis": { title: "t", probes: [query] },
    });
    expect(serviceProxyPermissions(inCluster)).toEqual([
      { verb: "get", group: "", resource: "services", subresource: "proxy", namespace: "monitoring" },
    ]);
    const outside = experimentOf({
      configuration: { prometheus_base_url: "https://prometheus.example.com" },
      "steady-state-hypothesis": { title: "t", probes: [query] },
    });
    expect(serviceProxyPermissions(outside)).toEqual([]);
  });
});

describe("the gate of a run that loads a Service through the API server", () => {
  const registry = createRegistry([chaosk8sSource, loadSource]);
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await createCluster(
      {
        mode: "sim",
        sim: { deny: [{ verb: "get", resource: "services", subresource: "proxy", namespace: "default" }] },
      },
      { env: {}, cwd: process.cwd(), reporter: { info: () => {}, warn: () => {} } },
    );
  }, 30_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("is refused when the cluster denies get services/proxy, naming the rule that grants it", async () => {
    const exp = experimentOf({
      "steady-state-hypothesis": { title: "t", probes: [podsRunning] },
      method: [load({ service: "web", port: "http" }, { background: true })],
    });
    const request = { cluster: { mode: "sim" as const } };
    const refusal = await cluster
      .gate(exp, kubernetesActivities(exp), request, registry)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MissingPermissionsError);
    expect((refusal as Error).message).toContain('- get services/proxy in namespace "default"');
    expect((refusal as Error).message).toContain('resources: ["services/proxy"]');
  });

  it("passes the same experiment without the load activity", async () => {
    const exp = experimentOf({ "steady-state-hypothesis": { title: "t", probes: [podsRunning] } });
    await expect(
      cluster.gate(exp, kubernetesActivities(exp), { cluster: { mode: "sim" } }, registry),
    ).resolves.toBeDefined();
  });
});

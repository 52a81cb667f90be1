// An in-cluster Prometheus address, reached through the API server's service proxy when the run has
// a Kubernetes connection: a real KubeConfig (CA, token) pointed at a local HTTPS server that serves
// the Prometheus API under the service proxy path, as an API server forwards it.
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PythonProvider } from "../../src/experiment/format.ts";
import { prometheusSource } from "../../src/prometheus/catalog.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import type { ProviderCall } from "../../src/providers/provider-call.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { simCertificates } from "../../src/sim/certificates.ts";
import { type FakePrometheus, startFakePrometheus } from "./prometheus-server.ts";

const PROXY = "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy";
const CLUSTER_TOKEN = "cluster-t0ken-abc";
const execute = createExecutor({ registry: createRegistry([prometheusSource]) });

let apiServer: FakePrometheus;
let kubeConfig: KubeConfig;
const connected: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const certificates = await simCertificates();
  apiServer = await startFakePrometheus({
    prefix: PROXY,
    authorization: `Bearer ${CLUSTER_TOKEN}`,
    tls: { cert: certificates.serverCertPem, key: certificates.serverKeyPem },
    answers: { up: { vector: [{ metric: { job: "web" }, value: 1 }] } },
  });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: "test", server: apiServer.url, caData: Buffer.from(certificates.caPem).toString("base64") },
    ],
    users: [{ name: "runner", token: CLUSTER_TOKEN }],
    contexts: [{ name: "test", cluster: "test", user: "runner" }],
    currentContext: "test",
  });
});

afterAll(() => apiServer.close());

const query = (secrets?: string[]): PythonProvider => ({
  type: "python",
  module: "chaosprometheus.probes",
  func: "query",
  arguments: { query: "up" },
  ...(secrets ? { secrets } : {}),
});

function call(
  services: Record<string, unknown>,
  secrets: Record<string, Record<string, unknown>> = {},
): ProviderCall {
  return {
    activity: "prometheus",
    signal: new AbortController().signal,
    configuration: { prometheus_base_url: "http://prometheus.monitoring.svc:9090" },
    secrets,
    undo: { register: async (s) => ({ ...s, id: "1" }), discard: async () => {} },
    clock: { now: () => Date.now(), sleep: async () => {} },
    experimentDir: ".",
    services,
  };
}

const kubernetes = {
  connect: async (secrets: Record<string, unknown>) => {
    connected.push(secrets);
    return kubeConfig;
  },
};

describe("an in-cluster Prometheus", () => {
  it("is queried through the API server's service proxy with the cluster's credentials", async () => {
    const out = await execute(query(["k8s"]), call({ kubernetes }, { k8s: { KUBERNETES_CONTEXT: "test" } }));
    expect(out).toMatchObject({ status: "success", data: { result: [{ metric: { job: "web" } }] } });
    const seen = apiServer.requests.at(-1)!;
    expect(seen.path).toBe(`${PROXY}/api/v1/query`);
    expect(seen.params.get("query")).toBe("up");
    expect(seen.headers.authorization).toBe(`Bearer ${CLUSTER_TOKEN}`);
    // The activity's secrets reach the connection, as a chaosk8s activity's do.
    expect(connected.at(-1)).toEqual({ KUBERNETES_CONTEXT: "test" });
  });

  it("refuses Prometheus credentials the API server would not pass on", async () => {
    await expect(
      execute(
        query(["prometheus"]),
        call({ kubernetes }, { prometheus: { prometheus_token: "prom-t0ken" } }),
      ),
    ).rejects.toThrow(
      "prometheus.monitoring.svc:9090 is reached through the Kubernetes API server's service proxy, which carries the cluster's credentials",
    );
  });

  it("without a cluster connection, is tried directly and the failure says why", async () => {
    await expect(execute(query(), call({}))).rejects.toThrow(
      /failed to connect to Prometheus at http:\/\/prometheus\.monitoring\.svc:9090: .* \(an in-cluster address: chaos-action reaches it through the Kubernetes API server only when the experiment has Kubernetes activities/,
    );
  });

  it("any Service is addressed by its own proxy path (a missing one answers 404 here)", async () => {
    const other = call({ kubernetes });
    other.configuration = { prometheus_base_url: "http://grafana.monitoring.svc:3000" };
    await expect(execute(query(), other)).rejects.toThrow(
      "Prometheus query {'query': 'up'} failed: 404 page not found",
    );
    expect(apiServer.requests.at(-1)?.path).toBe(
      "/api/v1/namespaces/monitoring/services/grafana:3000/proxy/api/v1/query",
    );
  });
});

// Which Prometheus addresses go through the API server's service proxy, and what they become.
import { describe, expect, it } from "vitest";
import { inClusterService, serviceProxyUrl } from "../../src/kubernetes/service-proxy.ts";

describe("in-cluster addresses", () => {
  it("are SERVICE.NAMESPACE.svc and SERVICE.NAMESPACE.svc.cluster.local, nothing else", () => {
    expect(inClusterService(new URL("http://prometheus.monitoring.svc:9090"))).toEqual({
      name: "prometheus",
      namespace: "monitoring",
      port: "9090",
      https: false,
    });
    expect(inClusterService(new URL("https://prom-k8s.obs-1.svc.cluster.local"))).toEqual({
      name: "prom-k8s",
      namespace: "obs-1",
      port: "443",
      https: true,
    });
    expect(inClusterService(new URL("http://prometheus.monitoring.svc"))?.port).toBe("80");
    for (const url of [
      "http://prometheus.monitoring:9090",
      "http://prometheus:9090",
      "http://localhost:9090",
      "http://10.0.0.1:9090",
      "http://a.b.c.svc:9090",
      "http://prometheus.monitoring.svc.example.com:9090",
      "http://prometheus.example.com:9090",
    ]) {
      expect(inClusterService(new URL(url)), url).toBeUndefined();
    }
  });

  it("go to the service proxy path of the API server, prefix, path and query kept", () => {
    const service = inClusterService(new URL("http://prometheus.monitoring.svc:9090"))!;
    expect(
      serviceProxyUrl(
        "https://127.0.0.1:6443",
        service,
        new URL("http://prometheus.monitoring.svc:9090/prom/api/v1/query?query=up"),
      ).href,
    ).toBe(
      "https://127.0.0.1:6443/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/prom/api/v1/query?query=up",
    );
    const secure = inClusterService(new URL("https://prometheus.monitoring.svc:8443"))!;
    expect(
      serviceProxyUrl(
        "https://rancher.example.com/k8s/clusters/c-1/",
        secure,
        new URL("https://x/api/v1/query"),
      ).href,
    ).toBe(
      "https://rancher.example.com/k8s/clusters/c-1/api/v1/namespaces/monitoring/services/https:prometheus:8443/proxy/api/v1/query",
    );
  });
});

// The service proxy path as client-go and kubectl send it: colons in the segment as they are.
import { describe, expect, it } from "vitest";
import { serviceProxyPath, serviceProxyUrl } from "../../src/kubernetes/service-proxy.ts";

describe("serviceProxyPath", () => {
  it("writes [https:]NAME[:PORT] with its colons unencoded, the path given a leading slash", () => {
    expect(serviceProxyPath({ namespace: "shop", name: "web", port: "http" }, "healthz?deep=1")).toBe(
      "/api/v1/namespaces/shop/services/web:http/proxy/healthz?deep=1",
    );
    expect(serviceProxyPath({ namespace: "shop", name: "web" }, "/")).toBe(
      "/api/v1/namespaces/shop/services/web/proxy/",
    );
    expect(serviceProxyPath({ namespace: "shop", name: "web", port: "8443", https: true }, "/a")).toBe(
      "/api/v1/namespaces/shop/services/https:web:8443/proxy/a",
    );
  });

  it("keeps the API server's path prefix for a load path with a query", () => {
    expect(
      serviceProxyUrl(
        "https://rancher.example.com/k8s/clusters/c-1",
        { namespace: "shop", name: "web" },
        "/q?x=1",
      ).href,
    ).toBe("https://rancher.example.com/k8s/clusters/c-1/api/v1/namespaces/shop/services/web/proxy/q?x=1");
  });
});

// HTTPS_PROXY / NO_PROXY for the cluster: requests (API calls and watches) tunnel through the proxy
// unless NO_PROXY names the server; the kubeconfig's proxy-url wins over the environment.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { coreApi } from "../../../src/kubernetes/cluster-client.ts";
import { bypassesProxy, proxyFromEnvironment } from "../../../src/kubernetes/cluster-proxy.ts";
import { describeConnection, resolveConnection } from "../../../src/kubernetes/connection.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";
import { type CountingProxy, startCountingProxy } from "../../support/connect-proxy.ts";

describe("which proxy the environment sets", () => {
  const server = "https://api.example.com:6443";
  it("HTTPS_PROXY for https servers, HTTP_PROXY for http ones; lower case first", () => {
    expect(proxyFromEnvironment(server, { HTTPS_PROXY: "http://p:3128" })).toEqual({
      url: "http://p:3128",
      from: "HTTPS_PROXY",
    });
    expect(proxyFromEnvironment(server, { HTTP_PROXY: "http://p:3128" })).toBeUndefined();
    expect(proxyFromEnvironment("http://10.0.0.1:8080", { HTTP_PROXY: "http://p:3128" })?.from).toBe(
      "HTTP_PROXY",
    );
    expect(proxyFromEnvironment(server, { HTTPS_PROXY: "http://a", https_proxy: "http://b" })?.url).toBe(
      "http://b",
    );
  });

  it("NO_PROXY: names, domains, addresses, CIDRs, ports and *", () => {
    const url = new URL(server);
    expect(bypassesProxy(url, "example.com")).toBe(true);
    expect(bypassesProxy(url, ".example.com")).toBe(true);
    expect(bypassesProxy(url, "*.example.com")).toBe(true);
    expect(bypassesProxy(url, "ample.com")).toBe(false);
    expect(bypassesProxy(url, "api.example.com:6443")).toBe(true);
    expect(bypassesProxy(url, "api.example.com:443")).toBe(false);
    expect(bypassesProxy(url, "*")).toBe(true);
    expect(bypassesProxy(new URL("https://10.1.2.3:6443"), "localhost, 10.0.0.0/8")).toBe(true);
    expect(bypassesProxy(new URL("https://11.1.2.3:6443"), "10.0.0.0/8")).toBe(false);
    expect(bypassesProxy(new URL("https://[::1]:6443"), "::1")).toBe(true);
  });
});

describe("through a CONNECT proxy to the simulated cluster", () => {
  let sim: SimCluster;
  let proxy: CountingProxy;
  beforeAll(async () => {
    sim = await startSimCluster({});
    proxy = await startCountingProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  const listPods = async (kc: KubeConfig) =>
    (await (await coreApi(kc)).listNamespacedPod({ namespace: "default" })).items;

  it("HTTPS_PROXY: requests tunnel through it, and the connection line says so", async () => {
    const before = proxy.tunnels;
    const { kc, source } = await resolveConnection({
      kubeconfigContent: sim.kubeconfig,
      env: { HTTPS_PROXY: proxy.url },
    });
    await listPods(kc);
    expect(proxy.tunnels).toBeGreaterThan(before);
    expect(describeConnection(source)).toContain(`through the proxy ${proxy.url}`);
  });

  it("NO_PROXY=127.0.0.1 bypasses it", async () => {
    const before = proxy.tunnels;
    const { kc, source } = await resolveConnection({
      kubeconfigContent: sim.kubeconfig,
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" },
    });
    await listPods(kc);
    expect(proxy.tunnels).toBe(before);
    expect(source.proxy).toBeUndefined();
  });

  it("the kubeconfig's proxy-url is used without any variable", async () => {
    const before = proxy.tunnels;
    const config = parse(sim.kubeconfig) as { clusters: Array<{ cluster: Record<string, string> }> };
    for (const entry of config.clusters) entry.cluster["proxy-url"] = proxy.url;
    const withProxy = stringify(config);
    const { kc } = await resolveConnection({ kubeconfigContent: withProxy, env: {} });
    await listPods(kc);
    expect(proxy.tunnels).toBeGreaterThan(before);
  });

  it("the requests of one connection share a kept-alive tunnel, not one each", async () => {
    const { kc } = await resolveConnection({
      kubeconfigContent: sim.kubeconfig,
      env: { HTTPS_PROXY: proxy.url },
    });
    const before = proxy.tunnels;
    for (let request = 0; request < 10; request++) await listPods(kc);
    // client-node alone opens one per request; shared, the pool keeps one or two.
    expect(proxy.tunnels - before).toBeGreaterThan(0);
    expect(proxy.tunnels - before).toBeLessThanOrEqual(2);
  });

  it("a proxy URL that is not one is bad input, naming the variable", async () => {
    await expect(
      resolveConnection({ kubeconfigContent: sim.kubeconfig, env: { HTTPS_PROXY: "proxy.corp:3128" } }),
    ).rejects.toMatchObject({ name: "ConnectionError", message: expect.stringContaining("HTTPS_PROXY") });
  });
});

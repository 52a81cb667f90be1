// The API server's service proxy on the simulated cluster: Ready endpoints only, in turn; what each
// pod answers comes from its manifest; RBAC authorizes `services/proxy`.
import { describe, expect, it } from "vitest";
import { parseServiceProxy } from "../../src/sim/http/service-proxy.ts";
import { raw, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const start = simsClosedAfterEachTest();

const app = (replicas: number, http?: object) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: default }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: api } }
  template:
    metadata:
      labels: { app: api }
      ${http ? `annotations: { sim.chaos-action/http: '${JSON.stringify(http)}' }` : ""}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http } }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: default }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

const proxy = (segment: string, path = "/") => `/api/v1/namespaces/default/services/${segment}/proxy${path}`;

describe("service proxy paths", () => {
  it("reads NAME, NAME:PORT and SCHEME:NAME:PORT, and the path after proxy", () => {
    expect(parseServiceProxy(proxy("web"))).toMatchObject({ service: "web", port: "", path: "/" });
    expect(parseServiceProxy("/api/v1/namespaces/ns/services/web:80/proxy")).toMatchObject({
      namespace: "ns",
      service: "web",
      port: "80",
      path: "/",
    });
    expect(parseServiceProxy(proxy("http:web:http", "/a/b"))).toMatchObject({
      segment: "http:web:http",
      service: "web",
      port: "http",
      path: "/a/b",
    });
    expect(parseServiceProxy("/api/v1/namespaces/ns/services/web")).toBeUndefined();
  });

  it("reads the segment's colons percent-encoded too, as a real API server decodes the path", () => {
    expect(parseServiceProxy(proxy("https%3Aweb%3A8443", "/q"))).toMatchObject({
      segment: "https:web:8443",
      service: "web",
      port: "8443",
      path: "/q",
    });
  });
});

describe("the service proxy", () => {
  it("spreads requests over the Ready pods in turn, each answering as its manifest says", async () => {
    const sim = await start({
      auth: "none",
      tls: false,
      manifests: app(3, { status: 201, body: "made", latencyMs: 30 }),
    });
    await sim.settled();
    const pods = new Set<string>();
    for (const segment of ["api", "api:80", "api:http", "http:api:http", "api", "api"]) {
      const begun = Date.now();
      const response = await fetch(`${sim.url}${proxy(segment, "/hello")}`);
      expect(response.status).toBe(201);
      expect(await response.text()).toBe("made");
      expect(Date.now() - begun).toBeGreaterThanOrEqual(25);
      pods.add(response.headers.get("x-sim-pod") ?? "");
    }
    expect(pods.size).toBe(3);
  });

  it("answers 503 while no endpoint is Ready, 404 for a Service that does not exist", async () => {
    const sim = await start({ auth: "none", tls: false, manifests: app(0) });
    await sim.settled();
    const none = await raw(sim, "GET", proxy("api:80"));
    expect(none.status).toBe(503);
    expect(none.json()).toMatchObject({
      reason: "ServiceUnavailable",
      message: 'no endpoints available for service "api"',
    });
    const port = await raw(sim, "GET", proxy("api:9090"));
    expect(port.status).toBe(503);
    const missing = await raw(sim, "GET", proxy("nope"));
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ message: 'services "nope" not found' });
  });

  it("fails while the only pod is replaced, and serves again once the new one is Ready", async () => {
    const sim = await start({
      auth: "none",
      tls: false,
      manifests: app(1),
      timing: { scheduleMs: 5, startMs: 50, readyMs: 150, jitter: 0, deleteGraceMs: 20, establishMs: 10 },
    });
    await sim.settled();
    expect((await raw(sim, "GET", proxy("api"))).status).toBe(200);
    const [pod] = sim.list("Pod", "default") as Array<{ metadata: { name: string } }>;
    expect((await raw(sim, "DELETE", `/api/v1/namespaces/default/pods/${pod!.metadata.name}`)).status).toBe(
      200,
    );
    // The Endpoints drop the terminating pod as soon as the controller sees it.
    await waitFor(async () => (await raw(sim, "GET", proxy("api"))).status === 503, "a 503", 2000);
    await sim.settled();
    expect((await raw(sim, "GET", proxy("api"))).status).toBe(200);
  });

  it("is authorized as get on services/proxy: a deny rule for it answers 403, one for services does not", async () => {
    const sim = await start({ auth: "none", tls: false, manifests: app(1) });
    await sim.settled();
    sim.setDeny([{ verb: "get", resource: "services" }]);
    expect((await raw(sim, "GET", proxy("api"))).status).toBe(200);
    sim.setDeny([{ verb: "get", resource: "services", subresource: "proxy" }]);
    const denied = await raw(sim, "GET", proxy("api:80"));
    expect(denied.status).toBe(403);
    expect(denied.json()).toMatchObject({
      message:
        'services "api:80" is forbidden: User "sim-user" cannot get resource "services/proxy" in API group "" in the namespace "default"',
    });
  });
});

// The count of our own writes per resource, which decides when a watch-fed cache must list again.
import { describe, expect, it } from "vitest";
import { WriteLog, writtenResource } from "../../src/kubernetes/write-log.ts";

describe("writtenResource", () => {
  it.each([
    ["/api/v1/namespaces/default/pods/web-1", "/pods"],
    ["/api/v1/namespaces/default/pods/web-1/eviction", "/pods"],
    ["/apis/apps/v1/namespaces/shop/deployments/web/scale", "apps/deployments"],
    ["/apis/apps/v1/namespaces/shop/deployments", "apps/deployments"],
    ["/api/v1/nodes/node-1", "/nodes"],
    ["/apis/coordination.k8s.io/v1/namespaces/shop/leases/chaos-action", "coordination.k8s.io/leases"],
    ["/k8s/clusters/c-1/api/v1/namespaces/default/services/web", "/services"],
    ["/api/v1/namespaces/shop", "*"],
  ])("%s writes %s", (path, resource) => {
    expect(writtenResource(path)).toBe(resource);
  });

  it("names nothing for paths that are not resources", () => {
    expect(writtenResource("/version")).toBeUndefined();
    expect(writtenResource("/api/v1")).toBeUndefined();
  });
});

describe("WriteLog", () => {
  const server = "https://127.0.0.1:6443";

  it("moves a resource's generation when a write starts and when it ends, and says it is on its way meanwhile", () => {
    const log = new WriteLog();
    const start = log.generation("/pods");
    const done = log.begin("DELETE", `${server}/api/v1/namespaces/default/pods/web-1`);
    expect(log.writing("/pods")).toBe(true);
    const during = log.generation("/pods");
    expect(during).not.toBe(start);
    done();
    done(); // once only
    expect(log.writing("/pods")).toBe(false);
    expect(log.generation("/pods")).not.toBe(during);
    expect(log.generation("apps/deployments")).toBe(0);
  });

  it("ignores reads, and a namespace's deletion reaches every resource", () => {
    const log = new WriteLog();
    log.begin("GET", `${server}/api/v1/namespaces/default/pods`)();
    log.begin("HEAD", `${server}/api/v1/namespaces/default/pods`)();
    expect(log.generation("/pods")).toBe(0);
    log.begin("DELETE", `${server}/api/v1/namespaces/shop`)();
    expect(log.generation("/pods")).toBeGreaterThan(0);
    expect(log.generation("apps/deployments")).toBeGreaterThan(0);
  });
});

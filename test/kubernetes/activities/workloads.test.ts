// chaosk8s.statefulset, .daemonset, .replicaset and .service against the simulated cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "c", image: "nginx" }] },
});

const statefulSet = (name: string, replicas: number) => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: template(name) },
});

const daemonSet = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: { selector: { matchLabels: { app: name } }, template: template(name) },
});

const service = (name: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default", labels: { tier: "front" } },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
});

const bareReplicaSet = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "solo", namespace: "default", labels: { app: "solo" } },
  spec: { replicas: 1, selector: { matchLabels: { app: "solo" } }, template: template("solo") },
};

describe("workload modules", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      nodes: 2,
      manifests: [
        statefulSet("db", 2),
        daemonSet("agent"),
        service("front"),
        bareReplicaSet,
        deploymentManifest("web", 1),
      ],
    });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });
  const get = (kind: string, name: string) =>
    h.sim.get(kind, "default", name) as
      | { spec: Record<string, unknown>; metadata: Record<string, unknown> }
      | undefined;

  it("statefulset: scale with undo, readiness watches, create and remove", async () => {
    const S = "chaosk8s.statefulset";
    expect(await h.run(`${S}.probes`, "statefulset_fully_available", { name: "db", timeout: 5 })).toBe(true);
    await h.run(`${S}.actions`, "scale_statefulset", { name: "db", replicas: 3 });
    expect(get("StatefulSet", "db")?.spec.replicas).toBe(3);
    expect(await h.run(`${S}.probes`, "statefulset_not_fully_available", { name: "db", timeout: 5 })).toBe(
      true,
    );
    expect(await h.run(`${S}.probes`, "statefulset_fully_available", { name: "db", timeout: 30 })).toBe(true);
    const scale = h.undo.steps.at(-1)!;
    expect(scale).toMatchObject({ kind: "k8s.scale", data: { replicas: 2 } });
    await executeUndo(scale, h.kc);
    expect(get("StatefulSet", "db")?.spec.replicas).toBe(2);
    expect(
      await h.run(`${S}.probes`, "statefulset_not_fully_available", {
        name: "db",
        timeout: 1,
        raise_on_fully_available: false,
      }),
    ).toBe(false);

    await h.writeSpec("sts.json", JSON.stringify(statefulSet("cache", 1)));
    await h.run(`${S}.actions`, "create_statefulset", { spec_path: "sts.json" });
    expect(get("StatefulSet", "cache")).toBeDefined();
    expect((await errorOf(h.run(`${S}.actions`, "remove_statefulset", {}))).message).toMatch(
      /refusing to delete every/,
    );
    await h.run(`${S}.actions`, "remove_statefulset", { label_selector: "app=cache" });
    expect(get("StatefulSet", "cache")).toBeUndefined();
    expect(h.undo.log.slice(-2)).toEqual(["register:k8s.delete", "register:k8s.recreate"]);
  });

  it("daemonset: probes, update with restore, create and delete", async () => {
    const D = "chaosk8s.daemonset";
    expect(await h.run(`${D}.probes`, "daemon_set_available_and_healthy", { name: "agent" })).toBe(true);
    expect(await h.run(`${D}.probes`, "daemon_set_partially_available", { name: "agent" })).toBe(true);
    expect(await h.run(`${D}.probes`, "daemon_set_available_and_healthy", { name: "nope" })).toBe(false);
    expect(await h.run(`${D}.probes`, "daemon_set_fully_available", { name: "agent", timeout: 5 })).toBe(
      true,
    );
    expect(await h.run(`${D}.probes`, "daemon_set_not_fully_available", { name: "agent", timeout: 1 })).toBe(
      false,
    );

    await h.run(`${D}.actions`, "update_daemon_set", {
      name: "agent",
      spec: { spec: { template: { metadata: { labels: { app: "agent", extra: "yes" } } } } },
    });
    const updated = get("DaemonSet", "agent")?.spec as {
      template: { metadata: { labels: Record<string, string> } };
    };
    expect(updated.template.metadata.labels.extra).toBe("yes");
    const restore = h.undo.steps.at(-1)!;
    expect(restore.kind).toBe("k8s.restore");
    await executeUndo(restore, h.kc);
    const restored = get("DaemonSet", "agent")?.spec as {
      template: { metadata: { labels: Record<string, string> } };
    };
    expect(restored.template.metadata.labels).toEqual({ app: "agent" });

    await h.writeSpec(
      "ds.yaml",
      `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: logs}\nspec:\n  selector: {matchLabels: {app: logs}}\n  template: {metadata: {labels: {app: logs}}, spec: {containers: [{name: l, image: l}]}}\n`,
    );
    await h.run(`${D}.actions`, "create_daemon_set", { spec_path: "ds.yaml" });
    await h.run(`${D}.actions`, "delete_daemon_set", { name: "logs" });
    expect(get("DaemonSet", "logs")).toBeUndefined();
    await executeUndo(h.undo.steps.at(-1)!, h.kc);
    expect(get("DaemonSet", "logs")).toBeDefined();
  });

  it("replicaset: a bare ReplicaSet is recreated by the undo, a Deployment's is not", async () => {
    const R = "chaosk8s.replicaset.actions";
    await h.run(R, "delete_replica_set", { name: "solo" });
    expect(get("ReplicaSet", "solo")).toBeUndefined();
    expect(h.undo.steps.at(-1)?.kind).toBe("k8s.recreate");
    const count = h.undo.steps.length;
    await h.run(R, "delete_replica_set", { label_selector: "app=web" });
    expect(h.undo.steps).toHaveLength(count);
    expect(h.touches.at(-1)?.objects[0]?.name).toMatch(/^web-/);
    expect((await errorOf(h.run(R, "delete_replica_set", {}))).message).toMatch(
      /refusing to delete every ReplicaSet/,
    );
  });

  it("service: is_initialized, delete with recreate, create", async () => {
    const S = "chaosk8s.service";
    expect(await h.run(`${S}.probes`, "service_is_initialized", { name: "front" })).toBe(true);
    expect(await h.run(`${S}.probes`, "service_is_initialized", { label_selector: "tier=front" })).toBe(true);
    expect((await errorOf(h.run(`${S}.probes`, "service_is_initialized", { name: "back" }))).message).toBe(
      'service named "back" is not initialized: none found in namespace "default"',
    );
    expect(
      await h.run(`${S}.probes`, "service_is_initialized", {
        name: "back",
        raise_if_service_not_initialized: false,
      }),
    ).toBe(false);
    await h.run(`${S}.actions`, "delete_service", { name: "front" });
    expect(get("Service", "front")).toBeUndefined();
    await executeUndo(h.undo.steps.at(-1)!, h.kc);
    expect(get("Service", "front")?.spec.ports).toEqual([expect.objectContaining({ port: 80 })]);
    expect((await errorOf(h.run(`${S}.actions`, "delete_service", { name: "back" }))).message).toBe(
      'Not found: "back" (services in namespace "default") does not exist on the Kubernetes API server. The server said: services "back" not found.',
    );
    await h.writeSpec("svc.json", JSON.stringify(service("extra")));
    await h.run(`${S}.actions`, "create_service_endpoint", { spec_path: "svc.json" });
    expect(get("Service", "extra")?.metadata.annotations).toEqual({ "chaos-action/run": "run-test" });
  });
});

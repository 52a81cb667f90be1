// chaosk8s.probes and chaosk8s.actions: the deprecated shims and the names those modules import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentManifest, errorOf, fastTiming, type Harness, startHarness } from "./harness.ts";

describe("deprecated chaosk8s.probes / chaosk8s.actions", () => {
  let h: Harness;
  beforeAll(async () => {
    const labelled = deploymentManifest("shop", 2);
    labelled.spec.template.metadata.labels = { app: "shop", name: "shop" } as { app: string };
    (labelled.spec.selector.matchLabels as Record<string, string>).name = "shop";
    h = await startHarness({
      // Pods the garbage collector deletes stay Terminating long enough for kill_microservice's own
      // delete_pods to find one, however slow the machine is between its three requests.
      timing: { ...fastTiming, deleteGraceMs: 5_000 },
      manifests: [
        labelled,
        deploymentManifest("cart", 1),
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "shop", namespace: "default", labels: { name: "shop" } },
          spec: { selector: { app: "shop" }, ports: [{ port: 80 }] },
        },
      ],
    });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });

  it("microservice_available_and_healthy returns true when healthy (upstream returns None)", async () => {
    expect(await h.run("chaosk8s.probes", "microservice_available_and_healthy", { name: "shop" })).toBe(true);
    expect(
      (await errorOf(h.run("chaosk8s.probes", "microservice_available_and_healthy", { name: "gone" })))
        .message,
    ).toBe('Deployment "default/gone" was not found');
  });

  it("the other probe shims and the imported names answer like their targets", async () => {
    const P = "chaosk8s.probes";
    expect(await h.run(P, "all_microservices_healthy", {})).toBe(true);
    expect(await h.run(P, "all_pods_healthy", {})).toBe(true);
    expect(await h.run(P, "microservice_is_not_available", { name: "nothing" })).toBe(true);
    expect((await errorOf(h.run(P, "microservice_is_not_available", { name: "shop" }))).message).toMatch(
      /is running/,
    );
    expect(await h.run(P, "service_endpoint_is_initialized", { name: "shop" })).toBe(true);
    expect(await h.run(P, "deployment_is_fully_available", { name: "shop", timeout: 5 })).toBe(true);
    expect(
      (await errorOf(h.run(P, "deployment_is_not_fully_available", { name: "shop", timeout: 1 }))).message,
    ).toMatch(/stayed fully available/);
    expect(await h.run(P, "deployment_available_and_healthy", { name: "cart" })).toBe(true);
    expect(await h.run(P, "secret_exists", { name: "none" })).toBe(false);
    expect(await h.run(P, "service_is_initialized", { name: "shop" })).toBe(true);
    expect(
      Object.keys(
        (await h.run(P, "read_microservices_logs", { name: "shop", container_name: "main" })) as object,
      ),
    ).toHaveLength(2);
    expect(await h.run(P, "pod_is_not_available", { name: "nothing" })).toBe(true);
  });

  it("scale_microservice and start_microservice, with their undo", async () => {
    const A = "chaosk8s.actions";
    await h.run(A, "scale_microservice", { name: "cart", replicas: 2 });
    expect(h.undo.steps.at(-1)).toMatchObject({ kind: "k8s.scale", data: { replicas: 1 } });
    await h.writeSpec("d.json", JSON.stringify(deploymentManifest("started", 1)));
    await h.run(A, "start_microservice", { spec_path: "d.json" });
    expect(h.sim.get("Deployment", "default", "started")).toBeDefined();
    await h.run(A, "scale_deployment", { name: "started", replicas: 0 });
    await h.run(A, "delete_pods", { name: "cart" });
  });

  it("kill_microservice deletes the Deployment and one pod; remove_service_endpoint deletes the Service", async () => {
    const A = "chaosk8s.actions";
    expect(await h.run(A, "kill_microservice", { name: "shop" })).toBeNull();
    expect(h.sim.get("Deployment", "default", "shop")).toBeUndefined();
    const actions = h.touches.map((t) => t.action);
    expect(actions).toContain("chaosk8s.deployment.actions.delete_deployment");
    expect(actions.at(-1)).toBe("chaosk8s.pod.actions.delete_pods");
    expect(h.touches.at(-1)?.objects).toHaveLength(1);
    await h.run(A, "remove_service_endpoint", { name: "shop" });
    expect(h.sim.get("Service", "default", "shop")).toBeUndefined();
    expect((await errorOf(h.run(A, "delete_service", { name: "shop" }))).message).toMatch(
      /^Not found: "shop" \(services in namespace "default"\) does not exist/,
    );
    await h.run(A, "delete_deployment", { name: "cart" });
    expect(h.sim.get("Deployment", "default", "cart")).toBeUndefined();
    await h.run(A, "delete_replica_set", { label_selector: "app=cart" });
    expect((await errorOf(h.run(A, "create_deployment", { spec_path: "d.json" }))).message).toMatch(
      /^Cannot create deployments "[a-z]+" in API group "apps" in namespace "default": it already exists/,
    );
  });
});

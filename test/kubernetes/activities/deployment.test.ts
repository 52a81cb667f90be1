// chaosk8s.deployment: create/delete/scale/rollout with their undo, and the readiness probes (watch).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

const ACTIONS = "chaosk8s.deployment.actions";
const PROBES = "chaosk8s.deployment.probes";

interface Deployment {
  metadata: { annotations?: Record<string, string>; uid: string };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
}

describe("chaosk8s.deployment", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 2)] });
    await h.sim.settled();
  });
  afterEach(async () => {
    await h.close();
  });

  const deployment = (name: string) => h.sim.get("Deployment", "default", name) as Deployment | undefined;

  it("create_deployment reads YAML or JSON relative to the experiment, registers the delete first, annotates", async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: from-yaml}
spec:
  replicas: 1
  selector: {matchLabels: {app: y}}
  template:
    metadata: {labels: {app: y}}
    spec: {containers: [{name: c, image: nginx}]}
`;
    await h.writeSpec("dep.yaml", yaml);
    await h.writeSpec("dep.json", JSON.stringify(deploymentManifest("from-json", 1)));
    expect(await h.run(ACTIONS, "create_deployment", { spec_path: "dep.yaml" })).toBeNull();
    await h.run(ACTIONS, "create_deployment", { spec_path: "dep.json" });
    expect(deployment("from-yaml")?.metadata.annotations?.["chaos-action/run"]).toBe("run-test");
    expect(deployment("from-json")).toBeDefined();
    expect(h.undo.log).toEqual(["register:k8s.delete", "register:k8s.delete"]);
    expect(h.touches.map((t) => t.objects[0]?.name)).toEqual(["from-yaml", "from-json"]);
    for (const step of [...h.undo.steps].reverse()) await executeUndo(step, h.kc);
    expect(deployment("from-yaml")).toBeUndefined();
    expect(deployment("from-json")).toBeUndefined();
  });

  it("create_deployment of an existing name fails clearly and drops its undo", async () => {
    await h.writeSpec("web.json", JSON.stringify(deploymentManifest("web", 1)));
    const failure = await errorOf(h.run(ACTIONS, "create_deployment", { spec_path: "web.json" }));
    expect(failure.message).toBe(
      'Cannot create deployments "web" in API group "apps" in namespace "default": it already exists on the Kubernetes API server. The server said: deployments.apps "web" already exists.',
    );
    expect(h.undo.log).toEqual(["register:k8s.delete", "discard:k8s.delete"]);
    expect(h.undo.steps).toEqual([]);
    expect(deployment("web")).toBeDefined();
  });

  it("spec files: unknown extension, missing file", async () => {
    expect((await errorOf(h.run(ACTIONS, "create_deployment", { spec_path: "x.txt" }))).message).toMatch(
      /^cannot process x\.txt/,
    );
    expect(
      (await errorOf(h.run(ACTIONS, "create_deployment", { spec_path: "missing.yaml" }))).message,
    ).toMatch(/cannot read spec file .*missing\.yaml: no such file/);
  });

  it("delete_deployment refuses to delete everything; by name it deletes and the undo recreates", async () => {
    expect((await errorOf(h.run(ACTIONS, "delete_deployment", {}))).message).toMatch(
      /refusing to delete every Deployment of namespace "default": give a name or a label_selector/,
    );
    const uid = deployment("web")?.metadata.uid;
    await h.run(ACTIONS, "delete_deployment", { name: "web" });
    expect(deployment("web")).toBeUndefined();
    expect(h.touches.at(-1)?.objects).toEqual([
      { kind: "Deployment", namespace: "default", name: "web", uid },
    ]);
    const [step] = h.undo.steps;
    expect(step?.kind).toBe("k8s.recreate");
    await executeUndo(step!, h.kc);
    await executeUndo(step!, h.kc); // replayed twice: harmless
    expect(deployment("web")?.spec.replicas).toBe(2);
    await h.sim.settled();
    expect(await h.run(PROBES, "deployment_available_and_healthy", { name: "web" })).toBe(true);
  });

  it("delete_deployment by label selector", async () => {
    await h.run(ACTIONS, "delete_deployment", { label_selector: "app=web" });
    expect(deployment("web")).toBeUndefined();
    await h.run(ACTIONS, "delete_deployment", { label_selector: "app=nothing" });
    expect(h.undo.steps).toHaveLength(1);
  });

  it("scale_deployment registers the previous count before scaling; the undo restores it", async () => {
    await h.run(ACTIONS, "scale_deployment", { name: "web", replicas: 5 });
    expect(deployment("web")?.spec.replicas).toBe(5);
    expect(h.undo.steps[0]).toMatchObject({ kind: "k8s.scale", data: { replicas: 2 } });
    expect(h.touches.at(-1)).toMatchObject({ before: { replicas: 2 }, after: { replicas: 5 } });
    await executeUndo(h.undo.steps[0]!, h.kc);
    expect(deployment("web")?.spec.replicas).toBe(2);
    expect(deployment("web")?.metadata.annotations?.["chaos-action/run"]).toBeUndefined();
    const failure = await errorOf(h.run(ACTIONS, "scale_deployment", { name: "nope", replicas: 1 }));
    expect(failure.message).toBe(
      'Not found: "nope" (deployments in API group "apps" in namespace "default") does not exist on the Kubernetes API server. The server said: deployments.apps "nope" not found.',
    );
  });

  it("rollout_deployment sets restartedAt on the pod template", async () => {
    expect(await h.run(ACTIONS, "rollout_deployment", { name: "web" })).toBeNull();
    const restartedAt =
      deployment("web")?.spec.template.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"];
    expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(h.undo.steps).toEqual([]);
  });

  it("deployment_available_and_healthy and deployment_partially_available", async () => {
    expect(await h.run(PROBES, "deployment_available_and_healthy", { name: "web" })).toBe(true);
    expect(
      await h.run(PROBES, "deployment_partially_available", { name: "web", label_selector: "app=web" }),
    ).toBe(true);
    expect((await errorOf(h.run(PROBES, "deployment_available_and_healthy", { name: "nope" }))).message).toBe(
      'Deployment "default/nope" was not found',
    );
    expect(
      await h.run(PROBES, "deployment_available_and_healthy", { name: "nope", raise_on_unavailable: false }),
    ).toBe(false);
    await h.run(ACTIONS, "scale_deployment", { name: "web", replicas: 4 });
    expect(
      (await errorOf(h.run(PROBES, "deployment_available_and_healthy", { name: "web" }))).message,
    ).toMatch(/Deployment "default\/web" is not healthy: 2 of 4 replicas available/);
  });

  it("deployment_fully_available waits on a watch until the new replicas are ready", async () => {
    await h.run(ACTIONS, "scale_deployment", { name: "web", replicas: 3 });
    expect(await h.run(PROBES, "deployment_fully_available", { name: "web", timeout: 30 })).toBe(true);
    // It answered once the replicas were ready, not before.
    const status = (h.sim.get("Deployment", "default", "web") as { status: { readyReplicas?: number } })
      .status;
    expect(status.readyReplicas).toBe(3);
  });

  it("deployment_not_fully_available times out when nothing changes", async () => {
    const failure = await errorOf(
      h.run(PROBES, "deployment_not_fully_available", { name: "web", timeout: 2 }),
    );
    expect(failure.message).toBe('Deployment "default/web" stayed fully available for 2s');
    expect(
      await h.run(PROBES, "deployment_not_fully_available", {
        name: "web",
        timeout: 1,
        raise_on_fully_available: false,
      }),
    ).toBe(false);
    await h.run(ACTIONS, "scale_deployment", { name: "web", replicas: 3 });
    expect(await h.run(PROBES, "deployment_not_fully_available", { name: "web", timeout: 5 })).toBe(true);
  });
});

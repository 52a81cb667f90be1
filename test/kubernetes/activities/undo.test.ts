// Undo: every change registers its undo before it happens (seen from inside register()), and
// executeUndo replays each kind, harmlessly when replayed twice.
import { CoreV1Api } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import type { UndoStep } from "../../../src/providers/native.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

describe("undo registration comes before the change", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Records, at each register(), what `observe` sees in the cluster at that moment. */
  function observeAtRegistration(harness: Harness, observe: () => unknown): unknown[] {
    const seen: unknown[] = [];
    const register = harness.undo.register.bind(harness.undo);
    harness.undo.register = async (step) => {
      seen.push(observe());
      return register(step);
    };
    return seen;
  }

  it("scale, cordon, create, delete and update each register first", async () => {
    h = await startHarness({
      manifests: [
        deploymentManifest("web", 2),
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          metadata: { name: "agent", namespace: "default" },
          spec: {
            selector: { matchLabels: { app: "agent" } },
            template: {
              metadata: { labels: { app: "agent" } },
              spec: { containers: [{ name: "a", image: "a" }] },
            },
          },
        },
      ],
    });
    const harness = h;
    const deployment = (name: string) =>
      harness.sim.get("Deployment", "default", name) as { spec: { replicas: number } } | undefined;
    const node = () =>
      harness.sim.get("Node", undefined, "sim-node-1") as { spec: { unschedulable?: boolean } };
    const agentTemplate = () =>
      JSON.stringify(
        (harness.sim.get("DaemonSet", "default", "agent") as { spec: { template: unknown } }).spec.template,
      );
    const seen = observeAtRegistration(harness, () => ({
      web: deployment("web")?.spec.replicas,
      other: deployment("other") !== undefined,
      cordoned: node().spec.unschedulable === true,
      agent: agentTemplate(),
    }));
    const originalAgent = agentTemplate();
    await harness.run("chaosk8s.deployment.actions", "scale_deployment", { name: "web", replicas: 4 });
    await harness.run("chaosk8s.node.actions", "cordon_node", { name: "sim-node-1" });
    await harness.writeSpec("other.json", JSON.stringify(deploymentManifest("other", 1)));
    await harness.run("chaosk8s.deployment.actions", "create_deployment", { spec_path: "other.json" });
    await harness.run("chaosk8s.deployment.actions", "delete_deployment", { name: "other" });
    await harness.run("chaosk8s.daemonset.actions", "update_daemon_set", {
      name: "agent",
      spec: { spec: { template: { metadata: { annotations: { a: "b" } } } } },
    });
    expect(seen).toEqual([
      { web: 2, other: false, cordoned: false, agent: originalAgent },
      { web: 4, other: false, cordoned: false, agent: originalAgent },
      { web: 4, other: false, cordoned: true, agent: originalAgent },
      { web: 4, other: true, cordoned: true, agent: originalAgent },
      { web: 4, other: false, cordoned: true, agent: originalAgent },
    ]);
    expect(harness.undo.log).toEqual([
      "register:k8s.scale",
      "register:k8s.node-schedulable",
      "register:k8s.delete",
      "register:k8s.recreate",
      "register:k8s.restore",
    ]);
    // Replayed in reverse order, the undos leave the cluster as it was.
    for (const step of [...harness.undo.steps].reverse()) await executeUndo(step, harness.kc);
    expect(deployment("web")?.spec.replicas).toBe(2);
    expect(deployment("other")).toBeUndefined();
    expect(node().spec.unschedulable).toBe(false);
    expect(agentTemplate()).toBe(originalAgent);
  });
});

describe("executeUndo", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const step = (kind: string, data: Record<string, unknown>): UndoStep => ({
    id: "u1",
    kind,
    description: "test",
    data,
  });

  it("a delete of something already gone, and a recreate of something present, succeed", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 1)] });
    const ref = {
      group: "apps",
      version: "v1",
      plural: "deployments",
      kind: "Deployment",
      namespace: "default",
      name: "gone",
    };
    await executeUndo(step("k8s.delete", { ref }), h.kc);
    await executeUndo(
      step("k8s.recreate", { ref: { ...ref, name: "web" }, manifest: deploymentManifest("web", 1) }),
      h.kc,
    );
    await executeUndo(
      step("k8s.node-schedulable", { nodes: [{ name: "sim-node-2", unschedulable: true }] }),
      h.kc,
    );
    expect(
      (h.sim.get("Node", undefined, "sim-node-2") as { spec: { unschedulable?: boolean } }).spec
        .unschedulable,
    ).toBe(true);
  });

  it("a restore that meets a conflict (a controller wrote in between) reads again and retries", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 1)] });
    const harness = h;
    const ref = {
      group: "apps",
      version: "v1",
      plural: "deployments",
      kind: "Deployment",
      namespace: "default",
      name: "web",
    };
    const restore = step("k8s.restore", {
      ref,
      fields: { metadata: { labels: { app: "web", restored: "yes" }, annotations: null } },
    });
    const path = "/apis/apps/v1/namespaces/default/deployments/web";
    harness.sim.addFault({ method: "PUT", path, status: 409, times: 2 });
    await executeUndo(restore, harness.kc);
    const labels = () =>
      (harness.sim.get("Deployment", "default", "web") as { metadata: { labels: Record<string, string> } })
        .metadata.labels;
    expect(labels().restored).toBe("yes");
    const puts = harness.sim.requests.filter((r) => r.method === "PUT" && r.path === path);
    expect(puts.map((r) => r.status)).toEqual([409, 409, 200]);

    harness.sim.addFault({ method: "PUT", path, status: 409, times: 10 });
    expect((await errorOf(executeUndo(restore, harness.kc))).message).toMatch(
      /^Conflict on update deployments "web" in API group "apps" in namespace "default" at the Kubernetes API server\. The server said: /,
    );
  });

  it("a restore leaves a newer change alone: fields that no longer hold what we set, or another object", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 1)] });
    const harness = h;
    const ref = {
      group: "apps",
      version: "v1",
      plural: "deployments",
      kind: "Deployment",
      namespace: "default",
      name: "web",
    };
    const web = harness.sim.get("Deployment", "default", "web") as {
      metadata: { uid: string };
      spec: unknown;
    };
    const before = { metadata: { labels: { app: "web", restored: "yes" }, annotations: null } };
    // What we set is not what is there now (a deploy changed the spec since): left alone.
    const newer = step("k8s.restore", {
      ref,
      fields: before,
      set: { spec: { replicas: 7 } },
      uid: web.metadata.uid,
    });
    expect(await executeUndo(newer, harness.kc)).toEqual({
      conflict: expect.stringMatching(
        /^left alone: Deployment default\/web has a newer spec than the one we set; /,
      ),
    });
    // Another object under the same name: left alone.
    const other = step("k8s.restore", { ref, fields: before, set: { spec: web.spec }, uid: "another-uid" });
    expect((await executeUndo(other, harness.kc))?.conflict).toMatch(
      /is another object now \(its UID changed\)/,
    );
    const labels = () =>
      (harness.sim.get("Deployment", "default", "web") as { metadata: { labels: Record<string, string> } })
        .metadata.labels;
    expect(labels().restored).toBeUndefined();
    // Still as we set it: put back.
    const ours = step("k8s.restore", { ref, fields: before, set: { spec: web.spec }, uid: web.metadata.uid });
    expect(await executeUndo(ours, harness.kc)).toBeUndefined();
    expect(labels().restored).toBe("yes");
  });

  it("fails clearly on an unknown kind, a missing reference, or an API refusal", async () => {
    h = await startHarness({ manifests: [] });
    expect((await errorOf(executeUndo(step("k8s.teleport", {}), h.kc))).message).toBe(
      'undo step "test" has an unknown kind "k8s.teleport"',
    );
    expect((await errorOf(executeUndo(step("k8s.delete", {}), h.kc))).message).toBe(
      'undo step "test" has no object reference',
    );
    const ref = {
      group: "apps",
      version: "v1",
      plural: "deployments",
      kind: "Deployment",
      namespace: "default",
      name: "x",
    };
    expect((await errorOf(executeUndo(step("k8s.scale", { ref, replicas: 1 }), h.kc))).message).toBe(
      'Not found: "x" (deployments in API group "apps" in namespace "default") does not exist on the Kubernetes API server. The server said: deployments.apps "x" not found.',
    );
  });
});

describe("undo of a change whose outcome is unknown", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const deployments = "/apis/apps/v1/namespaces/default/deployments/web";

  it("keeps the undo after a 5xx, a 504 after apply or a reset; drops it after a refusal", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 2)] });
    const harness = h;
    const scale = (replicas: number) =>
      harness.run("chaosk8s.deployment.actions", "scale_deployment", { name: "web", replicas });
    const replicas = () =>
      (harness.sim.get("Deployment", "default", "web") as { spec: { replicas: number } }).spec.replicas;

    harness.sim.addFault({ method: "PATCH", path: deployments, status: 504, times: 1, afterApply: true });
    await errorOf(scale(5));
    expect(replicas()).toBe(5);
    harness.sim.addFault({ method: "PATCH", path: deployments, status: 503, times: 1 });
    await errorOf(scale(1));
    harness.sim.addFault({ method: "PATCH", path: deployments, status: 422, times: 1 });
    await errorOf(scale(0));
    expect(harness.undo.log).toEqual([
      "register:k8s.scale",
      "register:k8s.scale",
      "register:k8s.scale",
      "discard:k8s.scale",
    ]);
    // The two kept steps, replayed newest first, leave the deployment as it was.
    for (const step of [...harness.undo.steps].reverse()) await executeUndo(step, harness.kc);
    expect(replicas()).toBe(2);
  });
});

describe("executeUndo is idempotent and says what a retry can help", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const step = (kind: string, data: Record<string, unknown>): UndoStep => ({
    id: "u1",
    kind,
    description: "test",
    data,
  });
  const web = {
    group: "apps",
    version: "v1",
    plural: "deployments",
    kind: "Deployment",
    namespace: "default",
    name: "web",
  };

  it("replaying a scale, an uncordon, a delete and a restore twice (or for a change that never happened) succeeds", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 2)] });
    const steps = [
      step("k8s.scale", { ref: web, replicas: 2 }),
      step("k8s.node-schedulable", { nodes: [{ name: "sim-node-1", unschedulable: false }] }),
      step("k8s.delete", { ref: { ...web, name: "never-created" } }),
      step("k8s.restore", { ref: web, fields: { metadata: { labels: { app: "web" } } } }),
    ];
    for (const s of [...steps, ...steps]) await executeUndo(s, h.kc);
    const deployment = h.sim.get("Deployment", "default", "web") as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(2);
  });

  it("uncordons the nodes still as we set them, leaves one uncordoned since alone and names one gone", async () => {
    h = await startHarness({ nodes: 3 });
    const core = h.kc.makeApiClient(CoreV1Api);
    for (const name of ["sim-node-1", "sim-node-2"]) {
      await core.patchNode({ name, body: [{ op: "add", path: "/spec/unschedulable", value: true }] });
    }
    const cordon = step("k8s.node-schedulable", {
      nodes: ["sim-node-1", "sim-node-2", "sim-node-3", "sim-node-9"].map((name) => ({
        name,
        unschedulable: false,
      })),
      set: true,
    });
    expect(await executeUndo(cordon, h.kc)).toEqual({
      conflict: expect.stringMatching(
        /^left alone: node sim-node-9 no longer exists now, not as we set it; /,
      ),
    });
    const cordoned = (name: string) =>
      (h!.sim.get("Node", undefined, name) as { spec: { unschedulable?: boolean } }).spec.unschedulable ===
      true;
    expect(["sim-node-1", "sim-node-2", "sim-node-3"].map(cordoned)).toEqual([false, false, false]);
  });

  it("marks a 5xx retryable, and a refusal for good (404) or a broken step not", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 2)] });
    h.sim.addFault({ method: "PATCH", path: "/deployments/web", status: 503, times: 1 });
    const unavailable = await errorOf(executeUndo(step("k8s.scale", { ref: web, replicas: 2 }), h.kc));
    expect(unavailable).toMatchObject({ retryable: true });
    const gone = await errorOf(
      executeUndo(step("k8s.scale", { ref: { ...web, name: "gone" }, replicas: 2 }), h.kc),
    );
    expect(gone).toMatchObject({ retryable: false });
    expect(await errorOf(executeUndo(step("k8s.teleport", {}), h.kc))).toMatchObject({ retryable: false });
  });
});

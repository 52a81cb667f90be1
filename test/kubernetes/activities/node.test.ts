// chaosk8s.node: cordon/uncordon/drain with their undo, delete and create, and the node probes.
import { afterEach, describe, expect, it } from "vitest";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

const ACTIONS = "chaosk8s.node.actions";
const PROBES = "chaosk8s.node.probes";

interface Node {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { unschedulable?: boolean };
}
interface Pod {
  metadata: { name: string; namespace: string; uid: string };
  spec: { nodeName?: string };
}

const pinnedPod = (name: string, node: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: { nodeName: node, containers: [{ name: "c", image: "busybox" }] },
});

const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: {
      metadata: { labels: { app: "agent" } },
      spec: { containers: [{ name: "a", image: "agent" }] },
    },
  },
};

describe("chaosk8s.node", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const node = (name: string) => h?.sim.get("Node", undefined, name) as Node | undefined;
  const podsOn = (name: string) =>
    ((h?.sim.list("Pod", "default") ?? []) as Pod[])
      .filter((pod) => pod.spec.nodeName === name)
      .map((p) => p.metadata.name);

  it("cordon_node registers the previous state, cordons and annotates; the undo restores; uncordon likewise", async () => {
    h = await startHarness({ manifests: [] });
    expect(await h.run(ACTIONS, "cordon_node", { name: "sim-node-2" })).toEqual(["sim-node-2"]);
    expect(node("sim-node-2")?.spec.unschedulable).toBe(true);
    expect(node("sim-node-2")?.metadata.annotations?.["chaos-action/run"]).toBe("run-test");
    const [cordon] = h.undo.steps;
    expect(cordon).toMatchObject({
      kind: "k8s.node-schedulable",
      data: { nodes: [{ name: "sim-node-2", unschedulable: false }] },
    });
    expect(h.touches.at(-1)).toMatchObject({
      objects: [{ kind: "Node", name: "sim-node-2" }],
      after: [{ name: "sim-node-2", unschedulable: true }],
    });
    // uncordon in a rollback: its own undo puts back the state it found (cordoned); replayed in
    // reverse order, the two undos leave the node as before the experiment.
    expect(
      await h.run(ACTIONS, "uncordon_node", { label_selector: "kubernetes.io/hostname=sim-node-2" }),
    ).toEqual(["sim-node-2"]);
    expect(node("sim-node-2")?.spec.unschedulable).toBe(false);
    for (const step of [...h.undo.steps].reverse()) await executeUndo(step, h.kc);
    expect(node("sim-node-2")?.spec.unschedulable).toBe(false);
    expect(node("sim-node-2")?.metadata.annotations?.["chaos-action/run"]).toBeUndefined();
    expect((await errorOf(h.run(ACTIONS, "cordon_node", { name: "nope" }))).message).toBe(
      'no node matches name "nope"',
    );
  });

  it("drain_nodes cordons, evicts managed pods (not DaemonSet pods) and waits until they are gone", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 3), daemonSet] });
    await h.sim.settled();
    const before = (h.sim.list("Pod", "default") as Pod[]).filter((p) => p.spec.nodeName === "sim-node-1");
    const webBefore = before.filter((p) => p.metadata.name.startsWith("web-"));
    expect(webBefore.length).toBeGreaterThan(0);
    expect(await h.run(ACTIONS, "drain_nodes", { name: "sim-node-1", timeout: 60 })).toEqual(["sim-node-1"]);
    expect(node("sim-node-1")?.spec.unschedulable).toBe(true);
    const after = podsOn("sim-node-1");
    expect(after.filter((name) => name.startsWith("web-"))).toEqual([]);
    expect(after.filter((name) => name.startsWith("agent-"))).toHaveLength(1);
    expect(h.undo.log).toEqual(["register:k8s.node-schedulable"]);
    const evicted = h.touches.at(-1)?.objects ?? [];
    expect(evicted.map((o) => o.uid).sort()).toEqual(webBefore.map((p) => p.metadata.uid).sort());
    await executeUndo(h.undo.steps[0]!, h.kc);
    expect(node("sim-node-1")?.spec.unschedulable).toBe(false);
  });

  it("drain_nodes meeting an unmanaged pod fails clearly and uncordons the node again", async () => {
    h = await startHarness({ manifests: [pinnedPod("loner", "sim-node-2")] });
    await h.sim.settled();
    const failure = await errorOf(h.run(ACTIONS, "drain_nodes", { name: "sim-node-2" }));
    expect(failure.name).toBe("ActivityFailed");
    expect(failure.message).toMatch(
      /^pod default\/loner on node sim-node-2 is unmanaged; delete it first or exclude it; the nodes were uncordoned again$/,
    );
    expect(node("sim-node-2")?.spec.unschedulable).toBe(false);
    expect(h.undo.log).toEqual(["register:k8s.node-schedulable", "discard:k8s.node-schedulable"]);
    expect(podsOn("sim-node-2")).toEqual(["loner"]);
  });

  it("drain_nodes honours a PodDisruptionBudget: it retries, then fails at the timeout", async () => {
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web", namespace: "default" },
      spec: { minAvailable: 3, selector: { matchLabels: { app: "web" } } },
    };
    h = await startHarness({ nodes: 1, manifests: [deploymentManifest("web", 3), pdb] });
    await h.sim.settled();
    const failure = await errorOf(h.run(ACTIONS, "drain_nodes", { name: "sim-node-1", timeout: 3 }));
    expect(failure.message).toMatch(
      /^The Kubernetes API server answered 429 TooManyRequests to create pods\/eviction "web-[a-z0-9-]+" in namespace "default"\. The server said: Cannot evict pod as it would violate the pod's disruption budget\. Causes: The disruption budget web needs 3 healthy pods/,
    );
    expect(podsOn("sim-node-1")).toHaveLength(3);
    expect(h.undo.steps).toHaveLength(1);
  });

  it("delete_nodes: the first node by default, count at random, all of them with all=True", async () => {
    h = await startHarness({ nodes: 4, manifests: [] });
    expect(await h.run(ACTIONS, "delete_nodes", {})).toEqual(["sim-node-1"]);
    const two = (await h.run(ACTIONS, "delete_nodes", { count: 2 })) as string[];
    expect(new Set(two).size).toBe(2);
    expect(await h.run(ACTIONS, "delete_nodes", { all: true })).toHaveLength(1);
    expect(h.sim.list("Node")).toEqual([]);
    expect(h.undo.steps).toEqual([]);
    expect(h.touches.flatMap((t) => t.objects).map((o) => o.kind)).toEqual(["Node", "Node", "Node", "Node"]);
  });

  it("delete_nodes only among nodes hosting matching pods", async () => {
    const labelled = {
      ...pinnedPod("p", "sim-node-3"),
      metadata: { name: "p", namespace: "default", labels: { x: "y" } },
    };
    h = await startHarness({ nodes: 3, manifests: [labelled] });
    await h.sim.settled();
    expect(
      await h.run(ACTIONS, "delete_nodes", {
        rand: true,
        pod_label_selector: "x=y",
        pod_namespace: "default",
      }),
    ).toEqual(["sim-node-3"]);
  });

  it("create_node registers its delete; the node probes read conditions", async () => {
    h = await startHarness({ nodes: 2, manifests: [] });
    const created = (await h.run(ACTIONS, "create_node", {
      meta: { name: "extra", labels: { pool: "b" } },
    })) as {
      metadata: { name: string };
    };
    expect(created.metadata.name).toBe("extra");
    expect(h.undo.steps[0]).toMatchObject({
      kind: "k8s.delete",
      data: { ref: { plural: "nodes", name: "extra" } },
    });
    await executeUndo(h.undo.steps[0]!, h.kc);
    expect(node("extra")).toBeUndefined();

    await h.sim.settled();
    const list = (await h.run(PROBES, "get_nodes", {})) as {
      kind: string;
      items: Array<{ metadata: { name: string } }>;
    };
    expect(list.kind).toBe("NodeList");
    expect(list.items.map((n) => n.metadata.name)).toEqual(["sim-node-1", "sim-node-2"]);
    const conditions = (await h.run(PROBES, "get_all_node_status_conditions", {})) as Array<
      Record<string, string>
    >;
    expect(conditions[0]).toMatchObject({ name: "sim-node-1", Ready: "True" });
    expect(await h.run(PROBES, "all_nodes_must_be_ready_to_schedule", {})).toBe(true);
    expect(await h.run(PROBES, "verify_nodes_condition", {})).toBe(true);
    expect(
      await h.run(PROBES, "verify_nodes_condition", { condition_type: "Ready", condition_value: "False" }),
    ).toBe(false);
    expect(
      await h.run(PROBES, "nodes_must_be_healthy", { label_selector: "kubernetes.io/hostname=sim-node-1" }),
    ).toBe(true);
  });
});

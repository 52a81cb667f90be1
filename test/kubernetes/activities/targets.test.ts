// resolveTargets: what each action would touch, resolved dry with the actions' own selection code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import { resolveTargets } from "../../../src/kubernetes/targets.ts";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

describe("resolveTargets", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      nodes: 3,
      manifests: [
        deploymentManifest("web", 3),
        deploymentManifest("api", 2),
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        {
          ...deploymentManifest("cart", 1),
          metadata: { name: "cart", namespace: "shop", labels: { app: "cart" } },
        },
      ],
    });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });
  const resolve = (module: string, func: string, args: Record<string, unknown> = {}) =>
    resolveTargets(module, func, args, h.kc);
  const P = "chaosk8s.pod.actions";

  it("is null for probes and unknown functions", async () => {
    expect(await resolve("chaosk8s.pod.probes", "pods_in_phase", { label_selector: "app=web" })).toBeNull();
    expect(await resolve("chaosk8s.pod.actions", "nope")).toBeNull();
  });

  it("pod selections: first n, all candidates when random, percentage", async () => {
    const first = await resolve(P, "terminate_pods", { label_selector: "app=web", qty: 2 });
    expect(first?.objects).toHaveLength(2);
    expect(first).toMatchObject({ namespaces: ["default"], candidates: 3 });
    expect(first?.objects[0]).toMatchObject({ kind: "Pod", namespace: "default" });
    const random = await resolve(P, "terminate_pods", { label_selector: "app=web", rand: true });
    expect(random?.objects).toHaveLength(3);
    const everything = await resolve(P, "terminate_pods", { ns: "default", all: true });
    expect(everything?.candidates).toBe(5);
    expect(
      (await resolve(P, "exec_in_pods", { cmd: "ls", name_pattern: "^api", mode: "percentage", qty: 50 }))
        ?.objects,
    ).toHaveLength(1);
    expect((await resolve(P, "delete_pods", { name: "web" }))?.objects).toHaveLength(1);
    expect(
      (await resolve("chaosk8s.pod.actions", "terminate_pods", { ns: "shop", label_selector: "app=cart" }))
        ?.namespaces,
    ).toEqual(["shop"]);
  });

  it("deletions by name or selector, and the refusal of neither", async () => {
    expect(
      await resolve("chaosk8s.deployment.actions", "delete_deployment", {
        label_selector: "app in (web,api)",
      }),
    ).toMatchObject({
      candidates: 2,
      objects: [
        { kind: "Deployment", namespace: "default", name: "api" },
        { kind: "Deployment", namespace: "default", name: "web" },
      ],
    });
    expect((await errorOf(resolve("chaosk8s.replicaset.actions", "delete_replica_set", {}))).message).toMatch(
      /refusing/,
    );
    expect(
      (await resolve("chaosk8s.statefulset.actions", "remove_statefulset", { name: "none" }))?.objects,
    ).toEqual([]);
    expect(
      (await resolve("chaosk8s.daemonset.actions", "delete_daemon_set", { name: "none" }))?.candidates,
    ).toBe(0);
    const kill = await resolve("chaosk8s.actions", "kill_microservice", {
      name: "web",
      label_selector: "app in ({name})",
    });
    expect(kill?.objects.map((o) => o.kind)).toEqual(["Deployment", "Pod"]);
  });

  it("named objects, created objects and namespaces", async () => {
    expect(
      await resolve("chaosk8s.deployment.actions", "scale_deployment", {
        name: "web",
        replicas: 1,
        ns: "default",
      }),
    ).toEqual({
      namespaces: ["default"],
      objects: [{ kind: "Deployment", namespace: "default", name: "web" }],
      candidates: 1,
    });
    // A named object that does not exist is listed as missing, not as "1 of 1 matching".
    expect(
      await resolve("chaosk8s.deployment.actions", "scale_deployment", {
        name: "web",
        replicas: 1,
        ns: "shop",
      }),
    ).toEqual({
      namespaces: ["shop"],
      objects: [],
      candidates: 0,
      missing: [{ kind: "Deployment", namespace: "shop", name: "web" }],
    });
    expect((await resolve("chaosk8s.networking.actions", "deny_all_ingress", {}))?.objects).toEqual([
      { kind: "NetworkPolicy", namespace: "default", name: "chaostoolkit-deny-all-ingress" },
    ]);
    expect(
      (await resolve("chaosk8s.deployment.actions", "create_deployment", { spec_path: "d.yaml" }))?.objects[0]
        ?.name,
    ).toBe("(named in d.yaml)");
    expect(await resolve("chaosk8s.namespace.actions", "delete_namespace", { name: "shop" })).toMatchObject({
      namespaces: ["shop"],
      objects: [{ kind: "Namespace", name: "shop" }],
    });
    expect(
      (
        await resolve("chaosk8s.crd.actions", "apply_from_yaml", {
          resource: "kind: Foo\nmetadata: {name: f, namespace: x}",
        })
      )?.namespaces,
    ).toEqual(["x"]);
  });

  it("nodes: the first by default, every candidate when random, and what a drain would evict", async () => {
    expect((await resolve("chaosk8s.node.actions", "delete_nodes", {}))?.objects).toEqual([
      { kind: "Node", name: "sim-node-1" },
    ]);
    expect(await resolve("chaosk8s.node.actions", "delete_nodes", { rand: true })).toMatchObject({
      candidates: 3,
    });
    expect((await resolve("chaosk8s.node.actions", "delete_nodes", { rand: true }))?.objects).toHaveLength(3);
    expect((await resolve("chaosk8s.node.actions", "cordon_node", {}))?.objects).toHaveLength(3);
    const drain = await resolve("chaosk8s.node.actions", "drain_nodes", { name: "sim-node-1" });
    const pods = (
      h.sim.list("Pod") as Array<{
        metadata: { name: string; namespace: string };
        spec: { nodeName?: string };
      }>
    )
      .filter((pod) => pod.spec.nodeName === "sim-node-1")
      .map((pod) => ({ kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name }));
    expect(drain?.objects).toEqual(expect.arrayContaining([{ kind: "Node", name: "sim-node-1" }, ...pods]));
    expect(drain?.objects).toHaveLength(pods.length + 1);
    expect(drain?.candidates).toBe(pods.length + 1);
  });

  it("resolves every action of the catalog without changing the cluster", async () => {
    const before = h.sim.requests.length;
    const args: Record<string, unknown> = {
      name: "web",
      replicas: 1,
      spec_path: "x.yaml",
      spec: {},
      cmd: "ls",
      group: "g.example.com",
      version: "v1",
      plural: "things",
      resource: "{}",
      label_selector: "app=web",
    };
    for (const signature of chaosk8sSource.signatures.filter((s) => s.kind === "action")) {
      const own = Object.fromEntries(
        signature.params.filter((p) => p.name in args).map((p) => [p.name, args[p.name]]),
      );
      if (!signature.func.startsWith("apply_from_")) delete own.resource;
      if (signature.module === "chaosk8s.node.actions") {
        delete own.name;
        own.label_selector = "kubernetes.io/hostname";
      }
      const targets = await resolve(signature.module, signature.func, own);
      expect(targets, `${signature.module}.${signature.func}`).not.toBeNull();
    }
    const writes = h.sim.requests.slice(before).filter((request) => request.method !== "GET");
    expect(writes).toEqual([]);
  });
});

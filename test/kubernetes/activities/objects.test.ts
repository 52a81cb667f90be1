// chaosk8s.namespace, .secret, .networking, .crd and .event against the simulated cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeUndo } from "../../../src/kubernetes/undo.ts";
import { crdManifest } from "../../sim/sim-client.ts";
import { errorOf, type Harness, startHarness } from "./harness.ts";

const secret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "token", namespace: "default", labels: { team: "a" } },
  stringData: { key: "value" },
};
const ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "site", namespace: "default" },
  spec: { rules: [{ host: "a.example" }] },
};

describe("object modules", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      nodes: 1,
      manifests: [
        secret,
        ingress,
        crdManifest("chaos.example.com", "experiments", "Experiment"),
        crdManifest("chaos.example.com", "policies", "Policy"),
        crdManifest("infra.example.com", "zones", "Zone", { scope: "Cluster" }),
        crdManifest("chaos-mesh.org", "networkchaos", "NetworkChaos", { version: "v1alpha1" }),
      ],
    });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });
  const get = (kind: string, ns: string | undefined, name: string) =>
    h.sim.get(kind, ns, name) as Record<string, unknown> | undefined;

  it("namespace: create by name or spec file, exists, delete; the create's undo deletes", async () => {
    const N = "chaosk8s.namespace";
    expect(await h.run(`${N}.actions`, "create_namespace", { name: "chaos-a" })).toBeNull();
    expect(await h.run(`${N}.probes`, "namespace_exists", { name: "chaos-a" })).toBe(true);
    await h.writeSpec("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: chaos-b}\n");
    await h.run(`${N}.actions`, "create_namespace", { spec_path: "ns.yaml" });
    expect(get("Namespace", undefined, "chaos-b")).toBeDefined();
    expect((await errorOf(h.run(`${N}.actions`, "create_namespace", {}))).message).toBe(
      "create_namespace needs either a name or a spec_path",
    );
    const steps = h.undo.steps.length;
    await h.run(`${N}.actions`, "delete_namespace", { name: "chaos-b" });
    expect(h.undo.steps).toHaveLength(steps);
    await executeUndo(h.undo.steps.find((s) => JSON.stringify(s.data).includes("chaos-a"))!, h.kc);
    await h.sim.settled();
    expect(await h.run(`${N}.probes`, "namespace_exists", { name: "chaos-a" })).toBe(false);
    expect((await errorOf(h.run(`${N}.actions`, "delete_namespace", { name: "ghost" }))).message).toBe(
      'Not found: "ghost" (namespaces) does not exist on the Kubernetes API server. The server said: namespaces "ghost" not found.',
    );
  });

  it("secret: exists by name and label, create with undo, delete without recreate", async () => {
    const S = "chaosk8s.secret";
    expect(await h.run(`${S}.probes`, "secret_exists", { name: "token" })).toBe(true);
    expect(await h.run(`${S}.probes`, "secret_exists", { name: "token", label_selector: "team=b" })).toBe(
      false,
    );
    expect(await h.run(`${S}.probes`, "secret_exists", { label_selector: "team=a" })).toBe(true);
    await h.writeSpec("secret.json", JSON.stringify({ ...secret, metadata: { name: "other" } }));
    await h.run(`${S}.actions`, "create_secret", { spec_path: "secret.json" });
    expect(h.undo.steps.at(-1)?.kind).toBe("k8s.delete");
    const steps = h.undo.steps.length;
    await h.run(`${S}.actions`, "delete_secret", { name: "token" });
    expect(h.undo.steps).toHaveLength(steps);
    expect(JSON.stringify(h.undo.steps)).not.toContain("value");
    expect(get("Secret", "default", "token")).toBeUndefined();
    expect((await errorOf(h.run(`${S}.actions`, "delete_secret", { name: "token" }))).message).toBe(
      'Secret "default/token" was not found',
    );
  });

  it("networking: deny_all_ingress creates the policy (undo deletes), remove recreates, replayed in reverse", async () => {
    const A = "chaosk8s.networking.actions";
    await h.run(A, "deny_all_ingress", { label_selectors: { app: "web" } });
    const policy = get("NetworkPolicy", "default", "chaostoolkit-deny-all-ingress") as { spec: unknown };
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Ingress"],
      ingress: [],
    });
    await h.run(A, "remove_deny_all_ingress", {});
    expect(get("NetworkPolicy", "default", "chaostoolkit-deny-all-ingress")).toBeUndefined();
    const [create, remove] = h.undo.steps.slice(-2);
    expect([create?.kind, remove?.kind]).toEqual(["k8s.delete", "k8s.recreate"]);
    await executeUndo(remove!, h.kc);
    expect(get("NetworkPolicy", "default", "chaostoolkit-deny-all-ingress")).toBeDefined();
    await executeUndo(create!, h.kc);
    expect(get("NetworkPolicy", "default", "chaostoolkit-deny-all-ingress")).toBeUndefined();

    await h.run(A, "deny_all_egress", {});
    await h.run(A, "allow_dns_access", {});
    const dns = get("NetworkPolicy", "default", "chaostoolkit-allow-dns") as { spec: { egress: unknown[] } };
    expect(dns.spec.egress).toHaveLength(1);
    await h.run(A, "remove_deny_all_egress", {});
    await h.run(A, "remove_allow_dns_access", {});
    await h.run(A, "create_network_policy", {
      spec: { metadata: { name: "custom" }, spec: { podSelector: {} } },
    });
    await h.run(A, "remove_network_policy", { name: "custom" });
    expect(h.sim.list("NetworkPolicy", "default")).toEqual([]);
    expect((await errorOf(h.run(A, "create_network_policy", {}))).message).toMatch(
      /needs either spec or spec_path/,
    );
  });

  it("networking: ingresses", async () => {
    const A = "chaosk8s.networking.actions";
    expect(await h.run("chaosk8s.networking.probes", "ingress_exists", { name: "site" })).toBe(true);
    await h.run(A, "update_ingress", { name: "site", spec: { spec: { rules: [{ host: "b.example" }] } } });
    expect((get("Ingress", "default", "site") as { spec: { rules: unknown } }).spec.rules).toEqual([
      { host: "b.example" },
    ]);
    const annotations = () =>
      (get("Ingress", "default", "site") as { metadata: { annotations?: object } }).metadata.annotations;
    expect(annotations()).toEqual({ "chaos-action/run": "run-test" });
    await executeUndo(h.undo.steps.at(-1)!, h.kc);
    expect((get("Ingress", "default", "site") as { spec: { rules: unknown } }).spec.rules).toEqual([
      { host: "a.example" },
    ]);
    expect(annotations() ?? {}).toEqual({});
    await h.run(A, "delete_ingress", { name: "site" });
    expect(await h.run("chaosk8s.networking.probes", "ingress_exists", { name: "site" })).toBe(false);
    await h.writeSpec("ing.json", JSON.stringify({ ...ingress, metadata: { name: "site2" } }));
    await h.run(A, "create_ingress", { spec_path: "ing.json" });
    expect(await h.run("chaosk8s.networking.probes", "ingress_exists", { name: "site2" })).toBe(true);
  });

  it("crd: create (409 answers the existing object), get, list, patch/replace with restore, delete", async () => {
    const A = "chaosk8s.crd.actions";
    const P = "chaosk8s.crd.probes";
    const gvp = { group: "chaos.example.com", version: "v1", plural: "experiments" };
    const resource = {
      apiVersion: "chaos.example.com/v1",
      kind: "Experiment",
      metadata: { name: "e1" },
      spec: { level: 1 },
    };
    const created = (await h.run(A, "create_custom_object", { ...gvp, resource })) as {
      metadata: { uid: string };
    };
    expect(created.metadata.uid).toBeDefined();
    expect(h.undo.steps.at(-1)?.kind).toBe("k8s.delete");
    const steps = h.undo.steps.length;
    const again = (await h.run(A, "create_custom_object", { ...gvp, resource })) as {
      metadata: { uid: string };
    };
    expect(again.metadata.uid).toBe(created.metadata.uid);
    expect(h.undo.steps).toHaveLength(steps);

    expect(await h.run(P, "get_custom_object", { ...gvp, name: "e1" })).toMatchObject({ spec: { level: 1 } });
    const list = (await h.run(P, "list_custom_objects", gvp)) as { items: unknown[] };
    expect(list.items).toHaveLength(1);

    await h.run(A, "patch_custom_object", {
      ...gvp,
      name: "e1",
      resource: [{ op: "replace", path: "/spec/level", value: 5 }],
    });
    expect(await h.run(P, "get_custom_object", { ...gvp, name: "e1" })).toMatchObject({ spec: { level: 5 } });
    await executeUndo(h.undo.steps.at(-1)!, h.kc);
    expect(await h.run(P, "get_custom_object", { ...gvp, name: "e1" })).toMatchObject({ spec: { level: 1 } });

    await h.writeSpec(
      "e1.yaml",
      "apiVersion: chaos.example.com/v1\nkind: Experiment\nmetadata: {name: e1}\nspec: {level: 9}\n",
    );
    await h.run(A, "replace_custom_object", { ...gvp, name: "e1", resource_as_yaml_file: "e1.yaml" });
    expect(await h.run(P, "get_custom_object", { ...gvp, name: "e1" })).toMatchObject({ spec: { level: 9 } });

    const deleted = (await h.run(A, "delete_custom_object", { ...gvp, name: "e1" })) as {
      metadata: { name: string };
    };
    expect(deleted.metadata.name).toBe("e1");
    expect(h.undo.steps.at(-1)?.kind).toBe("k8s.recreate");
    await executeUndo(h.undo.steps.at(-1)!, h.kc);
    expect(await h.run(P, "get_custom_object", { ...gvp, name: "e1" })).toMatchObject({ spec: { level: 9 } });
    expect((await errorOf(h.run(P, "get_custom_object", { ...gvp, name: "zz" }))).message).toBe(
      'Not found: "zz" (experiments in API group "chaos.example.com" in namespace "default") does not exist on the Kubernetes API server. The server said: experiments.chaos.example.com "zz" not found.',
    );
  });

  it("crd: cluster-scoped objects and apply_from_json/yaml", async () => {
    const A = "chaosk8s.crd.actions";
    const P = "chaosk8s.crd.probes";
    const gvp = { group: "infra.example.com", version: "v1", plural: "zones" };
    await h.run(A, "create_cluster_custom_object", {
      ...gvp,
      resource: { apiVersion: "infra.example.com/v1", kind: "Zone", metadata: { name: "z1" } },
    });
    expect(await h.run(P, "get_cluster_custom_object", { ...gvp, name: "z1" })).toMatchObject({
      metadata: { name: "z1" },
    });
    expect(((await h.run(P, "list_cluster_custom_objects", gvp)) as { items: unknown[] }).items).toHaveLength(
      1,
    );
    await h.run(A, "patch_cluster_custom_object", {
      ...gvp,
      name: "z1",
      resource: [{ op: "add", path: "/metadata/labels", value: { a: "b" } }],
    });
    await h.run(A, "replace_cluster_custom_object", {
      ...gvp,
      name: "z1",
      resource: {
        apiVersion: "infra.example.com/v1",
        kind: "Zone",
        metadata: { name: "z1" },
        spec: { x: 1 },
      },
    });
    await h.run(A, "delete_cluster_custom_object", { ...gvp, name: "z1" });
    expect(((await h.run(P, "list_cluster_custom_objects", gvp)) as { items: unknown[] }).items).toHaveLength(
      0,
    );

    const fromJson = (await h.run(A, "apply_from_json", {
      resource: JSON.stringify({
        apiVersion: "chaos.example.com/v1",
        kind: "Policy",
        metadata: { name: "p1" },
      }),
    })) as { metadata: { name: string } };
    expect(fromJson.metadata.name).toBe("p1");
    await h.run(A, "apply_from_yaml", {
      resource: "apiVersion: chaos.example.com/v1\nkind: Policy\nmetadata: {name: p2, namespace: default}\n",
    });
    const policies = (await h.run(P, "list_custom_objects", {
      group: "chaos.example.com",
      version: "v1",
      plural: "policies",
    })) as {
      items: unknown[];
    };
    expect(policies.items).toHaveLength(2);
    expect((await errorOf(h.run(A, "apply_from_json", { resource: "{}" }))).message).toBe(
      "missing apiVersion in resource",
    );
  });

  it("crd: apply_from_* creates where discovery serves the kind, whatever its plural and scope", async () => {
    const A = "chaosk8s.crd.actions";
    // A naive plural would be networkchaoses, which a real API server answers with 404.
    await h.run(A, "apply_from_yaml", {
      resource: "apiVersion: chaos-mesh.org/v1alpha1\nkind: NetworkChaos\nmetadata: {name: delay}\n",
    });
    expect(get("NetworkChaos", "default", "delay")).toBeDefined();
    await h.run(A, "apply_from_json", {
      resource: JSON.stringify({
        apiVersion: "infra.example.com/v1",
        kind: "Zone",
        metadata: { name: "z9" },
      }),
    });
    expect(get("Zone", undefined, "z9")).toBeDefined();
    expect(h.undo.steps.at(-1)?.data.ref).toMatchObject({ plural: "zones", name: "z9" });
    expect(h.undo.steps.at(-1)?.data.ref).not.toHaveProperty("namespace");
    const unknown = await errorOf(
      h.run(A, "apply_from_json", {
        resource: JSON.stringify({
          apiVersion: "nope.example.com/v1",
          kind: "Thing",
          metadata: { name: "t" },
        }),
      }),
    );
    expect(unknown.message).toBe(
      "the cluster serves no kind Thing in nope.example.com/v1; is its CustomResourceDefinition installed?",
    );
    const wrongKind = await errorOf(
      h.run(A, "apply_from_json", {
        resource: JSON.stringify({
          apiVersion: "infra.example.com/v1",
          kind: "Region",
          metadata: { name: "r" },
        }),
      }),
    );
    expect(wrongKind.message).toMatch(/^the cluster serves no kind Region in infra\.example\.com\/v1/);
  });

  it("event: get_events answers the events.k8s.io EventList", async () => {
    const events = (await h.run("chaosk8s.event.probes", "get_events", { limit: 5 })) as {
      kind?: string;
      items: unknown[];
    };
    expect(Array.isArray(events.items)).toBe(true);
    expect(events.items.length).toBeLessThanOrEqual(5);
  });
});

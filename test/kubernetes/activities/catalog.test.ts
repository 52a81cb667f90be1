// The chaosk8s catalog: every function of chaostoolkit-kubernetes 0.39 (chaosmesh aside) as plain
// data with upstream names and defaults, loadable (client-loading.test.ts: without the cluster client).
import { describe, expect, it } from "vitest";
import { chaosk8sFunctionOf, chaosk8sSource } from "../../../src/kubernetes/catalog.ts";

const UPSTREAM: Record<string, string> = {
  "chaosk8s.probes":
    "all_microservices_healthy microservice_available_and_healthy microservice_is_not_available service_endpoint_is_initialized deployment_is_not_fully_available deployment_is_fully_available read_microservices_logs secret_exists",
  "chaosk8s.actions": "start_microservice remove_service_endpoint scale_microservice kill_microservice",
  "chaosk8s.pod.actions": "terminate_pods exec_in_pods delete_pods",
  "chaosk8s.pod.probes":
    "read_pod_logs pods_in_phase pods_in_conditions pods_not_in_phase count_pods pod_is_not_available count_min_pods should_be_found_in_logs all_pods_healthy",
  "chaosk8s.deployment.actions": "create_deployment delete_deployment scale_deployment rollout_deployment",
  "chaosk8s.deployment.probes":
    "deployment_available_and_healthy deployment_partially_available deployment_not_fully_available deployment_fully_available",
  "chaosk8s.node.actions": "delete_nodes create_node cordon_node uncordon_node drain_nodes",
  "chaosk8s.node.probes":
    "get_nodes get_all_node_status_conditions all_nodes_must_be_ready_to_schedule verify_nodes_condition nodes_must_be_healthy",
  "chaosk8s.statefulset.actions": "create_statefulset scale_statefulset remove_statefulset",
  "chaosk8s.statefulset.probes": "statefulset_not_fully_available statefulset_fully_available",
  "chaosk8s.service.actions": "create_service_endpoint delete_service",
  "chaosk8s.service.probes": "service_is_initialized",
  "chaosk8s.replicaset.actions": "delete_replica_set",
  "chaosk8s.daemonset.actions": "create_daemon_set delete_daemon_set update_daemon_set",
  "chaosk8s.daemonset.probes":
    "daemon_set_available_and_healthy daemon_set_partially_available daemon_set_not_fully_available daemon_set_fully_available",
  "chaosk8s.namespace.actions": "create_namespace delete_namespace",
  "chaosk8s.namespace.probes": "namespace_exists",
  "chaosk8s.secret.actions": "create_secret delete_secret",
  "chaosk8s.secret.probes": "secret_exists",
  "chaosk8s.networking.actions":
    "create_ingress delete_ingress update_ingress create_network_policy remove_network_policy deny_all_ingress remove_deny_all_ingress deny_all_egress remove_deny_all_egress allow_dns_access remove_allow_dns_access",
  "chaosk8s.networking.probes": "ingress_exists",
  "chaosk8s.crd.actions":
    "apply_from_json apply_from_yaml create_custom_object delete_custom_object create_cluster_custom_object delete_cluster_custom_object patch_custom_object replace_custom_object patch_cluster_custom_object replace_cluster_custom_object",
  "chaosk8s.crd.probes":
    "get_custom_object list_custom_objects get_cluster_custom_object list_cluster_custom_objects",
  "chaosk8s.event.probes": "get_events",
};

/** Names a module imports from another, which therefore validate upstream too. */
const IMPORTED = [
  "chaosk8s.probes.all_pods_healthy",
  "chaosk8s.probes.pod_is_not_available",
  "chaosk8s.probes.read_pod_logs",
  "chaosk8s.probes.deployment_available_and_healthy",
  "chaosk8s.probes.deployment_fully_available",
  "chaosk8s.probes.deployment_not_fully_available",
  "chaosk8s.probes.service_is_initialized",
  "chaosk8s.actions.create_deployment",
  "chaosk8s.actions.delete_deployment",
  "chaosk8s.actions.scale_deployment",
  "chaosk8s.actions.delete_pods",
  "chaosk8s.actions.delete_replica_set",
  "chaosk8s.actions.delete_service",
];

const names = chaosk8sSource.signatures.map((s) => `${s.module}.${s.func}`);

describe("chaosk8s catalog", () => {
  it("has every upstream function and imported name, once, and nothing else", () => {
    const expected = [
      ...Object.entries(UPSTREAM).flatMap(([module, funcs]) =>
        funcs.split(" ").map((func) => `${module}.${func}`),
      ),
      ...IMPORTED,
    ];
    expect([...names].sort()).toEqual([...expected].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it("signatures are plain data with upstream arguments and defaults", () => {
    expect(JSON.parse(JSON.stringify(chaosk8sSource.signatures))).toEqual(chaosk8sSource.signatures);
    const terminate = chaosk8sSource.signatures.find((s) => s.func === "terminate_pods");
    expect(terminate?.params.map((p) => [p.name, p.default])).toEqual([
      ["label_selector", null],
      ["name_pattern", null],
      ["all", false],
      ["rand", false],
      ["mode", "fixed"],
      ["qty", 1],
      ["grace_period", -1],
      ["ns", "default"],
      ["order", "alphabetic"],
    ]);
    const podsInPhase = chaosk8sSource.signatures.find((s) => s.func === "pods_in_phase");
    expect(podsInPhase?.params[0]).toEqual({ name: "label_selector", type: "string", required: true });
    expect(terminate?.kind).toBe("action");
    expect(podsInPhase?.kind).toBe("probe");
  });

  it("every function but should_be_found_in_logs needs the cluster and declares its permissions", () => {
    for (const signature of chaosk8sSource.signatures) {
      if (signature.func === "should_be_found_in_logs") {
        expect(signature.needs).toBeUndefined();
        continue;
      }
      expect(signature.needs, signature.func).toBe("cluster");
      if (!signature.func.startsWith("apply_from_"))
        expect(signature.permissions?.length, signature.func).toBeGreaterThan(0);
    }
    const drain = chaosk8sSource.signatures.find((s) => s.func === "drain_nodes");
    expect(drain?.permissions).toContainEqual({
      verb: "create",
      group: "",
      resource: "pods",
      subresource: "eviction",
    });
    const custom = chaosk8sSource.signatures.find((s) => s.func === "create_custom_object");
    expect(custom?.permissions).toContainEqual({ verb: "create", group: "{group}", resource: "{plural}" });
  });

  it("loads an implementation for every signature", async () => {
    for (const signature of chaosk8sSource.signatures) {
      expect(typeof (await chaosk8sSource.load(signature.module, signature.func)), names.join()).toBe(
        "function",
      );
    }
    await expect(chaosk8sSource.load("chaosk8s.pod.actions", "nope")).rejects.toThrow(
      /not a chaosk8s function/,
    );
    // A renamed alias runs its source's implementation.
    expect(chaosk8sFunctionOf("chaosk8s.probes", "read_microservices_logs")?.run).toBe(
      chaosk8sFunctionOf("chaosk8s.pod.probes", "read_pod_logs")?.run,
    );
  });
});

// Which chaosk8s actions are faults, decided per function: a fault terminates, deletes, scales,
// drains, cordons or partitions, and must reach an object; creating the app's own objects or
// restoring is not a fault. Probes are never faults.
import { describe, expect, it } from "vitest";
import {
  lookingFor,
  noTargetReason,
  reachedCount,
} from "../../../src/kubernetes/activities/chaosk8s-function.ts";
import { chaosk8sFunctionOf, chaosk8sSource } from "../../../src/kubernetes/catalog.ts";

/** `module.func` → what the fault reaches, or null for an action that injects no fault. */
const DECISIONS: Record<string, string | null> = {
  "chaosk8s.pod.actions.terminate_pods": "pod",
  "chaosk8s.pod.actions.exec_in_pods": "pod",
  "chaosk8s.pod.actions.delete_pods": "pod",
  "chaosk8s.deployment.actions.create_deployment": null,
  "chaosk8s.deployment.actions.delete_deployment": "deployment",
  "chaosk8s.deployment.actions.scale_deployment": "deployment",
  "chaosk8s.deployment.actions.rollout_deployment": "deployment",
  "chaosk8s.node.actions.delete_nodes": "node",
  "chaosk8s.node.actions.create_node": null,
  "chaosk8s.node.actions.cordon_node": "node",
  "chaosk8s.node.actions.uncordon_node": null,
  "chaosk8s.node.actions.drain_nodes": "pod to evict",
  "chaosk8s.statefulset.actions.create_statefulset": null,
  "chaosk8s.statefulset.actions.scale_statefulset": "statefulset",
  "chaosk8s.statefulset.actions.remove_statefulset": "statefulset",
  "chaosk8s.service.actions.create_service_endpoint": null,
  "chaosk8s.service.actions.delete_service": "service",
  "chaosk8s.replicaset.actions.delete_replica_set": "replica set",
  "chaosk8s.daemonset.actions.create_daemon_set": null,
  "chaosk8s.daemonset.actions.delete_daemon_set": "daemon set",
  "chaosk8s.daemonset.actions.update_daemon_set": "daemon set",
  "chaosk8s.namespace.actions.create_namespace": null,
  "chaosk8s.namespace.actions.delete_namespace": "namespace",
  "chaosk8s.secret.actions.create_secret": null,
  "chaosk8s.secret.actions.delete_secret": "secret",
  "chaosk8s.networking.actions.create_ingress": null,
  "chaosk8s.networking.actions.delete_ingress": "ingress",
  "chaosk8s.networking.actions.update_ingress": "ingress",
  "chaosk8s.networking.actions.create_network_policy": "network policy",
  "chaosk8s.networking.actions.remove_network_policy": "network policy",
  "chaosk8s.networking.actions.deny_all_ingress": "network policy",
  "chaosk8s.networking.actions.deny_all_egress": "network policy",
  "chaosk8s.networking.actions.allow_dns_access": null,
  "chaosk8s.networking.actions.remove_deny_all_ingress": null,
  "chaosk8s.networking.actions.remove_deny_all_egress": null,
  "chaosk8s.networking.actions.remove_allow_dns_access": null,
  "chaosk8s.crd.actions.apply_from_json": null,
  "chaosk8s.crd.actions.apply_from_yaml": null,
  "chaosk8s.crd.actions.create_custom_object": null,
  "chaosk8s.crd.actions.delete_custom_object": "custom object",
  "chaosk8s.crd.actions.create_cluster_custom_object": null,
  "chaosk8s.crd.actions.delete_cluster_custom_object": "custom object",
  "chaosk8s.crd.actions.patch_custom_object": "custom object",
  "chaosk8s.crd.actions.replace_custom_object": "custom object",
  "chaosk8s.crd.actions.patch_cluster_custom_object": "custom object",
  "chaosk8s.crd.actions.replace_cluster_custom_object": "custom object",
  "chaosk8s.actions.start_microservice": null,
  "chaosk8s.actions.remove_service_endpoint": "service",
  "chaosk8s.actions.scale_microservice": "deployment",
  "chaosk8s.actions.kill_microservice": "deployment, replica set or pod",
  "chaosk8s.actions.create_deployment": null,
  "chaosk8s.actions.delete_deployment": "deployment",
  "chaosk8s.actions.scale_deployment": "deployment",
  "chaosk8s.actions.delete_pods": "pod",
  "chaosk8s.actions.delete_replica_set": "replica set",
  "chaosk8s.actions.delete_service": "service",
};

describe("the catalog's faults", () => {
  it("every action declares whether it is a fault, as decided here; no probe is one", () => {
    const decided: Record<string, string | null> = {};
    for (const signature of chaosk8sSource.signatures) {
      const record = chaosk8sFunctionOf(signature.module, signature.func)!;
      if (signature.kind === "probe") {
        expect(record.fault, `${signature.module}.${signature.func}`).toBeUndefined();
        continue;
      }
      expect(record.fault, `${signature.module}.${signature.func}`).not.toBeUndefined();
      expect(record.targets, `${signature.module}.${signature.func}`).toBeDefined();
      decided[`${signature.module}.${signature.func}`] = record.fault?.reaches ?? null;
    }
    expect(decided).toEqual(DECISIONS);
  });

  it("says what a fault looked for when it reached nothing", () => {
    const fault = chaosk8sFunctionOf("chaosk8s.pod.actions", "terminate_pods")!.fault!;
    expect(
      noTargetReason(
        "chaosk8s.pod.actions.terminate_pods",
        fault,
        { label_selector: "app=nope", ns: "default" },
        "reached",
      ),
    ).toBe('terminate_pods reached no pod: label_selector "app=nope" in namespace "default" matched nothing');
    expect(lookingFor({ name: "web", label_selector: "", ns: "shop" })).toBe(
      'name "web" in namespace "shop"',
    );
    expect(lookingFor({ label_selectors: { app: "web" } })).toBe('label_selectors {"app":"web"}');
    expect(lookingFor({})).toBe("the selection");
  });

  it("a drain reaches the pods it evicts, not the nodes it cordons", () => {
    const drain = chaosk8sFunctionOf("chaosk8s.node.actions", "drain_nodes")!.fault!;
    expect(reachedCount(drain, [{ kind: "Node", name: "n1" }])).toBe(0);
    expect(
      reachedCount(drain, [
        { kind: "Node", name: "n1" },
        { kind: "Pod", namespace: "a", name: "p" },
      ]),
    ).toBe(1);
  });
});

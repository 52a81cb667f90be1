// chaosk8s.probes and chaosk8s.actions: the deprecated shims, calling the functions they moved to.
// Two deliberate differences: microservice_available_and_healthy returns true when healthy, and
// the `name in ({name})` template these shims pass on is filled with the name (upstream passes it
// literally, which a real API server rejects as an invalid label selector).
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { chaosk8sSource } from "../catalog.ts";
import { type Args, optString } from "./arguments.ts";
import { formatNameTemplate } from "./selection.ts";

async function call(module: string, func: string, args: Args, ctx: NativeContext): Promise<unknown> {
  const implementation = await chaosk8sSource.load(module, func);
  return implementation(args, ctx);
}

/** The shim's `label_selector` with its `{name}` template filled. */
function filledSelector(args: Args): string | undefined {
  const selector = optString(args, "label_selector");
  return selector === undefined ? undefined : formatNameTemplate(selector, optString(args, "name"));
}

const pick = (args: Args, ...names: string[]): Args =>
  Object.fromEntries(names.filter((name) => args[name] !== undefined).map((name) => [name, args[name]]));

export const implementations: Record<string, NativeImplementation> = {
  all_microservices_healthy: (args, ctx) =>
    call("chaosk8s.pod.probes", "all_pods_healthy", pick(args, "ns"), ctx),
  microservice_available_and_healthy: async (args, ctx) => {
    await call(
      "chaosk8s.deployment.probes",
      "deployment_available_and_healthy",
      pick(args, "name", "ns", "label_selector"),
      ctx,
    );
    return true;
  },
  microservice_is_not_available: (args, ctx) =>
    call("chaosk8s.pod.probes", "pod_is_not_available", pick(args, "name", "ns", "label_selector"), ctx),
  service_endpoint_is_initialized: (args, ctx) =>
    call(
      "chaosk8s.service.probes",
      "service_is_initialized",
      { ...pick(args, "name", "ns"), label_selector: filledSelector(args) },
      ctx,
    ),
  deployment_is_not_fully_available: (args, ctx) =>
    call(
      "chaosk8s.deployment.probes",
      "deployment_not_fully_available",
      pick(args, "name", "ns", "label_selector", "timeout"),
      ctx,
    ),
  deployment_is_fully_available: (args, ctx) =>
    call(
      "chaosk8s.deployment.probes",
      "deployment_fully_available",
      pick(args, "name", "ns", "label_selector", "timeout"),
      ctx,
    ),
  start_microservice: (args, ctx) =>
    call("chaosk8s.deployment.actions", "create_deployment", pick(args, "spec_path", "ns"), ctx),
  remove_service_endpoint: (args, ctx) =>
    call("chaosk8s.service.actions", "delete_service", pick(args, "name", "ns"), ctx),
  scale_microservice: (args, ctx) =>
    call("chaosk8s.deployment.actions", "scale_deployment", pick(args, "name", "replicas", "ns"), ctx),
  kill_microservice: async (args, ctx) => {
    const target = { ...pick(args, "name", "ns"), label_selector: filledSelector(args) };
    await call("chaosk8s.deployment.actions", "delete_deployment", target, ctx);
    await call("chaosk8s.replicaset.actions", "delete_replica_set", target, ctx);
    await call("chaosk8s.pod.actions", "delete_pods", target, ctx);
    return null;
  },
};

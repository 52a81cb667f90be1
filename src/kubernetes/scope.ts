// Which chaosk8s activities an experiment runs, and which namespaces it names: the default of the
// blast-radius guard's allowed namespaces and the input of the RBAC preflight. Pure: expects an
// experiment whose `${var}`s are already resolved.
import type { ActivityDefinition, Experiment, Tolerance } from "../experiment/format.ts";
import type { NativeSignature } from "../providers/native.ts";

export interface KubernetesActivity {
  name: string;
  module: string;
  func: string;
  args: Record<string, unknown>;
}

/** Chaos Toolkit's own default for every chaosk8s `ns` parameter. */
export const DEFAULT_NAMESPACE = "default";

const isKubernetesModule = (module: string): boolean =>
  module === "chaosk8s" || module.startsWith("chaosk8s.");

/** Every activity the experiment defines (hypothesis, method, rollbacks, probe tolerances), refs left out. */
export function definedActivities(experiment: Experiment): ActivityDefinition[] {
  const found: ActivityDefinition[] = [];
  const visit = (activity: ActivityDefinition): void => {
    found.push(activity);
    const tolerance: Tolerance | undefined = activity.tolerance;
    if (
      tolerance &&
      typeof tolerance === "object" &&
      !Array.isArray(tolerance) &&
      tolerance.type === "probe"
    ) {
      visit(tolerance);
    }
  };
  const activities = [
    ...(experiment["steady-state-hypothesis"]?.probes ?? []),
    ...experiment.method,
    ...(experiment.rollbacks ?? []),
  ];
  for (const activity of activities) {
    if (!("ref" in activity)) visit(activity);
  }
  return found;
}

/** Every chaosk8s activity defined in the experiment (hypothesis, method, rollbacks, probe tolerances). */
export function kubernetesActivities(experiment: Experiment): KubernetesActivity[] {
  return definedActivities(experiment).flatMap((activity) => {
    const provider = activity.provider;
    return provider.type === "python" && isKubernetesModule(provider.module)
      ? [
          {
            name: activity.name,
            module: provider.module,
            func: provider.func,
            args: provider.arguments ?? {},
          },
        ]
      : [];
  });
}

/** The part of a signature scope and preflight read. */
export type SignatureShape = Pick<NativeSignature, "module" | "func" | "params">;

const findSignature = (signatures: readonly SignatureShape[], module: string, func: string) =>
  signatures.find((s) => s.module === module && s.func === func);

/**
 * The namespace an activity works in, as Chaos Toolkit would resolve it: its `ns` argument, else
 * "default" when the function has an `ns` parameter; undefined for cluster-scoped functions.
 */
export function activityNamespace(
  activity: Pick<KubernetesActivity, "module" | "func" | "args">,
  signatures: readonly SignatureShape[],
): string | undefined {
  const ns = activity.args.ns;
  if (typeof ns === "string" && ns !== "") return ns;
  const signature = findSignature(signatures, activity.module, activity.func);
  if (signature?.params.some((p) => p.name === "ns")) return DEFAULT_NAMESPACE;
  return undefined;
}

/**
 * The namespaces an experiment names: `ns`, `pod_namespace` and `namespace` arguments of its
 * chaosk8s activities ("default" where a function with an `ns` parameter leaves it out), and the
 * `name` of the namespaces that `chaosk8s.namespace.*` functions create, delete or probe.
 */
export function namespacesNamed(experiment: Experiment, signatures: readonly SignatureShape[]): string[] {
  const named = new Set<string>();
  for (const activity of kubernetesActivities(experiment)) {
    const ns = activityNamespace(activity, signatures);
    if (ns !== undefined) named.add(ns);
    for (const key of ["pod_namespace", "namespace"]) {
      const value = activity.args[key];
      if (typeof value === "string" && value !== "") named.add(value);
    }
    if (activity.module.startsWith("chaosk8s.namespace.")) {
      const name = activity.args.name;
      if (typeof name === "string" && name !== "") named.add(name);
    }
  }
  return [...named].sort();
}

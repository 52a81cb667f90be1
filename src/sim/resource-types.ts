/** The resources the simulated API server serves, and how they appear in discovery. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Subresources served besides the object itself, e.g. "status", "scale", "log". */
  subresources: string[];
  shortNames: string[];
  /** Built-in list items carry no kind/apiVersion; custom resource items do. */
  custom: boolean;
  /** False for virtual resources that are only created (access reviews). */
  stored: boolean;
}

export const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  subresources: string[] = [],
  shortNames: string[] = [],
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    subresources,
    shortNames,
    custom: false,
    stored: true,
  };
}

const builtins: ResourceType[] = [
  builtin("", "v1", "namespaces", "Namespace", false, ["status", "finalize"], ["ns"]),
  builtin(
    "",
    "v1",
    "pods",
    "Pod",
    true,
    ["status", "log", "exec", "eviction", "ephemeralcontainers", "binding"],
    ["po"],
  ),
  builtin("", "v1", "nodes", "Node", false, ["status"], ["no"]),
  builtin("", "v1", "services", "Service", true, ["status"], ["svc"]),
  builtin("", "v1", "endpoints", "Endpoints", true, [], ["ep"]),
  builtin("", "v1", "secrets", "Secret", true),
  builtin("", "v1", "configmaps", "ConfigMap", true, [], ["cm"]),
  builtin("", "v1", "serviceaccounts", "ServiceAccount", true, ["token"], ["sa"]),
  builtin("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["status"], ["pvc"]),
  builtin("", "v1", "events", "Event", true, [], ["ev"]),
  builtin("apps", "v1", "deployments", "Deployment", true, ["status", "scale"], ["deploy"]),
  builtin("apps", "v1", "replicasets", "ReplicaSet", true, ["status", "scale"], ["rs"]),
  builtin("apps", "v1", "statefulsets", "StatefulSet", true, ["status", "scale"], ["sts"]),
  builtin("apps", "v1", "daemonsets", "DaemonSet", true, ["status"], ["ds"]),
  builtin("apps", "v1", "controllerrevisions", "ControllerRevision", true),
  builtin("batch", "v1", "jobs", "Job", true, ["status"]),
  builtin("batch", "v1", "cronjobs", "CronJob", true, ["status"], ["cj"]),
  builtin("events.k8s.io", "v1", "events", "Event", true, [], ["ev"]),
  builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, [], ["netpol"]),
  builtin("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["status"], ["ing"]),
  builtin("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  builtin("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["status"], ["pdb"]),
  builtin("coordination.k8s.io", "v1", "leases", "Lease", true),
  builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
  builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
  builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
  builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
  builtin(
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    "CustomResourceDefinition",
    false,
    ["status"],
    ["crd"],
  ),
  {
    ...builtin("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
    stored: false,
  },
  {
    ...builtin("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false),
    stored: false,
  },
];

export function typeKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}

export function apiVersionOf(type: Pick<ResourceType, "group" | "version">): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function groupOfApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function kindOfPlural(plural: string): string {
  let singular = plural;
  if (plural.endsWith("ies")) singular = `${plural.slice(0, -3)}y`;
  else if (plural.endsWith("ses")) singular = plural.slice(0, -2);
  else if (plural.endsWith("s")) singular = plural.slice(0, -1);
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

export class ResourceRegistry {
  private readonly types: ResourceType[] = [...builtins];

  all(): readonly ResourceType[] {
    return this.types;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The type for an object's apiVersion and kind (the storage version for its group). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = groupOfApiVersion(apiVersion);
    return (
      this.types.find((t) => t.group === group && t.version === version && t.kind === kind) ??
      this.types.find((t) => t.group === group && t.kind === kind)
    );
  }

  /** Test-side lookup by kind name ("Pod", "pods", "deployment", "Lease"...), first match wins. */
  byLooseName(name: string): ResourceType | undefined {
    const lower = name.toLowerCase();
    return this.types.find(
      (t) =>
        t.kind.toLowerCase() === lower ||
        t.plural === lower ||
        t.singular === lower ||
        t.shortNames.includes(lower),
    );
  }

  groupVersions(): Array<{ group: string; versions: string[] }> {
    const groups = new Map<string, string[]>();
    for (const t of this.types) {
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    return [...groups].map(([group, versions]) => ({ group, versions }));
  }

  /** Registers the versions a CustomResourceDefinition declares. */
  defineFromCrd(crd: Record<string, unknown>): void {
    const spec = (crd.spec ?? {}) as Record<string, unknown>;
    const names = (spec.names ?? {}) as Record<string, unknown>;
    const group = String(spec.group ?? "");
    const plural = String(names.plural ?? "");
    const kind = String(names.kind ?? kindOfPlural(plural));
    const versions = Array.isArray(spec.versions) ? (spec.versions as Array<Record<string, unknown>>) : [];
    for (const v of versions) {
      const version = String(v.name ?? "v1");
      if (this.find(group, version, plural)) continue;
      this.types.push({
        group,
        version,
        plural,
        singular: String(names.singular ?? kind.toLowerCase()),
        kind,
        namespaced: spec.scope !== "Cluster",
        subresources: ["status"],
        shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
        custom: true,
        stored: true,
      });
    }
  }

  removeCrd(crd: Record<string, unknown>): void {
    const spec = (crd.spec ?? {}) as Record<string, unknown>;
    const names = (spec.names ?? {}) as Record<string, unknown>;
    for (let i = this.types.length - 1; i >= 0; i--) {
      const t = this.types[i]!;
      if (t.custom && t.group === spec.group && t.plural === names.plural) this.types.splice(i, 1);
    }
  }
}

import { allVerbs, apiVersionOf, type ResourceRegistry } from "../resource-types.ts";

export const serverVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.23.4",
  compiler: "gc",
  platform: "linux/amd64",
};

const subresourceVerbs: Record<string, string[]> = {
  status: ["get", "patch", "update"],
  scale: ["get", "patch", "update"],
  ephemeralcontainers: ["get", "patch", "update"],
  log: ["get"],
  exec: ["create", "get"],
  eviction: ["create"],
  binding: ["create"],
  token: ["create"],
  finalize: ["update"],
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupEntry(group: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry
      .groupVersions()
      .filter((g) => g.group !== "")
      .map((g) => groupEntry(g.group, g.versions)),
  };
}

export function apiGroup(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const found = registry.groupVersions().find((g) => g.group === group);
  return found ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group, found.versions) } : undefined;
}

export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const t of registry.all()) {
    if (t.group !== group || t.version !== version) continue;
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.stored ? allVerbs : ["create"],
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
      storageVersionHash: Buffer.from(`${t.group}/${t.plural}`).toString("base64").slice(0, 11),
    });
    for (const sub of t.subresources) {
      const kind =
        sub === "scale"
          ? "Scale"
          : sub === "eviction"
            ? "Eviction"
            : sub === "binding"
              ? "Binding"
              : sub === "exec"
                ? "PodExecOptions"
                : sub === "token"
                  ? "TokenRequest"
                  : t.kind;
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: "",
        namespaced: t.namespaced,
        ...(sub === "scale"
          ? { group: "autoscaling", version: "v1" }
          : sub === "eviction"
            ? { group: "policy", version: "v1" }
            : sub === "token"
              ? { group: "authentication.k8s.io", version: "v1" }
              : {}),
        kind,
        verbs: subresourceVerbs[sub] ?? ["get"],
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}

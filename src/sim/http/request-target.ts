import { ApiError } from "../api-errors.ts";
import type { ResourceRegistry, ResourceType } from "../resource-types.ts";

export type RequestTarget =
  | { kind: "version" }
  | { kind: "health" }
  | { kind: "api-versions" }
  | { kind: "api-groups" }
  | { kind: "api-group"; group: string }
  | { kind: "group-version"; group: string; version: string }
  | { kind: "resource"; type: ResourceType; namespace?: string; name?: string; subresource?: string };

export function notFoundPath(): ApiError {
  return new ApiError(404, "the server could not find the requested resource", "NotFound", {});
}

/** Maps a URL path onto what it addresses. */
export function parseTarget(path: string, registry: ResourceRegistry): RequestTarget {
  const segments = path
    .split("/")
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  if (path === "/version" || path === "/version/") return { kind: "version" };
  if (["healthz", "livez", "readyz"].includes(segments[0] ?? "")) return { kind: "health" };
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api") {
    if (segments.length === 1) return { kind: "api-versions" };
    group = "";
    version = segments[1]!;
    rest = segments.slice(2);
    if (version !== "v1") throw notFoundPath();
  } else if (segments[0] === "apis") {
    if (segments.length === 1) return { kind: "api-groups" };
    if (segments.length === 2) return { kind: "api-group", group: segments[1]! };
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    throw notFoundPath();
  }
  if (rest.length === 0) {
    if (!registry.all().some((t) => t.group === group && t.version === version)) throw notFoundPath();
    return { kind: "group-version", group, version };
  }
  const known = (plural: string) => registry.find(group, version, plural);
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const namespaceSub = known("namespaces")?.subresources.includes(rest[2]!) && rest.length === 3;
    if (!namespaceSub) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [plural, name, subresource, ...extra] = rest as [string, string?, string?, ...string[]];
  if (extra.length > 0) throw notFoundPath();
  // As on a real server, a custom resource exists only once its CustomResourceDefinition does.
  const type = known(plural);
  if (!type) throw notFoundPath();
  if (type.namespaced === false && namespace !== undefined) throw notFoundPath();
  if (subresource !== undefined && !type.subresources.includes(subresource)) throw notFoundPath();
  return { kind: "resource", type, namespace, name, subresource };
}

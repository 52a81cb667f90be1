// The RBAC preflight: before any activity runs, ask the API server (SelfSubjectAccessReview) whether
// every verb the experiment's Kubernetes activities need is allowed, and when not, say which ones and
// print the Role/ClusterRole rules that would grant them.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Experiment } from "../experiment/format.ts";
import { LOAD_MODULE } from "../experiment/format-names.ts";
import type { NativeSignature } from "../providers/native.ts";
import { clientNode } from "./cluster-client.ts";
import { explainClusterError } from "./cluster-errors.ts";
import { activityNamespace, definedActivities } from "./scope.ts";
import { inClusterService } from "./service-proxy.ts";

/** What a function needs, as its signature declares it. `{arg}` in group/resource is replaced by that argument. */
export interface PermissionSpec {
  verb: string;
  /** API group; "" for the core group. */
  group: string;
  /** Plural resource, e.g. "pods". */
  resource: string;
  subresource?: string;
}

/** A permission to check: a spec placed in a namespace (absent = cluster-wide / all namespaces). */
export interface PermissionNeed extends PermissionSpec {
  namespace?: string;
}

export type SignatureWithPermissions = Pick<NativeSignature, "module" | "func" | "params"> & {
  permissions?: readonly PermissionSpec[];
};

export interface ActivityCall {
  module: string;
  func: string;
  args: Record<string, unknown>;
}

/** Resources without a namespace: a need for them is always cluster-wide. */
const CLUSTER_SCOPED = new Set([
  "nodes",
  "namespaces",
  "persistentvolumes",
  "customresourcedefinitions",
  "clusterroles",
  "clusterrolebindings",
  "storageclasses",
  "priorityclasses",
  "selfsubjectaccessreviews",
]);

export class MissingPermissionsError extends Error {
  override name = "MissingPermissionsError";
  readonly missing: PermissionNeed[];
  constructor(missing: PermissionNeed[], user: string | undefined) {
    super(formatMissingPermissions(missing, user));
    this.missing = missing;
  }
}

function fillArgs(template: string, args: Record<string, unknown>): string | undefined {
  let complete = true;
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = args[name];
    if (typeof value === "string" && value !== "") return value;
    complete = false;
    return "";
  });
  return complete ? filled : undefined;
}

const needKey = (n: PermissionNeed): string =>
  [n.verb, n.group, n.resource, n.subresource ?? "", n.namespace ?? ""].join("\u0000");

/** The distinct permissions a list of activities needs, each in the namespace its `ns` argument names. */
export function permissionsFor(
  activities: readonly ActivityCall[],
  signatures: readonly SignatureWithPermissions[],
): PermissionNeed[] {
  const needs = new Map<string, PermissionNeed>();
  for (const activity of activities) {
    const signature = signatures.find((s) => s.module === activity.module && s.func === activity.func);
    if (!signature?.permissions) continue;
    const namespace = activityNamespace(activity, signatures);
    for (const spec of signature.permissions) {
      const group = fillArgs(spec.group, activity.args);
      const resource = fillArgs(spec.resource, activity.args);
      // An argument the template needs is missing: validation reports that, not the preflight.
      if (group === undefined || resource === undefined) continue;
      const need: PermissionNeed = {
        verb: spec.verb,
        group,
        resource,
        ...(spec.subresource ? { subresource: spec.subresource } : {}),
        ...(namespace !== undefined && !CLUSTER_SCOPED.has(resource) ? { namespace } : {}),
      };
      needs.set(needKey(need), need);
    }
  }
  return [...needs.values()];
}

/** What holding our Leases needs (lease.ts): take, renew and delete them, in each namespace they live in. */
export function leasePermissions(namespaces: readonly string[]): PermissionNeed[] {
  return namespaces.flatMap((namespace) =>
    ["get", "create", "update", "delete"].map((verb) => ({
      verb,
      group: "coordination.k8s.io",
      resource: "leases",
      namespace,
    })),
  );
}

const PROMETHEUS_MODULE = /^chaosprometheus(\.|$)/;

/** The RBAC verb of a request through a proxy subresource: its HTTP method's (as the authorizer maps it). */
function proxyVerb(method: unknown): string {
  const upper = typeof method === "string" ? method.toUpperCase() : "GET";
  const verbs: Record<string, string> = {
    GET: "get",
    HEAD: "get",
    OPTIONS: "get",
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: "delete",
  };
  return verbs[upper] ?? "get";
}

/** The namespace of an in-cluster Service address (`NAME.NS.svc[.cluster.local]`), if the URL is one. */
function serviceNamespaceOf(address: unknown): string | undefined {
  if (typeof address !== "string") return undefined;
  try {
    return inClusterService(new URL(address))?.namespace;
  } catch {
    return undefined;
  }
}

const proxyNeed = (verb: string, namespace: string): PermissionNeed => ({
  verb,
  group: "",
  resource: "services",
  subresource: "proxy",
  namespace,
});

/**
 * What reaching Services through the API server's service proxy needs (`get services/proxy` for a
 * GET): the load activity with a `service` target, and Prometheus queries whose
 * `prometheus_base_url` is an in-cluster Service address. Expects `${var}`s substituted.
 */
export function serviceProxyPermissions(experiment: Experiment): PermissionNeed[] {
  const needs = new Map<string, PermissionNeed>();
  const add = (need: PermissionNeed) => needs.set(needKey(need), need);
  const prometheusNamespace = serviceNamespaceOf(experiment.configuration?.prometheus_base_url);
  for (const activity of definedActivities(experiment)) {
    const provider = activity.provider;
    if (provider.type !== "python") continue;
    const args = provider.arguments ?? {};
    if (provider.module === LOAD_MODULE && typeof args.service === "string" && args.service !== "") {
      const namespace =
        typeof args.namespace === "string" && args.namespace !== "" ? args.namespace : "default";
      add(proxyNeed(proxyVerb(args.method), namespace));
    }
    if (PROMETHEUS_MODULE.test(provider.module) && prometheusNamespace !== undefined) {
      add(proxyNeed("get", prometheusNamespace));
    }
  }
  return [...needs.values()];
}

async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Asks the API server about each distinct need (at most `concurrency` at a time); returns the denied ones. */
export async function checkPermissions(
  kc: KubeConfig,
  needs: readonly PermissionNeed[],
  options: { concurrency?: number } = {},
): Promise<PermissionNeed[]> {
  const { AuthorizationV1Api } = await clientNode();
  const api = kc.makeApiClient(AuthorizationV1Api);
  const distinct = [...new Map(needs.map((n) => [needKey(n), n])).values()];
  const allowed = await mapBounded(distinct, options.concurrency ?? 8, async (need) => {
    try {
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: {
              verb: need.verb,
              group: need.group,
              resource: need.resource,
              ...(need.subresource ? { subresource: need.subresource } : {}),
              ...(need.namespace ? { namespace: need.namespace } : {}),
            },
          },
        },
      });
      return review.status?.allowed === true;
    } catch (err) {
      throw explainClusterError(err, {
        verb: "create",
        resource: "selfsubjectaccessreviews",
        group: "authorization.k8s.io",
      });
    }
  });
  return distinct.filter((_, i) => !allowed[i]);
}

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface RbacGrant {
  /** A Role in this namespace, or a ClusterRole when absent. */
  namespace?: string;
  rules: RbacRule[];
}

const fullResource = (n: PermissionSpec): string =>
  n.subresource ? `${n.resource}/${n.subresource}` : n.resource;

/** Groups missing permissions into one Role per namespace (ClusterRole for cluster-wide), one rule per group and resource. */
export function rbacGrants(missing: readonly PermissionNeed[]): RbacGrant[] {
  const byScope = new Map<string, Map<string, { group: string; resource: string; verbs: Set<string> }>>();
  for (const need of missing) {
    const scope = need.namespace ?? "";
    const rules = byScope.get(scope) ?? new Map();
    byScope.set(scope, rules);
    const key = `${need.group}\u0000${fullResource(need)}`;
    const rule = rules.get(key) ?? {
      group: need.group,
      resource: fullResource(need),
      verbs: new Set<string>(),
    };
    rule.verbs.add(need.verb);
    rules.set(key, rule);
  }
  const scopes = [...byScope.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  return scopes.map((scope) => {
    const rules = [...byScope.get(scope)!.values()]
      .sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource))
      .map((r) => ({ apiGroups: [r.group], resources: [r.resource], verbs: [...r.verbs].sort() }));
    return scope === "" ? { rules } : { namespace: scope, rules };
  });
}

const flow = (items: readonly string[]): string => `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;

function grantYaml(grant: RbacGrant): string {
  const lines = [
    "apiVersion: rbac.authorization.k8s.io/v1",
    `kind: ${grant.namespace ? "Role" : "ClusterRole"}`,
    "metadata:",
    "  name: chaos-action",
    ...(grant.namespace ? [`  namespace: ${JSON.stringify(grant.namespace)}`] : []),
    "rules:",
  ];
  for (const rule of grant.rules) {
    lines.push(`  - apiGroups: ${flow(rule.apiGroups)}`);
    lines.push(`    resources: ${flow(rule.resources)}`);
    lines.push(`    verbs: ${flow(rule.verbs)}`);
  }
  return lines.join("\n");
}

export function describeNeed(need: PermissionNeed): string {
  const group = need.group ? ` (API group ${need.group})` : "";
  const where = need.namespace ? ` in namespace "${need.namespace}"` : " cluster-wide";
  return `${need.verb} ${fullResource(need)}${group}${where}`;
}

/** The refusal: what is missing, and the RBAC rules (YAML) that would grant it. */
export function formatMissingPermissions(
  missing: readonly PermissionNeed[],
  user: string | undefined,
): string {
  const who = user ? `User "${user}"` : "The connected user";
  const count = `${missing.length} permission${missing.length === 1 ? "" : "s"}`;
  const lines = [`${who} lacks ${count} the experiment needs, so nothing was run:`];
  for (const need of missing) lines.push(`- ${describeNeed(need)}`);
  lines.push("");
  lines.push(
    "These rules would grant them (bind each Role with a RoleBinding and the ClusterRole with a ClusterRoleBinding to that user):",
  );
  lines.push("");
  lines.push(rbacGrants(missing).map(grantYaml).join("\n---\n"));
  return lines.join("\n");
}

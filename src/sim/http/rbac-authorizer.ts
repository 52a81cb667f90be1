// RBAC as the API server evaluates it, over the Roles, ClusterRoles and their bindings stored in the
// simulated cluster: a request is allowed when a binding whose subject is the user (by name, group or
// service account) refers to a role with a rule matching the verb, API group, resource (with its
// subresource) and name. The sim's own administrator (group system:masters) bypasses it, as in a real
// cluster; every authenticated user may review its own access (system:basic-user).
import type { KubeObject } from "../object-store.ts";
import type { RequestAttributes, UserInfo } from "./access-control.ts";

type Obj = Record<string, unknown>;

export interface RbacObjects {
  /** Stored objects of an rbac.authorization.k8s.io resource, in one namespace or all. */
  list(
    plural: "roles" | "rolebindings" | "clusterroles" | "clusterrolebindings",
    namespace?: string,
  ): KubeObject[];
}

const selfReviews = new Set(["selfsubjectaccessreviews", "selfsubjectreviews", "selfsubjectrulesreviews"]);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

function subjectMatches(subject: Obj, user: UserInfo, bindingNamespace: string | undefined): boolean {
  const name = String(subject.name ?? "");
  switch (subject.kind) {
    case "User":
      return name === user.username;
    case "Group":
      return user.groups.includes(name);
    case "ServiceAccount": {
      const namespace = String(subject.namespace ?? bindingNamespace ?? "");
      return user.username === `system:serviceaccount:${namespace}:${name}`;
    }
    default:
      return false;
  }
}

function ruleMatches(rule: Obj, attrs: RequestAttributes): boolean {
  const verbs = strings(rule.verbs);
  if (!verbs.includes("*") && !verbs.includes(attrs.verb)) return false;
  const groups = strings(rule.apiGroups);
  if (!groups.includes("*") && !groups.includes(attrs.group)) return false;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const resources = strings(rule.resources);
  if (!resources.includes("*") && !resources.includes(resource)) return false;
  const names = strings(rule.resourceNames);
  return names.length === 0 || (attrs.name !== undefined && names.includes(attrs.name));
}

export function rbacAllows(objects: RbacObjects, user: UserInfo, attrs: RequestAttributes): boolean {
  if (user.groups.includes("system:masters")) return true;
  if (
    user.groups.includes("system:authenticated") &&
    attrs.verb === "create" &&
    selfReviews.has(attrs.resource)
  )
    return true;
  const roleRules = (ref: Obj, bindingNamespace: string | undefined): Obj[] => {
    const name = String(ref.name ?? "");
    const role =
      ref.kind === "ClusterRole"
        ? objects.list("clusterroles").find((r) => r.metadata.name === name)
        : bindingNamespace === undefined
          ? undefined
          : objects.list("roles", bindingNamespace).find((r) => r.metadata.name === name);
    return Array.isArray(role?.rules) ? (role.rules as Obj[]) : [];
  };
  const bindings: Array<[KubeObject, string | undefined]> = [
    ...objects.list("clusterrolebindings").map((b): [KubeObject, undefined] => [b, undefined]),
    ...(attrs.namespace === undefined
      ? []
      : objects
          .list("rolebindings", attrs.namespace)
          .map((b): [KubeObject, string] => [b, attrs.namespace!])),
  ];
  return bindings.some(([binding, namespace]) => {
    const subjects = Array.isArray(binding.subjects) ? (binding.subjects as Obj[]) : [];
    if (!subjects.some((s) => subjectMatches(s, user, namespace))) return false;
    return roleRules((binding.roleRef ?? {}) as Obj, namespace).some((rule) => ruleMatches(rule, attrs));
  });
}

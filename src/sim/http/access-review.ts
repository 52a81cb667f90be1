import type { ResourceType } from "../resource-types.ts";
import type { RequestAttributes, UserInfo } from "./access-control.ts";

type Obj = Record<string, unknown>;

/** SelfSubjectAccessReview (answered by the same rules as the 403s) and SelfSubjectReview. */
export function accessReview(
  type: ResourceType,
  body: unknown,
  user: UserInfo,
  allows: (user: UserInfo, attrs: RequestAttributes) => boolean,
): Obj {
  const review = (body ?? {}) as Obj;
  if (type.plural === "selfsubjectreviews") {
    return {
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user.username, groups: user.groups } },
    };
  }
  const spec = (review.spec ?? {}) as Obj;
  const resourceAttributes = spec.resourceAttributes as Obj | undefined;
  let allowed = true;
  if (resourceAttributes) {
    allowed = allows(user, {
      verb: String(resourceAttributes.verb ?? ""),
      group: String(resourceAttributes.group ?? ""),
      resource: String(resourceAttributes.resource ?? ""),
      subresource: resourceAttributes.subresource ? String(resourceAttributes.subresource) : undefined,
      namespace: resourceAttributes.namespace ? String(resourceAttributes.namespace) : undefined,
      name: resourceAttributes.name ? String(resourceAttributes.name) : undefined,
    });
  }
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec,
    status: allowed
      ? {
          allowed: true,
          reason: user.groups.includes("system:masters")
            ? 'RBAC: allowed by ClusterRoleBinding "sim-admin"'
            : "RBAC: allowed by a binding of the user's roles",
        }
      : { allowed: false },
  };
}

// How activities fail: one typed error with a one-line message written for the user; a Kubernetes API
// error (ApiException, network errors) becomes one with the message cluster-errors.ts writes for it.
import { ActivityFailed } from "../../providers/activity-failed.ts";
import { type ClusterErrorContext, explainClusterError, isApiException } from "../cluster-errors.ts";

export { ActivityFailed };

/** What a request does, so a failure can name the verb, the resource and the object. */
export interface ApiCall {
  verb: string;
  /** Plural resource, with its group when not core (`deployments.apps`) and any subresource (`pods/eviction`). */
  resource: string;
  namespace?: string;
  name?: string;
}

export async function callApi<T>(call: ApiCall, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw explainApiError(error, call);
  }
}

/** `deployments.apps` → resource + group; `pods/eviction` → resource + subresource. */
function contextOf(call: ApiCall): ClusterErrorContext {
  const [resource = "", subresource] = call.resource.split("/");
  const [plural = "", ...group] = resource.split(".");
  return {
    verb: call.verb,
    resource: plural,
    ...(group.length > 0 ? { group: group.join(".") } : {}),
    ...(subresource ? { subresource } : {}),
    ...(call.namespace ? { namespace: call.namespace } : {}),
    ...(call.name ? { name: call.name } : {}),
  };
}

export function isNotFound(error: unknown): boolean {
  return isApiException(error) && error.code === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return isApiException(error) && error.code === 409;
}

/** A write based on a stale resourceVersion (409 Conflict), e.g. after a controller's status update. */
export function isConflict(error: unknown): boolean {
  return isApiException(error) && error.code === 409;
}

/** The one-line failure for an API error, explained by cluster-errors; the original stays reachable as `cause`. */
export function explainApiError(error: unknown, call: ApiCall): Error {
  if (error instanceof ActivityFailed) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  return new ActivityFailed(explainClusterError(error, contextOf(call)).message, { cause: error });
}

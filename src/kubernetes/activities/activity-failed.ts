// How activities fail: one typed error with a one-line message written for the user, and the
// translation of Kubernetes API errors (ApiException, network errors) into such messages.
import { ApiException } from "@kubernetes/client-node";

import { ActivityFailed } from "../../providers/activity-failed.ts";

export { ActivityFailed };

/** What a request does, so a failure can name the verb, the resource and the object. */
export interface ApiCall {
  verb: string;
  /** Plural resource, with its group when not core: `pods`, `deployments.apps`, `pods/eviction`. */
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

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

function statusOf(body: unknown): StatusBody {
  if (typeof body === "string") {
    try {
      return statusOf(JSON.parse(body));
    } catch {
      return body.trim() ? { message: body.trim() } : {};
    }
  }
  return body !== null && typeof body === "object" ? (body as StatusBody) : {};
}

function target(call: ApiCall): string {
  if (call.name) return `${call.resource} "${call.namespace ? `${call.namespace}/` : ""}${call.name}"`;
  return call.namespace ? `${call.resource} in namespace "${call.namespace}"` : call.resource;
}

function causesOf(status: StatusBody): string {
  const causes = (status.details?.causes ?? [])
    .map((cause) => [cause.field, cause.message].filter(Boolean).join(": "))
    .filter((text) => text.length > 0);
  return causes.length > 0 ? ` (${causes.join("; ")})` : "";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** A write based on a stale resourceVersion (409 Conflict), e.g. after a controller's status update. */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** The one-line failure for an API error; the original stays reachable as `cause`. */
export function explainApiError(error: unknown, call: ApiCall): Error {
  if (error instanceof ActivityFailed) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  return new ActivityFailed(explain(error, call), { cause: error });
}

function explain(error: unknown, call: ApiCall): string {
  if (error instanceof ApiException) {
    const status = statusOf(error.body);
    const said = status.message ? `: ${oneLine(status.message)}` : "";
    const [resource, subresource] = call.resource.split("/");
    const [plural, ...group] = (resource ?? "").split(".");
    switch (error.code) {
      case 401:
        return `the Kubernetes API server rejected our credentials (401 Unauthorized) while trying to ${call.verb} ${target(call)}${said}`;
      case 403:
        return (
          `forbidden: the cluster does not allow verb "${call.verb}" on resource "${plural}${subresource ? `/${subresource}` : ""}"` +
          ` (API group "${group.join(".")}")${call.namespace ? ` in namespace "${call.namespace}"` : ""}` +
          `; grant it with an RBAC rule${said}`
        );
      case 404:
        return call.name
          ? `${target(call)} was not found`
          : `${target(call)} could not be found (is the resource type installed in the cluster?)${said}`;
      case 409:
        return status.reason === "AlreadyExists"
          ? `${target(call)} already exists`
          : `conflict while trying to ${call.verb} ${target(call)}${said}`;
      case 422:
        return `the cluster rejected ${target(call)} as invalid${said}${causesOf(status)}`;
      case 429:
        return `the cluster refused to ${call.verb} ${target(call)}${said}${causesOf(status)}`;
      default:
        return `failed to ${call.verb} ${target(call)}: HTTP ${error.code}${status.reason ? ` ${status.reason}` : ""}${said}`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code !== undefined || message === "fetch failed") {
    const why = code ?? (typeof cause?.message === "string" ? cause.message : message);
    return `cannot reach the Kubernetes API server to ${call.verb} ${target(call)} (${why})`;
  }
  return `failed to ${call.verb} ${target(call)}: ${oneLine(message)}`;
}

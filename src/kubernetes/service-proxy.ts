// The API server's service proxy, /api/v1/namespaces/NS/services/[https:]NAME[:PORT]/proxy/PATH, forwards
// to a Ready endpoint of the Service: how a runner outside the cluster reaches a ClusterIP. The segment's
// colons stay as they are, as client-go's ProxyGet and `kubectl get --raw` send them (the API server
// decodes the path, so an encoded `%3A` reaches the same Service). Pure but for serviceProxyRequest:
// which addresses name a Service, and the URL the proxy gives them.
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { ActivityFailed } from "../providers/activity-failed.ts";

export interface ServiceAddress {
  namespace: string;
  name: string;
  /** A port number or name; absent, the Service's only port. */
  port?: string;
  /** The API server speaks TLS to the pod (`https:` before the name); plain HTTP otherwise. */
  https?: boolean;
}

export interface InClusterService extends ServiceAddress {
  /** The Service port, the scheme's default when the URL has none. */
  port: string;
  https: boolean;
}

// DNS labels (RFC 1123), as Service and namespace names are.
const SERVICE_HOST =
  /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\.?$/;

/** The Service a `SERVICE.NAMESPACE.svc[.cluster.local]` URL names; undefined for any other host. */
export function inClusterService(url: URL): InClusterService | undefined {
  const match = SERVICE_HOST.exec(url.hostname.toLowerCase());
  if (!match) return undefined;
  const https = url.protocol === "https:";
  return { name: match[1]!, namespace: match[2]!, port: url.port || (https ? "443" : "80"), https };
}

/** The proxy path of `path` (query allowed) on a Service, from the API server's root. */
export function serviceProxyPath(service: ServiceAddress, path: string): string {
  const segment = [service.https ? "https" : undefined, service.name, service.port || undefined]
    .filter((part): part is string => part !== undefined)
    .map(encodeURIComponent)
    .join(":");
  const rest = path.startsWith("/") ? path : `/${path}`;
  return `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/${segment}/proxy${rest}`;
}

/**
 * The same request addressed to the API server at `server` (which may carry a path prefix, as Rancher's
 * does). `target` is the path on the Service with its query, or a URL whose path and query are taken.
 */
export function serviceProxyUrl(server: string, service: ServiceAddress, target: string | URL): URL {
  const path = typeof target === "string" ? target : `${target.pathname}${target.search}`;
  const prefix = new URL(server).pathname.replace(/\/+$/, "");
  return new URL(`${prefix}${serviceProxyPath(service, path)}`, server);
}

/** A request to a Service through the API server `kc` connects to: its URL, and the TLS options and credentials it carries. */
export async function serviceProxyRequest(
  kc: KubeConfig,
  service: ServiceAddress,
  target: string | URL,
): Promise<{ url: URL; options: RequestOptions }> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new ActivityFailed("the Kubernetes connection names no API server");
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return { url: serviceProxyUrl(server, service, target), options };
}

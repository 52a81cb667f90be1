// A runner cannot reach a ClusterIP: an address such as `http://prometheus.monitoring.svc:9090` is
// reached through the API server's service proxy instead,
// `/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/...`, which forwards to the
// Service's Ready endpoints. Pure: which URLs qualify and what they become.

export interface InClusterService {
  namespace: string;
  name: string;
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

/** The same request addressed to the API server at `server` (which may carry a path prefix). */
export function serviceProxyUrl(server: string, service: InClusterService, target: URL): URL {
  const url = new URL(server);
  const prefix = url.pathname.replace(/\/+$/, "");
  const name = `${service.https ? "https:" : ""}${service.name}:${service.port}`;
  url.pathname = `${prefix}/api/v1/namespaces/${service.namespace}/services/${name}/proxy${target.pathname}`;
  url.search = target.search;
  return url;
}

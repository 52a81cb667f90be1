// One GET to the Prometheus HTTP API: straight to the server (its TLS settings, proxies from the
// environment, redirects followed as requests follows them), or, for an in-cluster address when the
// run has a Kubernetes connection, through the API server's service proxy with the cluster's
// credentials. Bounded in time and size; ends with the activity.
import { readFile } from "node:fs/promises";
import type { RequestOptions } from "node:https";
import { errorMessage } from "../common/error-message.ts";
import { type KubernetesService, kubernetesServiceOf } from "../kubernetes/activities/cluster-context.ts";
import { type InClusterService, inClusterService, serviceProxyRequest } from "../kubernetes/service-proxy.ts";
import { ActivityFailed } from "../providers/activity-failed.ts";
import type { NativeContext } from "../providers/native.ts";
import type { PrometheusEndpoint } from "./endpoint.ts";

// Not `import`: the ES module facade of node:http loads undici on first read (see providers/http.ts).
const http = process.getBuiltinModule("node:http");
const https = process.getBuiltinModule("node:https");

export interface PrometheusResponse {
  status: number;
  text: string;
}

/** The answers we read: a range query over a long window is large, but not this large. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

interface Connection {
  url: URL;
  options: RequestOptions;
  /** For messages: where the request went. */
  label: string;
}

async function throughCluster(
  cluster: KubernetesService,
  service: InClusterService,
  url: URL,
  endpoint: PrometheusEndpoint,
  ctx: NativeContext,
): Promise<Connection> {
  if (endpoint.authorization) {
    throw new ActivityFailed(
      `${url.host} is reached through the Kubernetes API server's service proxy, which carries the cluster's credentials, not Prometheus' own: leave prometheus_token/prometheus_username out of the secrets, or give prometheus_base_url an address the runner can reach`,
    );
  }
  const proxied = await serviceProxyRequest(await cluster.connect(ctx.secrets), service, url);
  return {
    ...proxied,
    label: `${url.origin} (through the Kubernetes API server's service proxy)`,
  };
}

async function direct(url: URL, endpoint: PrometheusEndpoint, verifyTls: boolean): Promise<Connection> {
  const options: RequestOptions = { rejectUnauthorized: verifyTls };
  if (endpoint.caFile) {
    try {
      options.ca = await readFile(endpoint.caFile);
    } catch (error) {
      throw new ActivityFailed(`cannot read prometheus_ca_file "${endpoint.caFile}": ${errorMessage(error)}`);
    }
  }
  if (PROXY_VARIABLES.some((name) => process.env[name])) {
    // Node's own agent reads HTTPS_PROXY / HTTP_PROXY and NO_PROXY, as requests does.
    const proxyEnv = Object.fromEntries(
      [...PROXY_VARIABLES, "NO_PROXY", "no_proxy"].flatMap((name) =>
        process.env[name] ? [[name, process.env[name]]] : [],
      ),
    );
    options.agent =
      url.protocol === "https:"
        ? new https.Agent({
            proxyEnv,
            rejectUnauthorized: verifyTls,
            ...(options.ca ? { ca: options.ca } : {}),
          })
        : new http.Agent({ proxyEnv });
  } else {
    options.agent = false;
  }
  if (endpoint.authorization) options.headers = { Authorization: endpoint.authorization };
  return { url, options, label: url.origin };
}

interface Raw extends PrometheusResponse {
  location: string | undefined;
}

function send(connection: Connection, signal: AbortSignal): Promise<Raw> {
  const { url, options } = connection;
  return new Promise((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(url, {
      ...options,
      method: "GET",
      headers: { ...(options.headers as Record<string, string>), Accept: "application/json" },
      signal,
    });
    request.on("error", (error) => {
      if (signal.aborted) reject(signal.reason);
      else reject(connectionFailed(error, connection));
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          request.destroy();
          reject(
            new ActivityFailed(
              `Prometheus at ${connection.label} answered more than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; narrow the query or its range`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", (error) =>
        reject(signal.aborted ? signal.reason : connectionFailed(error, connection)),
      );
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString("utf8"),
          location: response.headers.location,
        }),
      );
      // Cut off before its end (the signal, the server): a promise settled already ignores this.
      response.on("close", () => {
        if (!response.complete) {
          reject(
            signal.aborted
              ? signal.reason
              : new ActivityFailed(
                  `Prometheus at ${connection.label} closed the connection before its answer was complete`,
                ),
          );
        }
      });
    });
    request.end();
  });
}

function connectionFailed(error: Error, connection: Connection): ActivityFailed {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  let hint = "";
  if (/certificate|self.signed|SSL|TLS/i.test(`${code} ${error.message}`)) {
    hint =
      " (the server's TLS certificate was not trusted: give its CA as prometheus_ca_file in the configuration, or set verify_tls: false on the probe)";
  } else if (inClusterService(connection.url)) {
    hint =
      " (an in-cluster address: chaos-action reaches it through the Kubernetes API server only when the experiment has Kubernetes activities; otherwise give prometheus_base_url an address the runner can reach)";
  }
  const message = `failed to connect to Prometheus at ${connection.label}: ${error.message}${hint}`;
  return new ActivityFailed(message, { cause: error });
}

/**
 * GETs `url`. Waits at most `waitMs` for the whole answer; the activity's signal (its timeout, the
 * run's, an interruption) ends it sooner.
 */
export async function prometheusGet(
  url: URL,
  endpoint: PrometheusEndpoint,
  options: { verifyTls: boolean; waitMs: number; ctx: NativeContext },
): Promise<PrometheusResponse> {
  const { ctx, waitMs } = options;
  const service = inClusterService(url);
  const cluster = service && kubernetesServiceOf(ctx);
  // Credentials go with the request until a redirect leads to another host.
  let credentials = endpoint;
  let connection =
    service && cluster
      ? await throughCluster(cluster, service, url, endpoint, ctx)
      : await direct(url, endpoint, options.verifyTls);
  const deadline = AbortSignal.timeout(waitMs);
  const signal = AbortSignal.any([ctx.signal, deadline]);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await send(connection, signal);
      const redirected = [301, 302, 303, 307, 308].includes(response.status) && response.location;
      if (!redirected || cluster || redirects >= MAX_REDIRECTS) return response;
      const next = new URL(response.location!, connection.url);
      // As requests does: credentials are not sent on to another host.
      if (next.origin !== connection.url.origin) {
        const { authorization: _, ...withoutCredentials } = credentials;
        credentials = withoutCredentials;
      }
      connection = await direct(next, credentials, options.verifyTls);
    }
  } catch (error) {
    if (deadline.aborted && !ctx.signal.aborted) {
      throw new ActivityFailed(`Prometheus at ${connection.label} did not answer within ${waitMs / 1000}s`);
    }
    throw error;
  }
}

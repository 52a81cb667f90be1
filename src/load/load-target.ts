// Where the load goes: a URL, or a Service through the API server's service proxy
// (/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH), which spreads requests over the Service's
// Ready endpoints; a runner outside the cluster cannot reach a ClusterIP. The proxy is called with the
// run's Kubernetes connection and its credentials.
import http from "node:http";
import https from "node:https";
import { kubernetesServiceOf } from "../kubernetes/activities/cluster-context.ts";
import { serviceProxyRequest } from "../kubernetes/service-proxy.ts";
import { ActivityFailed } from "../providers/activity-failed.ts";
import type { NativeContext } from "../providers/native.ts";
import type { SendRequest } from "./open-loop.ts";

export interface LoadTargetArgs {
  url?: string;
  service?: string;
  namespace: string;
  port?: string;
  path: string;
  method: string;
  maxInFlight: number;
}

async function proxyTarget(args: LoadTargetArgs, ctx: NativeContext) {
  const service = kubernetesServiceOf(ctx);
  if (!service) {
    throw new ActivityFailed(
      `load to service '${args.service}' goes through the Kubernetes API server's service proxy, but the run has no cluster connection; give a 'url' instead`,
    );
  }
  return serviceProxyRequest(
    await service.connect(ctx.secrets),
    { namespace: args.namespace, name: args.service!, port: args.port },
    args.path,
  );
}

/** A sender over one keep-alive agent sized to the in-flight bound. */
export async function loadTarget(
  args: LoadTargetArgs,
  ctx: NativeContext,
): Promise<{ send: SendRequest; describe: string; close(): void }> {
  const { url, options } = args.service
    ? await proxyTarget(args, ctx)
    : { url: new URL(args.url!), options: {} as https.RequestOptions };
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ActivityFailed(`load url must be http or https, not ${url.protocol}`);
  }
  const secure = url.protocol === "https:";
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: args.maxInFlight })
    : new http.Agent({ keepAlive: true, maxSockets: args.maxInFlight });
  const request = secure ? https.request : http.request;
  const send: SendRequest = (signal) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { ...options, method: args.method, agent, signal }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  const describe = args.service
    ? `service ${args.namespace}/${args.service}${args.port ? `:${args.port}` : ""} through the API server`
    : `${url.origin}${url.pathname}`;
  return { send, describe, close: () => agent.destroy() };
}

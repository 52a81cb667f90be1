// The API server's service proxy: /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH
// reaches a Ready endpoint of the Service (round-robin over the Endpoints' ready addresses) and relays
// what that pod answers (pod-http.ts). No ready endpoint: 503, as a real API server answers.
import { ApiError, notFound } from "../api-errors.ts";
import type { ClusterState } from "../cluster-state.ts";
import type { KubeObject } from "../object-store.ts";
import { type PodHttpAnswer, podHttpAnswer } from "../pod-http.ts";

type Obj = Record<string, unknown>;

export interface ServiceProxyTarget {
  namespace: string;
  /** The path segment as written ("web", "web:80", "http:web:http"): RBAC sees this as the name. */
  segment: string;
  service: string;
  port: string;
  /** The path relayed to the pod, "/" at least. */
  path: string;
}

const PROXY_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

/** The proxy request a path addresses, or undefined when it is not a service proxy path. */
export function parseServiceProxy(pathname: string): ServiceProxyTarget | undefined {
  const match = PROXY_PATH.exec(pathname);
  if (!match) return undefined;
  const namespace = decodeURIComponent(match[1]!);
  const segment = decodeURIComponent(match[2]!);
  const parts = segment.split(":");
  // NAME, NAME:PORT, SCHEME:NAME:PORT (scheme http or https; the sim's pods speak plain HTTP either way).
  const [service, port] =
    parts.length === 3
      ? [parts[1]!, parts[2]!]
      : parts.length === 2
        ? [parts[0]!, parts[1]!]
        : [parts[0]!, ""];
  return { namespace, segment, service, port, path: match[3] ?? "/" };
}

const unavailable = (message: string) => new ApiError(503, message, "ServiceUnavailable");

const servicesRef = { group: "", kind: "Service", plural: "services" };

export interface ProxiedAnswer extends PodHttpAnswer {
  pod: string;
}

/** Picks Ready endpoints in turn, per Service. */
export class ServiceProxy {
  private readonly state: ClusterState;
  private readonly turns = new Map<string, number>();

  constructor(state: ClusterState) {
    this.state = state;
  }

  /** The pod that takes this request and what it answers; throws the API server's error otherwise. */
  route(target: ServiceProxyTarget): ProxiedAnswer {
    const { namespace, service, port } = target;
    const svc = this.state.get("", "services", namespace, service);
    if (!svc) throw notFound(servicesRef, service);
    const svcPorts = (svc.spec?.ports ?? []) as Obj[];
    const svcPort = port ? svcPorts.find((p) => p.name === port || String(p.port) === port) : svcPorts[0];
    if (!svcPort) throw unavailable(`no service port "${port}" found for service "${service}"`);
    const endpoints = this.state.get("", "endpoints", namespace, service);
    const ready = ((endpoints?.subsets ?? []) as Obj[]).flatMap((subset) => {
      const ports = (subset.ports ?? []) as Obj[];
      const served = ports.length <= 1 || ports.some((p) => p.name === svcPort.name);
      return served ? ((subset.addresses ?? []) as Obj[]) : [];
    });
    if (ready.length === 0) throw unavailable(`no endpoints available for service "${service}"`);
    const key = `${namespace}/${service}`;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    const address = ready[turn % ready.length]!;
    const ref = (address.targetRef ?? {}) as Obj;
    const pod: KubeObject | undefined =
      typeof ref.name === "string" ? this.state.get("", "pods", namespace, ref.name) : undefined;
    // The Endpoints lag a pod that just stopped, as on a real cluster: the dial fails.
    if (pod?.status?.phase !== "Running") {
      throw unavailable(
        `error trying to reach service: dial tcp ${String(address.ip)}: connect: connection refused`,
      );
    }
    return { ...podHttpAnswer(pod), pod: pod.metadata.name };
  }
}

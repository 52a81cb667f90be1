import { badRequest } from "../api-errors.ts";
import type { KubeObject } from "../object-store.ts";
import type { PodLogs } from "../pod-logs.ts";
import { podContainers } from "../pod-status.ts";
import { queryBool, queryNumber } from "./request-decoding.ts";

type Obj = Record<string, unknown>;

/** The container a log or exec request means: the named one, or the only one. */
export function containerOf(pod: KubeObject, requested: string | null): string {
  const names = podContainers(pod).map((c) => String(c.name));
  const ephemeral = ((pod.spec?.ephemeralContainers ?? []) as Obj[]).map((c) => String(c.name));
  if (requested) {
    if (!names.includes(requested) && !ephemeral.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    }
    return requested;
  }
  if (names.length !== 1) {
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`,
    );
  }
  return names[0]!;
}

/** `pods/log`: the errors a kubelet gives for waiting containers and missing previous instances. */
export function podLog(logs: PodLogs, pod: KubeObject, query: URLSearchParams): string {
  const container = containerOf(pod, query.get("container"));
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const previous = queryBool(query, "previous");
  const statuses = (pod.status?.containerStatuses ?? []) as Obj[];
  const status = statuses.find((s) => s.name === container);
  const waiting = ((status?.state ?? {}) as Obj).waiting as Obj | undefined;
  if (previous && !logs.hasPrevious(key, container)) {
    throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  }
  if (!previous && (!status || waiting)) {
    throw badRequest(
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${String(waiting?.reason ?? "ContainerCreating")}`,
    );
  }
  return logs.read(key, container, {
    timestamps: queryBool(query, "timestamps"),
    previous,
    sinceSeconds: queryNumber(query, "sinceSeconds"),
    sinceTime: query.get("sinceTime") ?? undefined,
    tailLines: queryNumber(query, "tailLines"),
    limitBytes: queryNumber(query, "limitBytes"),
  });
}

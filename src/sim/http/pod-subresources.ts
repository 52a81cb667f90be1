import { badRequest, invalid } from "../api-errors.ts";
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

const podLogOptions = { group: "", kind: "PodLogOptions", plural: "pods" };

/** The API server's validation of the log query (422 before the kubelet is asked). */
function checkLogOptions(pod: KubeObject, query: URLSearchParams): void {
  const causes: Array<{ field: string; message: string; reason?: string }> = [];
  const tailLines = queryNumber(query, "tailLines");
  const limitBytes = queryNumber(query, "limitBytes");
  const sinceSeconds = queryNumber(query, "sinceSeconds");
  if (tailLines !== undefined && tailLines < 0)
    causes.push({
      field: "tailLines",
      message: `Invalid value: ${tailLines}: must be greater than or equal to 0`,
    });
  if (limitBytes !== undefined && limitBytes < 1)
    causes.push({ field: "limitBytes", message: `Invalid value: ${limitBytes}: must be greater than 0` });
  if (sinceSeconds !== undefined && query.get("sinceTime")) {
    causes.push({
      field: "",
      message: "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
      reason: "FieldValueForbidden",
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    causes.push({ field: "sinceSeconds", message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  }
  if (causes.length > 0) throw invalid(podLogOptions, pod.metadata.name, causes);
}

/** `pods/log`: the errors a kubelet gives for waiting containers and missing previous instances. */
export function podLog(logs: PodLogs, pod: KubeObject, query: URLSearchParams): string {
  checkLogOptions(pod, query);
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

import { ApiError, methodNotAllowed, staleResourceVersion } from "../api-errors.ts";
import type { ClusterState } from "../cluster-state.ts";
import { formatSelector, selectorFromObject } from "../label-selector.ts";
import type { KubeObject } from "../object-store.ts";
import { jsonPatch, mergePatch } from "../patch.ts";
import type { ResourceType } from "../resource-types.ts";
import { decodePatchBody, parseJson } from "./request-decoding.ts";

type Obj = Record<string, unknown>;

/** The autoscaling/v1 Scale view of a workload. */
function scaleOf(obj: KubeObject): Obj {
  const selector = formatSelector(
    selectorFromObject(obj.spec?.selector as Parameters<typeof selectorFromObject>[0]),
  );
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(obj.spec?.replicas ?? 0) },
    status: { replicas: Number(obj.status?.replicas ?? 0), selector },
  };
}

/** GET, PUT or PATCH of `<workload>/scale`: only spec.replicas changes. */
export function scaleSubresource(
  state: ClusterState,
  method: string,
  type: ResourceType,
  obj: KubeObject,
  body: Buffer,
  contentType: string,
): { status: number; body: Obj } {
  const current = scaleOf(obj);
  if (method === "GET") return { status: 200, body: current };
  let next: Obj;
  if (method === "PUT") next = (parseJson(body) ?? {}) as Obj;
  else if (method === "PATCH") {
    const patch = decodePatchBody(contentType, body);
    next = (
      contentType.startsWith("application/json-patch+json")
        ? jsonPatch(current, patch)
        : mergePatch(current, patch)
    ) as Obj;
  } else throw methodNotAllowed();
  const meta = (next.metadata ?? {}) as Obj;
  if (meta.resourceVersion && meta.resourceVersion !== obj.metadata.resourceVersion) {
    throw staleResourceVersion(type, obj.metadata.name);
  }
  const replicas = Number(((next.spec ?? {}) as Obj).replicas);
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      `Scale.autoscaling "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
      "Invalid",
      {
        name: obj.metadata.name,
        group: "autoscaling",
        kind: "Scale",
        causes: [
          {
            reason: "FieldValueInvalid",
            message: "Invalid value: must be greater than or equal to 0",
            field: "spec.replicas",
          },
        ],
      },
    );
  }
  const updated = state.update(type, obj.metadata.namespace, obj.metadata.name, {
    ...obj,
    spec: { ...obj.spec, replicas },
  });
  return { status: 200, body: scaleOf(updated) };
}

import { badRequest } from "./api-errors.ts";
import type { ResourceType } from "./resource-types.ts";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

const commonFields = ["metadata.name", "metadata.namespace"];

/** Fields each kind can be selected on, beyond metadata.name and metadata.namespace. */
const extraFields: Record<string, string[]> = {
  "/pods": [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  "/nodes": ["spec.unschedulable"],
  "/namespaces": ["status.phase"],
  "/secrets": ["type"],
  "/events": [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  "events.k8s.io/events": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "reason",
    "reportingController",
    "type",
  ],
  "apps/replicasets": ["status.replicas"],
};

export function parseFieldSelector(text: string | undefined, type: ResourceType): FieldRequirement[] {
  if (!text) return [];
  const allowed = [...commonFields, ...(extraFields[`${type.group}/${type.plural}`] ?? [])];
  return text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((part) => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!m) throw badRequest(`invalid field selector: '${part}': expected 'field=value' or 'field!=value'`);
      const field = m[1]!.trim();
      if (!allowed.includes(field)) {
        throw badRequest(`field label not supported: ${field}`);
      }
      return { field, op: m[2] === "!=" ? "!=" : "=", value: m[3]!.trim() } as FieldRequirement;
    });
}

function fieldValue(obj: Record<string, unknown>, field: string): string {
  if (field === "source") {
    const source = obj.source as Record<string, unknown> | undefined;
    return String(source?.component ?? "");
  }
  let current: unknown = obj;
  for (const part of field.split(".")) {
    if (current === null || typeof current !== "object") return "";
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return field === "spec.unschedulable" ? "false" : "";
  return String(current);
}

export function matchesFields(requirements: FieldRequirement[], obj: Record<string, unknown>): boolean {
  return requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === "="));
}

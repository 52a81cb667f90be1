import { ApiError, badRequest } from "./api-errors.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? { ...(clone(target) as JsonObject) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value) as Json;
  }
  return result;
}

/** List fields merged by a key instead of replaced, as the built-in types declare them (patchMergeKey). */
const mergeKeys: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  conditions: "type",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  ownerReferences: "uid",
  taints: "key",
  containerStatuses: "name",
  initContainerStatuses: "name",
  ephemeralContainerStatuses: "name",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  addresses: "type",
};

/** Primitive lists merged as sets. */
const mergedPrimitiveLists = new Set(["finalizers"]);

/** Ports merge by containerPort inside containers and by port inside a Service spec. */
function mergeKeyFor(field: string, parentPath: string[]): string | undefined {
  if (field === "ports") return parentPath.includes("containers") ? "containerPort" : "port";
  return mergeKeys[field];
}

/** Strategic merge patch, with the list merge keys of the kinds the simulator serves; other lists are replaced. */
export function strategicMergePatch(target: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === "delete") return undefined;
  const result: JsonObject = isObject(target) ? { ...(clone(target) as JsonObject) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$setElementOrder/") || key === "$retainKeys" || key === "$patch") continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.includes(item));
      }
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeyFor(key, path);
    if (Array.isArray(value) && mergeKey && Array.isArray(result[key])) {
      result[key] = mergeList(result[key] as Json[], value, mergeKey, [...path, key]);
    } else if (Array.isArray(value) && mergedPrimitiveLists.has(key) && Array.isArray(result[key])) {
      const merged = [...(result[key] as Json[])];
      for (const item of value) if (!merged.includes(item)) merged.push(item);
      result[key] = merged;
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged as Json;
    } else {
      result[key] = clone(value);
    }
  }
  return result;
}

function mergeList(current: Json[], patch: Json[], mergeKey: string, path: string[]): Json[] {
  const result = [...current];
  for (const item of patch) {
    if (!isObject(item) || !(mergeKey in item)) {
      result.push(clone(item));
      continue;
    }
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMergePatch(result[index], item, path) as Json;
    else result.push(strategicMergePatch(undefined, item, path) as Json);
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw badRequest(`the JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function resolveParent(doc: Json, parts: string[], pointer: string): { parent: Json; last: string } {
  let current: Json = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)] as Json;
    else if (isObject(current)) current = current[part] as Json;
    else current = undefined as unknown as Json;
    if (current === undefined || current === null) {
      throw new ApiError(
        422,
        `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`,
        "Invalid",
      );
    }
  }
  return { parent: current, last: parts[parts.length - 1]! };
}

function getAt(doc: Json, pointer: string): Json {
  let current: Json = doc;
  for (const part of parsePointer(pointer)) {
    if (Array.isArray(current)) current = current[Number(part)] as Json;
    else if (isObject(current)) current = current[part] as Json;
    else current = undefined as unknown as Json;
    if (current === undefined) {
      throw new ApiError(
        422,
        `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`,
        "Invalid",
      );
    }
  }
  return current;
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return clone(value);
  const { parent, last } = resolveParent(doc, parts, pointer);
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index > parent.length ||
      (replace && index >= parent.length)
    ) {
      throw new ApiError(
        422,
        `the server rejected our request due to an error in our request: index out of range in "${pointer}"`,
        "Invalid",
      );
    }
    if (replace) parent[index] = clone(value);
    else parent.splice(index, 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) {
      throw new ApiError(
        422,
        `the server rejected our request due to an error in our request: doc is missing key: "${pointer}"`,
        "Invalid",
      );
    }
    parent[last] = clone(value);
  } else {
    throw new ApiError(
      422,
      `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`,
      "Invalid",
    );
  }
  return doc;
}

function removeAt(doc: Json, pointer: string): Json {
  const parts = parsePointer(pointer);
  const { parent, last } = resolveParent(doc, parts, pointer);
  if (Array.isArray(parent) && Number(last) < parent.length) parent.splice(Number(last), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else {
    throw new ApiError(
      422,
      `the server rejected our request due to an error in our request: unable to remove nonexistent key: "${pointer}"`,
      "Invalid",
    );
  }
  return doc;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest(
      "the body of an application/json-patch+json PATCH must be a JSON array of operations; to send an object, use Content-Type application/merge-patch+json or application/strategic-merge-patch+json",
    );
  }
  let doc = clone(target) as Json;
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isObject(raw as unknown) || typeof raw.path !== "string") {
      throw badRequest("every JSON patch operation needs an op and a path");
    }
    switch (raw.op) {
      case "add":
        doc = addAt(doc, raw.path, raw.value as Json, false);
        break;
      case "replace":
        doc = addAt(doc, raw.path, raw.value as Json, true);
        break;
      case "remove":
        doc = removeAt(doc, raw.path);
        break;
      case "move": {
        const value = getAt(doc, raw.from ?? "");
        doc = removeAt(doc, raw.from ?? "");
        doc = addAt(doc, raw.path, value, false);
        break;
      }
      case "copy":
        doc = addAt(doc, raw.path, getAt(doc, raw.from ?? ""), false);
        break;
      case "test":
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new ApiError(
            422,
            `the server rejected our request due to an error in our request: testing value ${raw.path} failed`,
            "Invalid",
          );
        }
        break;
      default:
        throw badRequest(`unexpected JSON patch operation "${String(raw.op)}"`);
    }
  }
  return doc;
}

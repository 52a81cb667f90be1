import { badRequest, gone } from "../api-errors.ts";
import { matchesFields, parseFieldSelector } from "../field-selector.ts";
import { matchesLabels, parseLabelSelector } from "../label-selector.ts";
import type { KubeObject, ObjectStore } from "../object-store.ts";
import { apiVersionOf, type ResourceType } from "../resource-types.ts";
import { queryNumber } from "./request-decoding.ts";

type Obj = Record<string, unknown>;

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

interface Matching {
  revision: number;
  query: string;
  items: KubeObject[];
}

/** Each store's last selection: the next page of a list usually comes before anything changes. */
const lastMatching = new WeakMap<ObjectStore, Matching>();

/** The objects a list selects, in list order; reused while the store has not changed. */
function matching(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
  labels: ReturnType<typeof parseLabelSelector>,
  fields: ReturnType<typeof parseFieldSelector>,
): KubeObject[] {
  const key = JSON.stringify([
    type.group,
    type.plural,
    namespace,
    query.get("labelSelector"),
    query.get("fieldSelector"),
  ]);
  const last = lastMatching.get(store);
  if (last?.revision === store.resourceVersion && last.query === key) return last.items;
  const items = store
    .list(type, namespace)
    .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o as unknown as Obj));
  lastMatching.set(store, { revision: store.resourceVersion, query: key, items });
  return items;
}

/** The index of the first item whose key sorts after `from` (items in key order). */
function firstAfter(items: readonly KubeObject[], from: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]!) > from) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const PARTIAL_METADATA = { as: "PartialObjectMetadataList", g: "meta.k8s.io", v: "v1" };

/**
 * Whether a list's Accept header asks for the objects' metadata only, as the API server reads it:
 * the first media range it can serve wins, so `application/json;as=PartialObjectMetadataList;
 * g=meta.k8s.io;v=v1, application/json` is metadata only, and plain JSON (or any type) is whole objects.
 */
export function wantsMetadataOnly(accept: string): boolean {
  for (const range of accept.split(",")) {
    const [media = "", ...parameters] = range.split(";").map((part) => part.trim());
    if (media !== "application/json" && media !== "*/*") continue;
    const values = new Map(
      parameters.map((parameter) => {
        const [key = "", value = ""] = parameter.split("=");
        return [key.trim(), value.trim()];
      }),
    );
    if (!values.has("as")) return false;
    if (Object.entries(PARTIAL_METADATA).every(([key, value]) => values.get(key) === value)) return true;
  }
  return false;
}

/**
 * A list answer: label and field selectors, then limit/continue pages that keep the first page's
 * resourceVersion; with `metadataOnly`, a PartialObjectMetadataList (what a list whose Accept asks
 * for it gets: every object's metadata, nothing else).
 */
export function listResponse(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
  metadataOnly = false,
): Obj {
  const labels = parseLabelSelector(query.get("labelSelector") ?? undefined);
  const fields = parseFieldSelector(query.get("fieldSelector") ?? undefined, type);
  let listRv = String(store.resourceVersion);
  let start: string | undefined;
  const token = query.get("continue");
  if (token) {
    try {
      const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
        rv: string;
        start: string;
      };
      listRv = decoded.rv;
      start = decoded.start;
    } catch {
      throw badRequest("continue key is not valid: illegal base64 data");
    }
    if (store.isCompacted(Number(listRv))) {
      throw gone(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
      );
    }
  }
  let items = matching(store, type, namespace, query, labels, fields);
  let offset = 0;
  if (start !== undefined) {
    const from = start;
    // Within one namespace (or a cluster-scoped type) list order is key order: the page starts where
    // the key passes `start`. Across namespaces the two orders can differ, so every key is compared.
    if (namespace || !type.namespaced) offset = firstAfter(items, from);
    else items = items.filter((o) => keyOf(o) > from);
  }
  const limit = queryNumber(query, "limit");
  const metadata: Obj = { resourceVersion: listRv };
  const remaining = items.length - offset;
  if (limit !== undefined && limit > 0 && remaining > limit) {
    items = items.slice(offset, offset + limit);
    metadata.continue = Buffer.from(
      JSON.stringify({ rv: listRv, start: keyOf(items[items.length - 1]!) }),
    ).toString("base64url");
    metadata.remainingItemCount = remaining - limit;
  } else if (offset > 0) {
    items = items.slice(offset);
  }
  if (metadataOnly) {
    const partial = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1" };
    return {
      kind: "PartialObjectMetadataList",
      apiVersion: "meta.k8s.io/v1",
      metadata,
      items: items.map((o) => ({ ...partial, metadata: o.metadata })),
    };
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    items: type.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
  };
}

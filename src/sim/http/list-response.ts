import { badRequest, gone } from "../api-errors.ts";
import { matchesFields, parseFieldSelector } from "../field-selector.ts";
import { matchesLabels, parseLabelSelector } from "../label-selector.ts";
import type { KubeObject, ObjectStore } from "../object-store.ts";
import { apiVersionOf, type ResourceType } from "../resource-types.ts";
import { queryNumber } from "./request-decoding.ts";

type Obj = Record<string, unknown>;

/** A list answer: label and field selectors, then limit/continue pages that keep the first page's resourceVersion. */
export function listResponse(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
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
  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  let items = store
    .list(type, namespace)
    .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o as unknown as Obj));
  if (start !== undefined) {
    const from = start;
    items = items.filter((o) => keyOf(o) > from);
  }
  const limit = queryNumber(query, "limit");
  const metadata: Obj = { resourceVersion: listRv };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    metadata.continue = Buffer.from(
      JSON.stringify({ rv: listRv, start: keyOf(page[page.length - 1]!) }),
    ).toString("base64url");
    metadata.remainingItemCount = items.length - limit;
    items = page;
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    items: type.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
  };
}

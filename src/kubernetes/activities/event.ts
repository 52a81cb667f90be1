// chaosk8s.event.probes.
import { EventsV1Api } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { callApi } from "./activity-failed.ts";
import { type Args, optInt, optString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { toWire } from "./wire-format.ts";

async function getEvents(args: Args, ctx: NativeContext): Promise<Record<string, unknown>> {
  const kc = await kubeConfigOf(ctx);
  const events = kc.makeApiClient(EventsV1Api);
  const list = await callApi({ verb: "list", resource: "events.events.k8s.io" }, () =>
    events.listEventForAllNamespaces({
      labelSelector: optString(args, "label_selector") || undefined,
      fieldSelector: optString(args, "field_selector") || undefined,
      limit: optInt(args, "limit") ?? 100,
    }),
  );
  return toWire(list, "EventsV1EventList");
}

export const implementations: Record<string, NativeImplementation> = {
  get_events: getEvents,
};

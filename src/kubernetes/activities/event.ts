// chaosk8s.event.probes.
import type { NativeContext } from "../../providers/native.ts";
import { eventsApi, toWire } from "../cluster-client.ts";
import { callApi } from "./activity-failed.ts";
import { type Args, optString, reqInt } from "./arguments.ts";
import { chaosk8sFunction, optional, Param, perm } from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";

async function getEvents(args: Args, ctx: NativeContext): Promise<Record<string, unknown>> {
  const kc = await kubeConfigOf(ctx);
  const events = await eventsApi(kc);
  const list = await callApi({ verb: "list", resource: "events.events.k8s.io" }, () =>
    events.listEventForAllNamespaces({
      labelSelector: optString(args, "label_selector") || undefined,
      fieldSelector: optString(args, "field_selector") || undefined,
      limit: reqInt(args, "limit"),
    }),
  );
  return toWire(list, "EventsV1EventList");
}

export const get_events = chaosk8sFunction({
  module: "chaosk8s.event.probes",
  name: "get_events",
  kind: "probe",
  summary: "Events of all namespaces (events.k8s.io/v1).",
  params: [Param.labelSelector, optional("field_selector", "string"), optional("limit", "integer", 100)],
  permissions: perm("list", "events", "events.k8s.io"),
  run: getEvents,
});

export const eventFunctions = [get_events];

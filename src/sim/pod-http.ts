// What a simulated pod answers over HTTP. A pod serves when it is Running; how, its manifest says
// with the annotation `sim.chaos-action/http` (on the pod template), a JSON object:
//   {"status": 200, "body": "ok", "latencyMs": 5}
// Every field is optional; without the annotation a pod answers 200 "ok" at once.
import type { KubeObject } from "./object-store.ts";

export const POD_HTTP_ANNOTATION = "sim.chaos-action/http";

export interface PodHttpAnswer {
  status: number;
  body: string;
  latencyMs: number;
}

const DEFAULT_ANSWER: PodHttpAnswer = { status: 200, body: "ok", latencyMs: 0 };

/** The answer a pod gives; a malformed annotation makes the pod answer 500 saying why. */
export function podHttpAnswer(pod: KubeObject): PodHttpAnswer {
  const raw = pod.metadata.annotations?.[POD_HTTP_ANNOTATION];
  if (raw === undefined) return DEFAULT_ANSWER;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { status: 500, body: `annotation ${POD_HTTP_ANNOTATION} is not JSON`, latencyMs: 0 };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { status: 500, body: `annotation ${POD_HTTP_ANNOTATION} must be a JSON object`, latencyMs: 0 };
  }
  const fields = parsed as Record<string, unknown>;
  const status = Number.isInteger(fields.status) ? Number(fields.status) : DEFAULT_ANSWER.status;
  const latency = typeof fields.latencyMs === "number" ? fields.latencyMs : 0;
  return {
    status: status >= 100 && status <= 599 ? status : 500,
    body: typeof fields.body === "string" ? fields.body : DEFAULT_ANSWER.body,
    // Bounded so that a typo cannot hold a request for hours.
    latencyMs: Math.min(Math.max(latency, 0), 60_000),
  };
}

// What an activity takes from its NativeContext: the cluster connection, the run id for the
// annotation on objects we change, randomness, and the side channel recording what it touched.
import type { KubeConfig } from "@kubernetes/client-node";
import type { TouchRecord } from "../../engine/journal.ts";
import type { NativeContext } from "../../providers/native.ts";
import { type ActivityBinding, forActivity } from "../cluster-client.ts";
import { ActivityFailed } from "./activity-failed.ts";

export { RUN_ANNOTATION } from "../run-annotation.ts";

/** Provided by the entry point as `ctx.services.kubernetes`. */
export interface KubernetesService {
  connect(secrets: Record<string, unknown>): Promise<KubeConfig>;
}

/** The run's cluster connection; undefined when the run has none (no Kubernetes activity). */
export function kubernetesServiceOf(ctx: NativeContext): KubernetesService | undefined {
  const service = ctx.services.kubernetes as Partial<KubernetesService> | undefined;
  return typeof service?.connect === "function" ? (service as KubernetesService) : undefined;
}

export async function kubeConfigOf(ctx: NativeContext): Promise<KubeConfig> {
  const service = kubernetesServiceOf(ctx);
  if (!service) {
    throw new ActivityFailed(
      "this activity needs a Kubernetes cluster, but the run has no cluster connection",
    );
  }
  // Its API requests, and their retries, end with the activity (its timeout, an interruption).
  const binding: ActivityBinding = { signal: ctx.signal, ...(ctx.services.apiRetry as ActivityBinding) };
  return forActivity(await service.connect(ctx.secrets), binding);
}

export function runIdOf(ctx: NativeContext): string {
  const runId = ctx.services.runId;
  return typeof runId === "string" && runId.length > 0 ? runId : "unknown";
}

/** `ctx.services.random` when the entry point (or a test) injects one. */
export function randomOf(ctx: NativeContext): () => number {
  const random = ctx.services.random;
  return typeof random === "function" ? (random as () => number) : Math.random;
}

export function recordTouch(ctx: NativeContext, record: TouchRecord): void {
  const record_ = ctx.services.record;
  if (typeof record_ === "function") (record_ as (detail: TouchRecord) => void)(record);
}

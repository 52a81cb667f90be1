// Constant arrival rate, open loop: request i starts at i / rate seconds whether or not the earlier
// ones have finished, so a stalled service shows as failures and latency, not as fewer requests.
// In-flight requests are bounded; one that would exceed the bound fails as `in_flight_limit`.
import type { Clock } from "../providers/native.ts";
import type { LoadSample } from "./load-summary.ts";

/** Sends one request; resolves with the HTTP status, rejects on a network error or the signal. */
export type SendRequest = (signal: AbortSignal) => Promise<number>;

export interface OpenLoopPlan {
  /** Requests per second. */
  rate: number;
  durationMs: number;
  timeoutMs: number;
  maxInFlight: number;
}

export interface OpenLoopResult {
  samples: LoadSample[];
  /**
   * From the start to the end of the last request's slot (the plan's duration when on schedule), or
   * to the moment it was asked to finish.
   */
  elapsedMs: number;
  stoppedEarly: boolean;
}

const errorKind = (error: unknown, timedOut: boolean): string => {
  if (timedOut) return "timeout";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.length > 0 ? code : "error";
};

/**
 * `signal` aborts the run: requests still in flight are abandoned and not counted. `finish` ends it
 * early but cleanly (the method it observes has ended): no new request starts, those in flight are
 * awaited (each bounded by its timeout) and counted.
 */
export async function runOpenLoop(
  plan: OpenLoopPlan,
  send: SendRequest,
  clock: Clock,
  signal: AbortSignal,
  finish?: AbortSignal,
): Promise<OpenLoopResult> {
  const total = Math.round((plan.rate * plan.durationMs) / 1000);
  const intervalMs = 1000 / plan.rate;
  const start = clock.now();
  const samples: LoadSample[] = [];
  const inFlight = new Set<Promise<void>>();
  // Stops what is still in flight when the run is stopped (the method's abort, a signal).
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });

  const fire = (startMs: number) => {
    if (inFlight.size >= plan.maxInFlight) {
      samples.push({ startMs, latencyMs: 0, ok: false, error: "in_flight_limit" });
      return;
    }
    const timeout = AbortSignal.timeout(plan.timeoutMs);
    const begun = performance.now();
    const task = send(AbortSignal.any([timeout, stop.signal])).then(
      (status) => {
        const ok = status >= 200 && status < 400;
        const latencyMs = performance.now() - begun;
        samples.push({ startMs, latencyMs, ok, ...(ok ? {} : { error: `http_${status}` }) });
      },
      (error: unknown) => {
        if (stop.signal.aborted) return; // not finished when the run stopped: not counted
        const latencyMs = performance.now() - begun;
        samples.push({ startMs, latencyMs, ok: false, error: errorKind(error, timeout.aborted) });
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  let next = 0;
  let lastFired = 0;
  let finishedAt: number | undefined;
  const onFinish = () => {
    if (next < total && !signal.aborted) finishedAt = clock.now() - start;
  };
  if (finish?.aborted) onFinish();
  else finish?.addEventListener("abort", onFinish, { once: true });
  const stopFiring = finish ? AbortSignal.any([signal, finish]) : signal;
  try {
    while (next < total && !stopFiring.aborted) {
      const elapsed = clock.now() - start;
      while (next < total && next * intervalMs <= elapsed) {
        fire(next * intervalMs);
        next++;
        lastFired = elapsed;
      }
      if (next < total) await clock.sleep(Math.max(0, next * intervalMs - (clock.now() - start)), stopFiring);
    }
  } catch {
    // The sleep was aborted: the run stops, or finishes early.
  }
  await Promise.all(inFlight);
  signal.removeEventListener("abort", onAbort);
  finish?.removeEventListener("abort", onFinish);
  const elapsedMs =
    finishedAt !== undefined
      ? finishedAt
      : next === 0
        ? 0
        : Math.max(lastFired + intervalMs, next * intervalMs);
  return { samples, elapsedMs, stoppedEarly: next < total };
}

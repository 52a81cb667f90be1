// `chaosaction.load.probes.generate_load`: checks its arguments against the bounds, runs the open
// loop against the target and summarizes. It ends at its duration, or earlier: when the method it runs
// beside ends (`ctx.finish`: its result then covers the time up to that end), or when the run stops it
// (the activity's timeout, an abort, SIGINT/SIGTERM): then it returns what it measured so far.
import { ActivityFailed } from "../providers/activity-failed.ts";
import type { NativeImplementation } from "../providers/native.ts";
import { type LoadSummary, summarizeLoad } from "./load-summary.ts";
import { loadTarget } from "./load-target.ts";
import { runOpenLoop } from "./open-loop.ts";

const positive = (name: string, value: unknown, max: number): number => {
  const n = Number(value);
  if ((typeof value !== "number" && typeof value !== "string") || !Number.isFinite(n) || n <= 0 || n > max) {
    throw new ActivityFailed(
      `load argument '${name}' must be a number above 0 and at most ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
};

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0
    ? value
    : typeof value === "number"
      ? String(value)
      : undefined;

/** Bounds on one load run. */
export const LOAD_LIMITS = { maxRate: 1000, maxDurationS: 600, maxRequests: 100_000, maxInFlight: 1000 };

export interface LoadOutput extends LoadSummary {
  target: string;
}

export const generateLoad: NativeImplementation = async (args, ctx): Promise<LoadOutput> => {
  const rate = positive("rate", args.rate, LOAD_LIMITS.maxRate);
  const duration = positive("duration", args.duration, LOAD_LIMITS.maxDurationS);
  const timeout = positive("timeout", args.timeout, 60);
  const maxInFlight = Math.floor(positive("max_in_flight", args.max_in_flight, LOAD_LIMITS.maxInFlight));
  if (rate * duration > LOAD_LIMITS.maxRequests) {
    throw new ActivityFailed(
      `load of ${rate} req/s for ${duration} s is ${Math.round(rate * duration)} requests, above the limit of ${LOAD_LIMITS.maxRequests}`,
    );
  }
  const url = text(args.url);
  const service = text(args.service);
  if ((url === undefined) === (service === undefined)) {
    throw new ActivityFailed("load needs exactly one of 'url' or 'service'");
  }
  const target = await loadTarget(
    {
      url,
      service,
      namespace: text(args.namespace) ?? "default",
      port: text(args.port),
      path: text(args.path) ?? "/",
      method: (text(args.method) ?? "GET").toUpperCase(),
      maxInFlight,
    },
    ctx,
  );
  try {
    const run = await runOpenLoop(
      { rate, durationMs: duration * 1000, timeoutMs: timeout * 1000, maxInFlight },
      target.send,
      ctx.clock,
      ctx.signal,
      ctx.finish,
    );
    return { ...summarizeLoad(run.samples, { rate, ...run }), target: target.describe };
  } finally {
    target.close();
  }
};

// What a load run returns, computed from its samples: counts, latency percentiles, errors by kind and
// a per-second series. Pure: the samples carry their own times.

export interface LoadSample {
  /** When the request was started, ms after the run began. */
  startMs: number;
  /** How long until it was answered or failed, ms. */
  latencyMs: number;
  ok: boolean;
  /** Why it failed: `http_503`, `timeout`, `ECONNREFUSED`, `in_flight_limit`, ... */
  error?: string;
}

export interface LoadSecond {
  /** Seconds since the run began: requests started in [t, t + 1). */
  t: number;
  requests: number;
  succeeded: number;
  failed: number;
  p99: number;
}

export interface LoadSummary {
  requests: number;
  succeeded: number;
  failed: number;
  /** succeeded / requests; 1 when no request was sent. */
  success_ratio: number;
  rate_requested: number;
  rate_achieved: number;
  duration_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: Record<string, number>;
  series: LoadSecond[];
  stopped_early: boolean;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The nearest-rank percentile of ascending values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

const latencies = (samples: readonly LoadSample[]) => samples.map((s) => s.latencyMs).sort((a, b) => a - b);

export function summarizeLoad(
  samples: readonly LoadSample[],
  run: { rate: number; elapsedMs: number; stoppedEarly: boolean },
): LoadSummary {
  const succeeded = samples.filter((s) => s.ok).length;
  const errors: Record<string, number> = {};
  for (const sample of samples) {
    if (!sample.ok) errors[sample.error ?? "error"] = (errors[sample.error ?? "error"] ?? 0) + 1;
  }
  const sorted = latencies(samples);
  const seconds = new Map<number, LoadSample[]>();
  for (const sample of samples) {
    const t = Math.floor(sample.startMs / 1000);
    seconds.set(t, [...(seconds.get(t) ?? []), sample]);
  }
  const series = [...seconds.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, inSecond]) => {
      const ok = inSecond.filter((s) => s.ok).length;
      return {
        t,
        requests: inSecond.length,
        succeeded: ok,
        failed: inSecond.length - ok,
        p99: round(percentile(latencies(inSecond), 99), 1),
      };
    });
  const durationS = run.elapsedMs / 1000;
  return {
    requests: samples.length,
    succeeded,
    failed: samples.length - succeeded,
    success_ratio: samples.length === 0 ? 1 : round(succeeded / samples.length, 4),
    rate_requested: run.rate,
    rate_achieved: durationS > 0 ? round(samples.length / durationS, 1) : 0,
    duration_s: round(durationS),
    p50_ms: round(percentile(sorted, 50), 1),
    p90_ms: round(percentile(sorted, 90), 1),
    p99_ms: round(percentile(sorted, 99), 1),
    max_ms: round(sorted.at(-1) ?? 0, 1),
    errors,
    series,
    stopped_early: run.stoppedEarly,
  };
}

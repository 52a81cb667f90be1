// chaostoolkit-prometheus 0.6.0's probes, natively: the same requests, return values and messages
// (a non-200 answer fails the activity, a 200 with `status: error` is returned as is), plus what we
// add: credentials from the secrets, a CA file, bounded waits, in-cluster addresses through the
// API server. compute_mean does what upstream sets out to do (its own code fails at run time).
import { ActivityFailed } from "../providers/activity-failed.ts";
import type { NativeContext, NativeImplementation } from "../providers/native.ts";
import { pythonRepr, pythonStr } from "../python/str.ts";
import { pyTruthy } from "../python/values.ts";
import { prometheusGet } from "./client.ts";
import { type PrometheusEndpoint, prometheusEndpoint, queryUrl } from "./endpoint.ts";
import { isMeanType, MEAN_TYPES, mean, sampleValues } from "./mean.ts";
import { parseDuration, parseTimeExpression } from "./time-expression.ts";

/** Prometheus' own default query timeout (`--query.timeout`), when the probe gives none. */
const DEFAULT_QUERY_SECONDS = 120;
/** How much longer than the query may take we wait for its answer to arrive. */
const ANSWER_MARGIN_SECONDS = 10;
/** compute_mean asks for about this many points over its window, as upstream means to. */
const MEAN_POINTS = 300;

export const NODES_CPU_QUERY = '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))';

/** RFC 3339 of a time expression, or upstream's "failed to parse '<value>'". */
function instant(value: unknown, now: number): string {
  const time = parseTimeExpression(value, now);
  if (time === undefined) throw new ActivityFailed(`failed to parse '${pythonStr(value)}'`);
  return new Date(time).toISOString();
}

/** The `timeout` argument (seconds, or a Prometheus duration such as "30s") plus a margin, in ms. */
export function waitMs(timeout: unknown): number {
  const seconds =
    typeof timeout === "number"
      ? timeout
      : typeof timeout === "string"
        ? Number(timeout) || (parseDuration(timeout) ?? 0) / 1000
        : 0;
  return ((seconds > 0 ? seconds : DEFAULT_QUERY_SECONDS) + ANSWER_MARGIN_SECONDS) * 1000;
}

/** A response body for a one-line message: whitespace folded, long bodies cut. */
function excerpt(text: string): string {
  const folded = text.replace(/\s+/g, " ").trim();
  return folded.length > 2000 ? `${folded.slice(0, 2000)}…` : folded;
}

function parseBody(text: string, where: PrometheusEndpoint): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ActivityFailed(
      `Prometheus at ${where.base.origin} answered with a body that is not JSON: ${excerpt(text) || "(empty)"}`,
    );
  }
}

async function get(
  ctx: NativeContext,
  endpoint: PrometheusEndpoint,
  path: "query" | "query_range",
  params: Record<string, unknown>,
  options: { verifyTls: boolean; timeout: unknown },
) {
  return prometheusGet(queryUrl(endpoint.base, path, params), endpoint, {
    verifyTls: options.verifyTls,
    waitMs: waitMs(options.timeout),
    ctx,
  });
}

const given = (value: unknown): boolean => value !== undefined && value !== null;

const query: NativeImplementation = async (args, ctx) => {
  const endpoint = prometheusEndpoint(ctx.configuration, ctx.secrets);
  const params: Record<string, unknown> = { query: args.query };
  if (given(args.timeout)) params.timeout = args.timeout;
  if (pyTruthy(args.when)) params.time = instant(args.when, ctx.clock.now());
  const response = await get(ctx, endpoint, "query", params, {
    verifyTls: pyTruthy(args.verify_tls),
    timeout: args.timeout,
  });
  if (response.status !== 200) {
    throw new ActivityFailed(`Prometheus query ${pythonRepr(params)} failed: ${excerpt(response.text)}`);
  }
  return parseBody(response.text, endpoint);
};

const query_interval: NativeImplementation = async (args, ctx) => {
  const endpoint = prometheusEndpoint(ctx.configuration, ctx.secrets);
  const params: Record<string, unknown> = { query: args.query };
  if (given(args.timeout)) params.timeout = args.timeout;
  if (pyTruthy(args.step)) params.step = args.step;
  const now = ctx.clock.now();
  params.start = instant(args.start, now);
  params.end = instant(args.end, now);
  const response = await get(ctx, endpoint, "query_range", params, {
    verifyTls: pyTruthy(args.verify_tls),
    timeout: args.timeout,
  });
  if (response.status !== 200) {
    throw new ActivityFailed(
      `Prometheus query range ${pythonRepr(params)} failed: ${excerpt(response.text)}`,
    );
  }
  return parseBody(response.text, endpoint);
};

const compute_mean: NativeImplementation = async (args, ctx) => {
  const { query: text, window, mean_type: type } = args;
  if (!isMeanType(type)) {
    throw new ActivityFailed(`mean_type must be one of ${MEAN_TYPES.join(", ")}, got ${pythonRepr(type)}`);
  }
  const endpoint = prometheusEndpoint(ctx.configuration, ctx.secrets);
  const end = ctx.clock.now();
  const start = parseTimeExpression(window, end);
  if (start === undefined) throw new ActivityFailed(`failed to parse '${pythonStr(window)}'`);
  if (start >= end) throw new ActivityFailed(`window '${pythonStr(window)}' must reach back from now`);
  const step = Math.max(0.001, Math.round((end - start) / MEAN_POINTS) / 1000);
  const params = {
    query: text,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    step,
  };
  const response = await get(ctx, endpoint, "query_range", params, { verifyTls: true, timeout: null });
  const label = pythonRepr(text);
  if (response.status !== 200) {
    throw new ActivityFailed(
      `Failed to run Prometheus query ${label}: HTTP ${response.status}: ${excerpt(response.text)}`,
    );
  }
  const body = parseBody(response.text, endpoint) as {
    status?: unknown;
    error?: unknown;
    data?: { result?: unknown };
  };
  if (body?.status !== "success") {
    const reason = given(body?.error) ? `: ${pythonStr(body.error)}` : "";
    throw new ActivityFailed(`Prometheus query ${label} was not successful${reason}`);
  }
  const series = Array.isArray(body.data?.result) ? (body.data.result as unknown[]) : [];
  if (series.length === 0) {
    throw new ActivityFailed(
      `Prometheus query ${label} returned no series between ${params.start} and ${params.end}`,
    );
  }
  const values = sampleValues((series[0] as { values?: unknown } | null)?.values);
  if (values === undefined) {
    throw new ActivityFailed(`Prometheus query ${label} did not return a range vector (matrix) of samples`);
  }
  const result = mean(values, type);
  if (typeof result !== "number") {
    throw new ActivityFailed(`cannot compute the mean of Prometheus query ${label}: ${result.error}`);
  }
  return result;
};

const nodes_cpu_usage_mean: NativeImplementation = (args, ctx) =>
  compute_mean({ query: NODES_CPU_QUERY, window: args.window, mean_type: "arithmetic" }, ctx);

export const prometheusImplementations: Record<string, NativeImplementation> = {
  "chaosprometheus.probes.query": query,
  "chaosprometheus.probes.query_interval": query_interval,
  "chaosprometheus.probes.compute_mean": compute_mean,
  "chaosprometheus.probes.nodes_cpu_usage_mean": nodes_cpu_usage_mean,
};

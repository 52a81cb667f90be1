// When a Kubernetes API request is sent again, and after how long. Pure: the transport
// (retrying-transport.ts) asks it about each request and each failed attempt.
//
// Failures worth another attempt:
//   - 429 Too Many Requests (API priority and fairness, or an eviction a disruption budget refused
//     for now), honouring `Retry-After`;
//   - 500, 502, 503, 504 (an overloaded or restarting API server, a load balancer in front of it);
//   - the connection refused, reset or closed, a DNS lookup that failed for now (EAI_AGAIN), and
//     timeouts of one attempt.
// Not retried: other 4xx (the answer will not change), TLS failures, unknown hosts (ENOTFOUND),
// a request the caller or the activity aborted.
//
// Which requests, per verb (a retry must not do twice what should happen once):
//   GET, HEAD       reads: always.
//   PUT             always: a replace carries the object's resourceVersion, so a second attempt after
//                   an applied first one answers 409 Conflict instead of writing twice; callers that
//                   replace already read again on a conflict.
//   PATCH           merge, strategic merge and apply patches set absolute values (replicas,
//                   unschedulable, an annotation): applying one twice is applying it once, so always.
//                   A JSON Patch is idempotent only when every operation is `test` or `replace`, or an
//                   `add` to an object member; one that removes, moves, copies or inserts into a list
//                   is retried only when the server certainly did not act (see `proven`).
//   DELETE          always; a 404 on a retry means an earlier attempt deleted it: done.
//   POST  eviction  always, like DELETE (evicting a pod that is already terminating is accepted).
//         reviews   always (SelfSubjectAccessReview and friends create nothing).
//         create    always; a 409 AlreadyExists on a retry is read back: when the object carries the
//                   run annotation the request set, an earlier attempt created it: done. A create with
//                   `generateName` cannot be read back, so it is retried only when `proven`.
// `proven`: the request never reached a handler: the connection was refused or the address did not
// resolve, or the server answered 429 (refused before the handler ran).
//
// Delays: capped exponential backoff with full jitter (a random delay between 0 and
// min(cap, base × 2^retry)), at least what `Retry-After` asks; attempts stop at `maxAttempts`, at
// `maxElapsedMs`, or when the next wait would pass either.
import { backoffMs } from "../common/backoff.ts";

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** No new attempt starts after this long since the first (the activity's deadline may be sooner). */
  maxElapsedMs: number;
  /** One attempt's bound: a request that takes longer is aborted (and retried like a timeout). */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseMs: 250,
  capMs: 4_000,
  maxElapsedMs: 30_000,
  attemptTimeoutMs: 60_000,
};

/** How a request may be retried. */
export type RetryMode =
  /** Any transient failure. */
  | "always"
  /** Only failures that prove the server did not act. */
  | "proven"
  /** A create: any transient failure, and a 409 on a retry is read back. */
  | "create";

export interface RequestShape {
  method: string;
  url: string;
  contentType?: string;
  body?: unknown;
}

const REVIEW =
  /\/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews|localsubjectaccessreviews|tokenreviews|selfsubjectreviews)$/;

/** The verb's rule for this request (see the header). */
export function retryMode(request: RequestShape): RetryMode {
  const method = request.method.toUpperCase();
  const path = new URL(request.url).pathname;
  switch (method) {
    case "GET":
    case "HEAD":
    case "PUT":
    case "DELETE":
      return "always";
    case "PATCH":
      return isIdempotentPatch(request) ? "always" : "proven";
    case "POST": {
      if (path.endsWith("/eviction") || REVIEW.test(path)) return "always";
      const name = metadataOf(request.body)?.name;
      return typeof name === "string" && name !== "" ? "create" : "proven";
    }
    default:
      return "proven";
  }
}

function isIdempotentPatch(request: RequestShape): boolean {
  if (!request.contentType?.startsWith("application/json-patch+json")) return true;
  const ops = parseBody(request.body);
  if (!Array.isArray(ops)) return false;
  return ops.every((op) => {
    if (typeof op !== "object" || op === null) return false;
    const { op: kind, path } = op as { op?: unknown; path?: unknown };
    if (kind === "test" || kind === "replace") return true;
    // `/spec/containers/-` or `/spec/containers/2` inserts into a list: twice is two elements.
    if (kind === "add" && typeof path === "string") return !/\/(-|\d+)$/.test(path);
    return false;
  });
}

export function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export function metadataOf(
  body: unknown,
): { name?: unknown; annotations?: Record<string, unknown> } | undefined {
  const parsed = parseBody(body);
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const metadata = (parsed as { metadata?: unknown }).metadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as { name?: unknown }) : undefined;
}

/** What went wrong with one attempt. */
export type AttemptFailure =
  | { status: number; retryAfterMs?: number }
  | { code: string | undefined; name: string | undefined; message: string };

/** A transient failure, and whether it proves the server did not act on the request. */
export interface Transient {
  proven: boolean;
  retryAfterMs?: number;
}

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

/** Codes of a request that was never sent (nothing reached the server). */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** Codes of a connection lost while the request may have been processed. */
const LOST = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Undefined when the failure is not worth another attempt. */
export function transient(failure: AttemptFailure): Transient | undefined {
  if ("status" in failure) {
    if (!RETRIED_STATUS.has(failure.status)) return undefined;
    return {
      proven: failure.status === 429,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    };
  }
  if (failure.code !== undefined && NOT_SENT.has(failure.code)) return { proven: true };
  if (failure.code !== undefined && LOST.has(failure.code)) return { proven: false };
  if (failure.name === "TimeoutError") return { proven: false };
  // undici says "other side closed" / "socket hang up" without a code on some paths.
  if (/other side closed|socket hang up/i.test(failure.message)) return { proven: false };
  return undefined;
}

export function mayRetry(mode: RetryMode, failure: Transient): boolean {
  return mode !== "proven" || failure.proven;
}

/** `Retry-After`: delay-seconds or an HTTP date, as milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 for the first retry), or undefined when no retry fits:
 * attempts used up, or the wait would end past `maxElapsedMs` since the first attempt.
 */
export function nextDelay(
  options: RetryOptions,
  state: { retry: number; elapsedMs: number; retryAfterMs?: number },
  random: () => number,
): number | undefined {
  if (state.retry >= options.maxAttempts) return undefined;
  const backoff = { baseMs: options.baseMs, capMs: options.capMs, jitter: "full" } as const;
  const delay = Math.max(backoffMs(state.retry, random, backoff), state.retryAfterMs ?? 0);
  return state.elapsedMs + delay > options.maxElapsedMs ? undefined : delay;
}

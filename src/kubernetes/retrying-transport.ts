// The HTTP library every API client we make sends its requests through: Node's http (node-transport.ts)
// or, through a proxy, client-node's fetch, with the retries retry-policy.ts decides, each attempt
// bounded, all within the caller's signal (the activity's deadline). The last answer (or error)
// reaches the generated client unchanged, so error messages stay what cluster-errors.ts writes for them.
import type {
  HttpLibrary,
  PromiseHttpLibrary,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node";
import { agentFor, sendOverNode } from "./node-transport.ts";
import {
  type AttemptFailure,
  DEFAULT_RETRY,
  mayRetry,
  metadataOf,
  nextDelay,
  parseRetryAfter,
  type RetryMode,
  type RetryOptions,
  retryMode,
  type Transient,
  transient,
} from "./retry-policy.ts";
import { RUN_ANNOTATION } from "./run-annotation.ts";
import { isWrite, type WriteLog } from "./write-log.ts";

export interface TransportOptions {
  retry?: Partial<RetryOptions>;
  /** Aborts every attempt and every wait: the activity's deadline, an interruption. */
  signal?: AbortSignal;
  random?: () => number;
  /** Told of every write sent, so caches of the resource catch up with it (list-cache.ts). */
  writes?: WriteLog;
  /** Called before each retry (tests count them; logs could). */
  onRetry?: (retry: {
    attempt: number;
    delayMs: number;
    method: string;
    url: string;
    reason: string;
  }) => void;
}

type ClientNode = typeof import("./client-node-api.ts");

type Outcome = { response: ResponseContext } | { error: unknown };

/** How long a change already sent may still answer once its caller has stopped. */
export const MUTATION_ANSWER_GRACE_MS = 5_000;

/** Signals that abort `ms` after the first of `signals` does. */
function graceAfter(signals: AbortSignal[], ms: number): AbortSignal[] {
  if (signals.length === 0) return [];
  const first = AbortSignal.any(signals);
  const later = new AbortController();
  first.addEventListener("abort", () => setTimeout(() => later.abort(first.reason), ms).unref(), {
    once: true,
  });
  return [later.signal];
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** The failure of an attempt as the policy reads it. */
function failureOf(outcome: Outcome, now: number): AttemptFailure | undefined {
  if ("response" in outcome) {
    const status = outcome.response.httpStatusCode;
    if (status < 400) return undefined;
    const retryAfterMs = parseRetryAfter(outcome.response.headers["retry-after"], now);
    return { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  // fetch wraps the socket's error: the code is on a cause.
  let error: unknown = outcome.error;
  for (let depth = 0; depth < 5 && error instanceof Error; depth++) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" || error.name === "TimeoutError" || !(error.cause instanceof Error)) {
      return {
        code: typeof code === "string" ? code : undefined,
        name: error.name,
        message: error.message,
      };
    }
    error = error.cause;
  }
  return { code: undefined, name: undefined, message: String(outcome.error) };
}

function describe(failure: AttemptFailure): string {
  return "status" in failure ? `HTTP ${failure.status}` : (failure.code ?? failure.name ?? failure.message);
}

export function retryingTransport(client: ClientNode, options: TransportOptions = {}): HttpLibrary {
  const inner = new client.IsomorphicFetchHttpLibrary();
  const policy: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;

  const attempt = async (
    request: RequestContext,
    callerSignal: AbortSignal | undefined,
  ): Promise<Outcome> => {
    const stops = [callerSignal, options.signal].filter((s) => s !== undefined);
    const mutation = isWrite(request.getHttpMethod());
    const stopped = stops.find((s) => s.aborted);
    if (mutation && stopped) return { error: stopped.reason };
    // A change already sent is not abandoned when the caller stops: the server may apply it whatever
    // we do, and the undo that follows must see it applied, not race it (seen in the fault suite: a
    // scale held at the server landed after its undo had found nothing to revert).
    const stop = mutation ? graceAfter(stops, MUTATION_ANSWER_GRACE_MS) : stops;
    request.setSignal(AbortSignal.any([AbortSignal.timeout(policy.attemptTimeoutMs), ...stop]));
    try {
      const agent = agentFor(request);
      if (agent === undefined) return { response: await inner.send(request).toPromise() };
      const answer = await sendOverNode(request, agent);
      return { response: new client.ResponseContext(answer.status, answer.headers, answer.body) };
    } catch (error) {
      return { error };
    }
  };

  /** The object a create named, read with the create's credentials and connection. */
  const readBack = async (request: RequestContext, callerSignal: AbortSignal | undefined) => {
    const name = metadataOf(request.getBody())?.name;
    const url = new URL(request.getUrl());
    url.search = "";
    url.pathname = `${url.pathname.replace(/\/$/, "")}/${encodeURIComponent(String(name))}`;
    const get = new client.RequestContext(url.toString(), client.HttpMethod.GET);
    for (const [key, value] of Object.entries(request.getHeaders())) {
      if (key.toLowerCase() !== "content-type") get.setHeaderParam(key, value);
    }
    const dispatcher = request.getDispatcher();
    if (dispatcher) get.setDispatcher(dispatcher);
    return attempt(get, callerSignal);
  };

  /**
   * A 409 on a retried create: ours when the object carries the run annotation the create set, not
   * ours when it carries another; when it cannot be read, nobody knows, and the caller must not take
   * the 409 for a refusal (that would drop the undo of an object we may have created).
   */
  const createdEarlier = async (request: RequestContext, callerSignal: AbortSignal | undefined) => {
    const wanted = metadataOf(request.getBody())?.annotations?.[RUN_ANNOTATION];
    if (typeof wanted !== "string") return undefined;
    const read = await readBack(request, callerSignal);
    if (!("response" in read) || read.response.httpStatusCode !== 200) {
      throw new Error(
        `the outcome of ${request.getHttpMethod()} ${request.getUrl()} is unknown: an earlier attempt got no answer, ` +
          "a retry found the object already there, and reading it back to see whether it is ours failed",
      );
    }
    const text = await read.response.body.text();
    if (metadataOf(text)?.annotations?.[RUN_ANNOTATION] !== wanted) return undefined;
    return new client.ResponseContext(201, read.response.headers, textBody(text));
  };

  const textBody = (text: string) => new client.SelfDecodingBody(Promise.resolve(Buffer.from(text)));

  const send: PromiseHttpLibrary["send"] = async (request) => {
    const written = options.writes?.begin(request.getHttpMethod(), request.getUrl());
    try {
      return await sendWithRetries(request);
    } finally {
      written?.();
    }
  };

  const sendWithRetries: PromiseHttpLibrary["send"] = async (request) => {
    const started = Date.now();
    const callerSignal = request.getSignal();
    const mode: RetryMode = retryMode({
      method: request.getHttpMethod(),
      url: request.getUrl(),
      contentType: request.getHeaders()["Content-Type"] ?? request.getHeaders()["content-type"],
      body: request.getBody(),
    });
    const waitSignal = AbortSignal.any([options.signal, callerSignal].filter((s) => s !== undefined));
    let uncertain = false;
    for (let number = 1; ; number++) {
      const outcome = await attempt(request, callerSignal);
      if (number > 1 && uncertain && "response" in outcome) {
        const status = outcome.response.httpStatusCode;
        const method = request.getHttpMethod();
        // An earlier attempt whose outcome we did not see did the work.
        if (status === 404 && (method === "DELETE" || request.getUrl().endsWith("/eviction"))) {
          return new client.ResponseContext(
            200,
            { "content-type": "application/json" },
            textBody(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Success", code: 200 })),
          );
        }
        if (status === 409 && mode === "create") {
          const ours = await createdEarlier(request, callerSignal);
          if (ours) return ours;
        }
      }
      const failure = failureOf(outcome, Date.now());
      const retryable = failure === undefined ? undefined : transient(failure);
      const stopped = callerSignal?.aborted || options.signal?.aborted;
      const delay =
        failure && retryable && !stopped && mayRetry(mode, retryable)
          ? nextDelay(policy, delayState(number, started, retryable), random)
          : undefined;
      if (delay === undefined || failure === undefined) {
        if ("response" in outcome) return outcome.response;
        throw outcome.error;
      }
      uncertain ||= !retryable?.proven;
      if ("response" in outcome) await outcome.response.body.text().catch(() => undefined);
      options.onRetry?.({
        attempt: number,
        delayMs: delay,
        method: request.getHttpMethod(),
        url: request.getUrl(),
        reason: describe(failure),
      });
      await sleep(delay, waitSignal);
    }
  };
  return client.wrapHttpLibrary({ send });
}

function delayState(number: number, started: number, retryable: Transient) {
  return {
    retry: number,
    elapsedMs: Date.now() - started,
    ...(retryable.retryAfterMs === undefined ? {} : { retryAfterMs: retryable.retryAfterMs }),
  };
}

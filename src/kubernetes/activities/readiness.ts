// Readiness probes wait on a Watch (no polling): the first event whose object is in the wanted
// state answers true; the timeout answers false. The stream is reopened when the server ends it or
// drops it, from the last resourceVersion seen (so no change is missed nor replayed); when that
// version is too old (410 Gone) it is reopened without one, which lists the current state again.
// Failures to reach the server, 429 and 5xx are retried with the API retry policy's backoff.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Clock } from "../../providers/native.ts";
import { type ClientNode, clientNode } from "../cluster-client.ts";
import { DEFAULT_RETRY, nextDelay } from "../retry-policy.ts";
import { type ApiCall, explainApiError } from "./activity-failed.ts";

export interface StateWatch {
  kc: KubeConfig;
  /** Collection path, e.g. `/apis/apps/v1/namespaces/default/deployments`. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** Whether an object (plain API JSON) is in the awaited state. */
  matches: (object: Record<string, unknown>) => boolean;
  timeoutMs: number;
  signal: AbortSignal;
  clock: Clock;
  /** For error messages. */
  call: ApiCall;
  random?: () => number;
}

const REOPEN_DELAY_MS = 100;

export async function watchForState(options: StateWatch): Promise<boolean> {
  return watchWith(await clientNode(), options);
}

function watchWith({ ApiException, Watch }: ClientNode, options: StateWatch): Promise<boolean> {
  const stop = new AbortController();
  let request: AbortController | undefined;
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let failuresInARow = 0;
    let resourceVersion: string | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener("abort", onAbort);
      stop.abort();
      request?.abort();
      outcome();
    };
    const onAbort = () => settle(() => reject(options.signal.reason ?? new Error("aborted")));
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener("abort", onAbort);

    options.clock.sleep(options.timeoutMs, stop.signal).then(
      () => settle(() => resolve(false)),
      () => undefined,
    );

    const open = () => {
      if (settled) return;
      new Watch(options.kc)
        .watch(
          options.path,
          {
            fieldSelector: options.fieldSelector,
            labelSelector: options.labelSelector,
            allowWatchBookmarks: true,
            resourceVersion,
          },
          (phase, object) => {
            failuresInARow = 0;
            if (phase === "ERROR") {
              // 410 Gone: the version we resume from is no longer kept; list again.
              if ((object as { code?: unknown } | null)?.code === 410) resourceVersion = undefined;
              return;
            }
            const version = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
              ?.resourceVersion;
            if (typeof version === "string" && version !== "") resourceVersion = version;
            if (
              (phase === "ADDED" || phase === "MODIFIED") &&
              options.matches(object as Record<string, unknown>)
            ) {
              settle(() => resolve(true));
            }
          },
          (error: unknown) => {
            if (settled) return;
            const status = (error as { statusCode?: number } | null)?.statusCode;
            if (status === 410) resourceVersion = undefined;
            if (status !== undefined && status !== 410 && status !== 429 && status < 500) {
              // The watch hands over only the status line, not the Status body.
              const refused = new ApiException(status, (error as Error).message, undefined, {});
              settle(() => reject(explainApiError(refused, options.call)));
              return;
            }
            // A stream the server ended (or an idle one the client timed out) is reopened at once;
            // a failure to connect, 429 or 5xx after a backoff, and reported when retries run out.
            const failed =
              status === 429 || (status !== undefined && status >= 500) || isConnectFailure(error);
            if (!failed) {
              failuresInARow = 0;
              options.clock.sleep(REOPEN_DELAY_MS, stop.signal).then(open, () => undefined);
              return;
            }
            failuresInARow += 1;
            const delay = nextDelay(
              { ...DEFAULT_RETRY, maxElapsedMs: Number.POSITIVE_INFINITY },
              { retry: failuresInARow, elapsedMs: 0 },
              options.random ?? Math.random,
            );
            if (delay === undefined) {
              const failure =
                status === undefined
                  ? error
                  : new ApiException(status, (error as Error).message, undefined, {});
              settle(() => reject(explainApiError(failure, options.call)));
              return;
            }
            options.clock.sleep(Math.max(delay, REOPEN_DELAY_MS), stop.signal).then(open, () => undefined);
          },
        )
        .then(
          (controller) => {
            request = controller;
            if (settled) controller.abort();
          },
          (error: unknown) => settle(() => reject(explainApiError(error, options.call))),
        );
    };
    open();
  });
}

/** The server could not be reached (as opposed to a stream it ended, or one idle past the client's timeout). */
function isConnectFailure(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { statusCode?: unknown }).statusCode === undefined &&
    error.name !== "TimeoutError"
  );
}

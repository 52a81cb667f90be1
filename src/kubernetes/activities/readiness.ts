// Readiness probes wait on a Watch (no polling): the first event whose object is in the wanted
// state answers true; the timeout answers false. The stream is reopened when the server ends it.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Clock } from "../../providers/native.ts";
import { type ClientNode, clientNode } from "../cluster-client.ts";
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
}

const REOPEN_DELAY_MS = 100;
const MAX_CONNECTION_FAILURES = 3;

export async function watchForState(options: StateWatch): Promise<boolean> {
  return watchWith(await clientNode(), options);
}

function watchWith({ ApiException, Watch }: ClientNode, options: StateWatch): Promise<boolean> {
  const stop = new AbortController();
  let request: AbortController | undefined;
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let failuresInARow = 0;
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
          { fieldSelector: options.fieldSelector, labelSelector: options.labelSelector },
          (phase, object) => {
            failuresInARow = 0;
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
            if (status !== undefined && status !== 410 && status < 500) {
              // The watch hands over only the status line, not the Status body.
              const refused = new ApiException(status, (error as Error).message, undefined, {});
              settle(() => reject(explainApiError(refused, options.call)));
              return;
            }
            // A stream the server ended (or an idle one the client timed out) is reopened; a server
            // that cannot be reached at all is reported rather than retried until the timeout.
            const unreachable =
              error instanceof Error && status === undefined && error.name !== "TimeoutError";
            failuresInARow = unreachable ? failuresInARow + 1 : 0;
            if (failuresInARow >= MAX_CONNECTION_FAILURES) {
              settle(() => reject(explainApiError(error, options.call)));
              return;
            }
            options.clock.sleep(REOPEN_DELAY_MS, stop.signal).then(open, () => undefined);
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

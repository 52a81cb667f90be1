// The clock the engine runs on by default. Pauses, timeouts and hypothesis frequencies all go
// through a Clock (native.ts), so tests and benchmarks can inject one that does not wait.
import type { Clock } from "../providers/native.ts";

const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new Error("aborted");

/** Real time: `Date.now()` and timers. `sleep` rejects with the signal's reason when it is aborted. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** A journal timestamp: ISO 8601 in UTC with `+00:00`, as Chaos Toolkit writes them. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace("Z", "+00:00");

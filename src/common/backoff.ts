// How long to wait before the next attempt of something that failed: capped exponential backoff with
// jitter, so retries of many steps (or of several runs) do not hit a struggling API server in step.

export interface Backoff {
  /** The first wait, in ms. */
  baseMs: number;
  /** No wait is longer than this, in ms. */
  capMs: number;
  /**
   * "equal" (the default): a random wait in the upper half of the capped value, never much shorter;
   * "full": anywhere between 0 and the capped value, which spreads many clients out the most.
   */
  jitter?: "equal" | "full";
}

export const UNDO_BACKOFF: Backoff = { baseMs: 500, capMs: 10_000 };

/** The wait after the `attempt`-th failure (1 for the first): base × 2^(attempt−1), capped, then jittered. */
export function backoffMs(attempt: number, random: () => number, backoff: Backoff = UNDO_BACKOFF): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
  const share = Math.min(Math.max(random(), 0), 1);
  return backoff.jitter === "full" ? Math.floor(capped * share) : capped / 2 + (capped / 2) * share;
}

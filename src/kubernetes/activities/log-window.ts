// `read_pod_logs(last=...)`: how far back to read, written as people write it ("10 minutes",
// "1h", "30 seconds ago"); Chaos Toolkit parses it with dateparser.
import { ActivityFailed } from "./activity-failed.ts";

const UNIT_SECONDS: Array<[RegExp, number]> = [
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hrs?|hours?)$/, 3600],
  [/^(d|days?)$/, 86400],
  [/^(w|weeks?)$/, 604800],
];

/** Seconds in `last`, e.g. "10 minutes" → 600. */
export function parseLast(last: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:ago)?\s*$/i.exec(last);
  const unit = match?.[2]?.toLowerCase() ?? "";
  const factor = UNIT_SECONDS.find(([pattern]) => pattern.test(unit))?.[1];
  if (!match || factor === undefined) {
    throw new ActivityFailed(
      `argument "last" must be a duration such as "30 seconds", "10 minutes", "2 hours" or "1 day", got ${JSON.stringify(last)}`,
    );
  }
  return Math.max(1, Math.ceil(Number(match[1]) * factor));
}

// A notification when a run did not hold: a Slack-compatible JSON message (`{"text": ...}`, which
// Slack, Mattermost, Rocket.Chat and Teams' incoming-webhook adapters accept) POSTed to a URL the
// user gives (--webhook-url or CHAOS_ACTION_WEBHOOK_URL). The URL is a credential (Slack's carries
// its token in the path): it is never printed, and a failure to notify is a warning, not a failure
// of the run.
import type { ExperimentOutcome } from "./outcome.ts";
import { exitCodeOf, type Verdict } from "./verdict.ts";

/** The environment variable that gives the webhook's URL when --webhook-url does not. */
export const WEBHOOK_URL_VARIABLE = "CHAOS_ACTION_WEBHOOK_URL";

/** Whether a run with this verdict notifies: whenever it would fail a gate (deviated, failed, invalid). */
export const notifiesOn = (verdict: Verdict): boolean => exitCodeOf(verdict) !== 0;

/** Why a URL cannot be a webhook's, without repeating it; undefined when it can. */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an https:// (or http://) URL";
  return undefined;
}

export interface RunSummary {
  verdict: Verdict;
  outcomes: readonly Pick<ExperimentOutcome, "file" | "title" | "verdict" | "reason">[];
  /** Where it ran, e.g. a context name or server; never a credential. */
  where?: string;
  /** Why the run stopped before producing verdicts. */
  error?: string;
}

const icon: Record<Verdict, string> = {
  passed: "✓",
  skipped: "–",
  deviated: "✗",
  failed: "✗",
  invalid: "✗",
};

/** The message's text: what happened in one line, then one line per experiment that did not hold. */
export function webhookText(summary: RunSummary): string {
  const where = summary.where ? ` on ${summary.where}` : "";
  const total = summary.outcomes.length;
  const bad = summary.outcomes.filter((o) => notifiesOn(o.verdict));
  const head = summary.error
    ? `chaos-action: the run ${summary.verdict === "invalid" ? "could not start" : "failed"}${where}: ${summary.error}`
    : `chaos-action: ${summary.verdict}${where}: ${bad.length} of ${total} experiment${total === 1 ? "" : "s"} did not hold`;
  const lines = bad.map(
    (o) => `${icon[o.verdict]} ${o.title ? `${o.title} (${o.file})` : o.file}: ${o.reason.split("\n")[0]}`,
  );
  return [head, ...lines].join("\n");
}

export interface WebhookIo {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** POSTs `{text}`; answers a warning (never naming the URL) when it could not be delivered. */
export async function notifyWebhook(
  url: string,
  text: string,
  io: WebhookIo = {},
): Promise<string | undefined> {
  const send = io.fetch ?? fetch;
  try {
    const response = await send(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(io.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    if (!response.ok) return `the webhook notification was refused: HTTP ${response.status}`;
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const why =
      error instanceof Error && error.name === "TimeoutError"
        ? "no answer within the timeout"
        : typeof cause?.code === "string"
          ? cause.code
          : "the request failed";
    return `the webhook notification could not be sent: ${why}`;
  }
}

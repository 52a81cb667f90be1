// Secret values never reach the output: every printed or written text goes through redact().
import type { ResolvedExperiment } from "./resolve.ts";

/** The one mask for a secret, in output and in the journal: `***`, as GitHub masks secrets in logs. */
export const REDACTED = "***";

/** Every secret value as text (longest first), plus sensitive configuration values. */
export function secretValues(resolved: ResolvedExperiment): string[] {
  const found = new Set<string>();
  const collect = (value: unknown) => {
    if (typeof value === "string") {
      if (value === "") return;
      found.add(value);
      // As it appears inside JSON output (a journal), quotes and backslashes escaped.
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) found.add(escaped);
    } else if (typeof value === "number" || typeof value === "bigint") {
      found.add(String(value));
    } else if (value instanceof Uint8Array) {
      collect(new TextDecoder().decode(value));
    } else if (Array.isArray(value)) {
      for (const item of value) collect(item);
    } else if (value !== null && typeof value === "object") {
      for (const item of Object.values(value)) collect(item);
    }
  };
  collect(resolved.secrets);
  for (const key of resolved.sensitiveConfiguration) collect(resolved.configuration[key]);
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of every secret with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== "") out = out.replaceAll(secret, REDACTED);
  }
  return out;
}

// Secret values never reach the output: every printed or written text goes through redact().

/** The one mask for a secret, in output and in the journal: `***`, as GitHub masks secrets in logs. */
export const REDACTED = "***";

const secretLooking = /(token|secret|passw(or)?d|pwd|api[-_]?key|credential|private[-_]?key|auth)/i;

/**
 * The one rule for names that mark a value secret (a configuration key, the environment variable it
 * reads, a `--var` key, a variable of a `.env` var file): token, secret, password, api key,
 * credential, private key, auth.
 */
export const isSecretName = (name: string): boolean => secretLooking.test(name);

/** A value and the form it takes inside JSON output (a journal): quotes and backslashes escaped. */
export function secretForms(value: string): string[] {
  if (value === "") return [];
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? [value] : [value, escaped];
}

/**
 * The credentials in a URL's user-info (`https://user:pass@host`): the password, or the user when
 * there is no password (`https://TOKEN@host`), as written and percent-decoded, and the user-info
 * itself. Empty for a URL without user-info or text that is no URL.
 */
export function urlCredentials(text: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i.exec(text.trim());
  const userInfo = match?.[1];
  if (!userInfo) return [];
  const colon = userInfo.indexOf(":");
  const secret = colon === -1 ? userInfo : userInfo.slice(colon + 1);
  const found = new Set([userInfo, secret]);
  try {
    found.add(decodeURIComponent(secret));
  } catch {
    // Not valid percent-encoding: the text as written is what may be printed.
  }
  found.delete("");
  return [...found];
}

/** The URL with its user-info masked, for logs and reports: `https://***@host`. */
export function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${REDACTED}@`);
}

/** Every secret value as text (longest first), plus sensitive configuration values. */
export function secretValues(resolved: {
  configuration: Record<string, unknown>;
  secrets: Record<string, Record<string, unknown>>;
  sensitiveConfiguration: readonly string[];
}): string[] {
  const found = new Set<string>();
  const collect = (value: unknown) => {
    if (typeof value === "string") {
      for (const form of secretForms(value)) found.add(form);
      for (const credential of urlCredentials(value)) found.add(credential);
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
  // Any configuration value may be a URL with credentials in it.
  for (const value of Object.values(resolved.configuration)) {
    if (typeof value === "string") for (const credential of urlCredentials(value)) found.add(credential);
  }
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

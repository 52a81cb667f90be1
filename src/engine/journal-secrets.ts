// Secret values never reach the journal: its copy of the experiment shows where a secret comes from
// (`{type: env, key}`, `{type: vault, ...}`), never a literal value. Literals are masked as in any
// other output (experiment/redact.ts).
import { REDACTED } from "../experiment/redact.ts";

function redact(value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record.type === "env" || record.type === "vault") return record;
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, redact(item)]));
  }
  return REDACTED;
}

/** The experiment's `secrets` block with every literal value masked. */
export function redactSecrets(
  secrets: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(secrets).map(([scope, values]) => [scope, redact(values) as Record<string, unknown>]),
  );
}

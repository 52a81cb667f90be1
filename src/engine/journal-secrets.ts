// Secret values never reach the journal: its copy of the experiment shows where a secret comes from
// (`{type: env, key}`, `{type: vault, ...}`), never a literal value. Literals are masked as in any
// other output (experiment/redact.ts).
import { isRecord } from "../common/record.ts";
import { REDACTED } from "../experiment/redact.ts";

function redact(value: unknown): unknown {
  if (isRecord(value)) {
    if (value.type === "env" || value.type === "vault") return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item)]));
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

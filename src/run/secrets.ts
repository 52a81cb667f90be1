// Every value that can be secret, gathered in one registry per run: registered before anything that
// could quote it is printed (the action masks each one in the runner's log as it arrives), and
// scrubbed from every text the run prints or writes: progress, reasons, journals, reports.
//   - the environment's cluster credentials (KUBERNETES_API_KEY, KUBERNETES_PASSWORD, user-info in
//     KUBERNETES_HOST), before any file is read;
//   - `--var`s and var files: secret scopes, secret-named keys and `.env` variables;
//   - each experiment's `secrets` and secret-named configuration (experiment/redact.ts);
//   - the connection's credentials (tokens, passwords, client keys, user-info in the server URL), as
//     soon as the connection is resolved, before its line is printed.
import type { RunEvent } from "../engine/events.ts";
import { isSecretName, REDACTED, secretForms, urlCredentials } from "../experiment/redact.ts";
import type { VarOverrides } from "../experiment/vars.ts";
import type { Reporter } from "./reporter.ts";

export class SecretRegistry {
  readonly #values = new Set<string>();
  readonly #onAdd: ((secret: string) => void) | undefined;
  #sorted: string[] | undefined;

  /** `onAdd` sees each new value once (the action's `core.setSecret`). */
  constructor(onAdd?: (secret: string) => void) {
    this.#onAdd = onAdd;
  }

  add(values: Iterable<string>): void {
    for (const value of values) {
      for (const form of secretForms(value)) {
        if (this.#values.has(form)) continue;
        this.#values.add(form);
        this.#sorted = undefined;
        this.#onAdd?.(form);
      }
    }
  }

  /** Longest first, so a secret inside another is not half-masked. */
  list(): string[] {
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length);
    return this.#sorted;
  }

  /** Replaces every occurrence of every secret with `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.list()) out = out.replaceAll(secret, REDACTED);
    return out;
  }

  /**
   * A JSON-shaped value with every secret masked in its strings (and a number that is a secret
   * replaced by the mask). Keys and structure stay as they are: masking the serialised text instead
   * would also rewrite keys and numbers that merely contain a short secret, and corrupt the data.
   */
  redactValue<T>(value: T): T {
    const walk = (item: unknown): unknown => {
      if (typeof item === "string") return this.redact(item);
      if (typeof item === "number" && this.redact(String(item)) === REDACTED) return REDACTED;
      if (Array.isArray(item)) return item.map(walk);
      if (item !== null && typeof item === "object")
        return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
      return item;
    };
    return walk(value) as T;
  }
}

/** KUBERNETES_* credentials that the connection may use (Chaos Toolkit's variables). */
const CREDENTIAL_VARIABLES = ["KUBERNETES_API_KEY", "KUBERNETES_PASSWORD"] as const;

/** The cluster credentials the environment holds, whether a run uses them or not. */
export function environmentSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  const found: string[] = [];
  for (const name of CREDENTIAL_VARIABLES) {
    const value = env[name];
    if (value) found.push(value);
  }
  if (env.KUBERNETES_HOST) found.push(...urlCredentials(env.KUBERNETES_HOST));
  return found;
}

/** What `--var`s and var files hold that may be secret: secret scopes, secret-named keys and variables. */
export function overrideSecrets(vars: VarOverrides): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") found.push(value, ...urlCredentials(value));
    else if (typeof value === "number" || typeof value === "bigint") found.push(String(value));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  for (const [key, value] of Object.entries(vars.configuration)) {
    if (isSecretName(key) && typeof value !== "boolean") collect(value);
    else if (typeof value === "string") found.push(...urlCredentials(value));
  }
  collect(vars.secrets);
  for (const [name, value] of Object.entries(vars.env)) {
    if (isSecretName(name)) collect(value);
  }
  found.push(...environmentSecrets(vars.env));
  return found;
}

/** The reporter with every message scrubbed, so nothing the run prints quotes a secret. */
export function redactingReporter(reporter: Reporter, secrets: SecretRegistry): Reporter {
  return {
    info: (message) => reporter.info(secrets.redact(message)),
    warn: (message) => reporter.warn(secrets.redact(message)),
    error: (message) => reporter.error(secrets.redact(message)),
    ...(reporter.event
      ? { event: (event: RunEvent, file: string) => reporter.event?.(redactEvent(event, secrets), file) }
      : {}),
  };
}

/** Progress is printed as it happens: an activity's error or an undo step may quote a secret. */
function redactEvent(event: RunEvent, secrets: SecretRegistry): RunEvent {
  if (event.type === "undo-finished") {
    const { undo } = event;
    return {
      ...event,
      undo: {
        ...undo,
        description: secrets.redact(undo.description),
        ...(undo.error === undefined ? {} : { error: secrets.redact(undo.error) }),
      },
    };
  }
  return event.type === "activity-finished" && event.error
    ? { ...event, error: secrets.redact(event.error) }
    : event;
}

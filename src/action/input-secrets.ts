// The secrets in the action's inputs, found before the inputs are parsed or anything is logged: the
// kubeconfig (whole, and each credential in it), the GitHub token, and the values of `vars` whose
// keys are secret by name. Pure: the caller masks them (core.setSecret) and redacts them.
import { parse } from "yaml";
import { isRecord } from "../common/record.ts";
import { isSecretName, urlCredentials } from "../experiment/redact.ts";
import type { RawInputs } from "./inputs.ts";

/** Keys of a kubeconfig whose values are credentials, besides any secret-looking name. */
const CREDENTIAL_KEYS = new Set(["token", "password", "client-key-data", "client-certificate-data"]);
const BASE64_KEYS = new Set(["client-key-data", "client-certificate-data"]);
/** Public, though their names look secret ("authority"): the cluster's CA. */
const PUBLIC_KEYS = new Set(["certificate-authority", "certificate-authority-data"]);

/**
 * The credentials inside a kubeconfig: tokens, passwords, client key and certificate data (as
 * written and decoded), auth-provider tokens and secrets, exec plugins' secret variables, and
 * user-info in server URLs. The runner masks a multi-line value line by line; the report, comment and
 * JUnit redact each credential wherever an error message might quote it.
 */
export function kubeconfigSecrets(content: string): string[] {
  const found = [content];
  let document: unknown;
  try {
    document = parse(content);
  } catch {
    // Not YAML: the content as a whole is masked; the connection reports what is wrong with it.
    return found;
  }
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      if (key === "server") found.push(...urlCredentials(value));
      else if (
        key !== undefined &&
        !PUBLIC_KEYS.has(key) &&
        (CREDENTIAL_KEYS.has(key) || isSecretName(key)) &&
        value !== ""
      ) {
        found.push(value);
        if (BASE64_KEYS.has(key)) found.push(Buffer.from(value, "base64").toString("utf8"));
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
    } else if (isRecord(value)) {
      // An exec plugin's `env: [{name: API_TOKEN, value: ...}]`.
      if (typeof value.name === "string" && isSecretName(value.name) && typeof value.value === "string") {
        found.push(value.value);
      }
      for (const [name, item] of Object.entries(value)) visit(item, name);
    }
  };
  visit(document, undefined);
  return found.filter((value) => value.trim() !== "");
}

/** Values of `vars` lines (`key=value`, `key:type=value`) whose keys are secret by name. */
function varSecrets(vars: string): string[] {
  const found: string[] = [];
  for (const line of vars.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/:[^:]*$/, "");
    const value = line.slice(eq + 1).trim();
    if (isSecretName(key) && value !== "") found.push(value);
    found.push(...urlCredentials(value));
  }
  return found;
}

/** Every secret the inputs hold, to register before anything is printed. */
export function inputSecrets(raw: Pick<RawInputs, "kubeconfig" | "github-token" | "vars">): string[] {
  return [
    ...(raw.kubeconfig ? kubeconfigSecrets(raw.kubeconfig) : []),
    ...(raw["github-token"] ? [raw["github-token"]] : []),
    ...varSecrets(raw.vars),
  ];
}

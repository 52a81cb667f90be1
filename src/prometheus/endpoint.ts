// Where a Prometheus query goes and how it authenticates, from the experiment: the base URL and CA
// file from `configuration`, a bearer token or a user name and password from the activity's
// `secrets` (chaostoolkit-prometheus accepts secrets and ignores them). Pure.
import { ActivityFailed } from "../providers/activity-failed.ts";
import { pythonStr } from "../python/str.ts";

export const DEFAULT_BASE_URL = "http://localhost:9090";

export interface PrometheusEndpoint {
  /** `prometheus_base_url` without trailing slashes. */
  base: URL;
  /** The `Authorization` header, when the secrets give credentials. */
  authorization?: string;
  /** `prometheus_ca_file`: a PEM bundle that verifies the server's certificate. */
  caFile?: string;
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === "" ? undefined : pythonStr(value);

function authorization(secrets: Record<string, unknown>): string | undefined {
  const token = text(secrets.prometheus_token);
  const username = text(secrets.prometheus_username);
  const password = text(secrets.prometheus_password);
  if (token !== undefined && (username !== undefined || password !== undefined)) {
    throw new ActivityFailed(
      "the secrets give both prometheus_token and prometheus_username/prometheus_password: keep one",
    );
  }
  if (token !== undefined) return `Bearer ${token}`;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new ActivityFailed("basic authentication needs both prometheus_username and prometheus_password");
  }
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

export function prometheusEndpoint(
  configuration: Record<string, unknown>,
  secrets: Record<string, unknown>,
): PrometheusEndpoint {
  const raw = configuration.prometheus_base_url ?? DEFAULT_BASE_URL;
  if (typeof raw !== "string") {
    throw new ActivityFailed(`prometheus_base_url must be a URL, got ${JSON.stringify(raw)}`);
  }
  let base: URL;
  try {
    base = new URL(raw.replace(/\/+$/, ""));
  } catch {
    throw new ActivityFailed(`prometheus_base_url "${raw}" is not a valid URL`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new ActivityFailed(`prometheus_base_url "${raw}" must start with http:// or https://`);
  }
  const auth = authorization(secrets);
  const caFile = text(configuration.prometheus_ca_file);
  return { base, ...(auth ? { authorization: auth } : {}), ...(caFile ? { caFile } : {}) };
}

/** `<base>/api/v1/<endpoint>?<params>`, the parameters encoded as requests does (None left out). */
export function queryUrl(base: URL, endpoint: string, params: Record<string, unknown>): URL {
  const url = new URL(base);
  url.pathname = `${base.pathname.replace(/\/+$/, "")}/api/v1/${endpoint}`;
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) url.searchParams.append(key, pythonStr(value));
  }
  return url;
}

// The one place that explains a Kubernetes API error: turns what the cluster client throws (HTTP
// statuses with their Status body, network and TLS failures) into a one-line message for the user:
// what failed (verb, resource, object), against which cluster and credentials, what the server said,
// and what to change. Used by the connection, the preflight and every activity. Pure: recognises
// client-node's ApiException by shape, so importing this module does not load the client.
import { type ConnectionSource, sourceLabel } from "./connection-source.ts";

export type ClusterErrorKind =
  | "unreachable"
  | "timeout"
  | "tls"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "invalid"
  | "api";

export interface ClusterErrorContext {
  /** The Kubernetes verb being attempted: get, list, watch, create, patch, delete... */
  verb?: string;
  /** Plural resource name, e.g. "pods", "deployments". */
  resource?: string;
  /** API group; "" (or absent) for the core group. */
  group?: string;
  subresource?: string;
  namespace?: string;
  /** Name of the object, when the request was about one. */
  name?: string;
  source?: ConnectionSource;
}

export class ClusterError extends Error {
  override name = "ClusterError";
  readonly kind: ClusterErrorKind;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  constructor(kind: ClusterErrorKind, message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** The part of a Kubernetes `Status` body we read. */
interface StatusBody {
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ message?: string; field?: string }>;
  };
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "EPROTO",
]);

/** What the common certificate failures mean, and their fix ("ca": give the cluster's CA). */
const TLS_WORDS: Record<string, { what: string; fix: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { what: "it is self-signed, and not trusted here", fix: "ca" },
  SELF_SIGNED_CERT_IN_CHAIN: {
    what: "its chain ends in a self-signed CA that is not trusted here",
    fix: "ca",
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    what: "it is signed by a CA that is not trusted here (and the server sent no chain to one that is)",
    fix: "ca",
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { what: "it is signed by a CA that is not trusted here", fix: "ca" },
  UNABLE_TO_GET_ISSUER_CERT: { what: "the CA that signed it is not known here", fix: "ca" },
  CERT_HAS_EXPIRED: {
    what: "it has expired",
    fix: "Renew the cluster's certificates (kubeadm: `kubeadm certs renew all`), or check that this machine's clock is right.",
  },
  CERT_NOT_YET_VALID: {
    what: "it is not valid yet",
    fix: "Check that this machine's clock is right.",
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    what: "it is issued for other host names than the one connected to",
    fix: "Connect with a host name or address the certificate lists, or set tls-server-name of the cluster in the kubeconfig to one of them.",
  },
};

/** Network failures in words; ECONNREFUSED keeps the system's message, which names the address tried. */
const NETWORK_WORDS: Record<string, (host: string | undefined) => string> = {
  ENOTFOUND: (host) => `the host name ${host ? `"${host}" ` : ""}does not resolve (DNS lookup failed)`,
  EAI_AGAIN: (host) => `the host name ${host ? `"${host}" ` : ""}could not be resolved for now (DNS)`,
  ETIMEDOUT: () => "the connection timed out",
  ECONNRESET: () =>
    "the connection was reset (by the server, a proxy or a firewall; or the address serves plain HTTP where https:// was asked, or the reverse)",
  EHOSTUNREACH: () => "there is no route to that host",
  ENETUNREACH: () => "the network is unreachable from here",
};

function hostOf(server: string): string | undefined {
  try {
    return new URL(server).hostname;
  } catch {
    return undefined;
  }
}

/** client-node's ApiException, recognised by its shape: an HTTP status code and the response body. */
export interface ApiExceptionShape {
  code: number;
  body?: unknown;
}

export function isApiException(err: unknown): err is ApiExceptionShape {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { code?: unknown }).code === "number" &&
    "body" in err
  );
}

function parseStatus(body: unknown): StatusBody | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim() } : undefined;
    }
  }
  if (typeof value === "object" && value !== null) return value as StatusBody;
  return undefined;
}

/** Every error in the cause chain, including the members of AggregateErrors (e.g. IPv4 + IPv6 attempts). */
function causes(err: unknown): Array<Error & { code?: unknown }> {
  const found: Array<Error & { code?: unknown }> = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && found.length < 20) {
    const next = queue.shift();
    if (!(next instanceof Error)) continue;
    found.push(next);
    if (next instanceof AggregateError) queue.push(...next.errors);
    if ("cause" in next) queue.push(next.cause);
  }
  return found;
}

const errorCode = (e: { code?: unknown }): string | undefined =>
  typeof e.code === "string" ? e.code : undefined;

function clusterPhrase(source: ConnectionSource | undefined): string {
  if (!source) return "the Kubernetes API server";
  const context = source.context ? `, context "${source.context}"` : "";
  return `the Kubernetes API server ${source.server} (from ${sourceLabel(source)}${context})`;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function userPhrase(source: ConnectionSource | undefined): string {
  if (!source) return "the configured credentials";
  const user = source.user ? `user "${source.user}"` : "the configured user";
  return `${user} (${source.auth})`;
}

/** `pods/eviction "web-1" in namespace "shop"`: the resource, and the object when the request named one. */
function resourcePhrase(context: ClusterErrorContext, status?: StatusBody): string | undefined {
  const resource = context.resource ?? (status?.details?.kind ? `${status.details.kind}` : undefined);
  if (!resource) return undefined;
  const sub = context.subresource ? `/${context.subresource}` : "";
  const name = context.name ? ` "${context.name}"` : "";
  return `${resource}${sub}${name}${scopePhrase(context)}`;
}

function scopePhrase(context: ClusterErrorContext): string {
  const group = context.group ? ` in API group "${context.group}"` : "";
  const ns = context.namespace ? ` in namespace "${context.namespace}"` : "";
  return `${group}${ns}`;
}

function attemptPhrase(context: ClusterErrorContext, status?: StatusBody): string | undefined {
  const what = resourcePhrase(context, status);
  return context.verb && what ? `${context.verb} ${what}` : what;
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Ends a sentence with a period unless it already ends with punctuation. */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** What the server said, as one sentence, and the causes it listed (`field: message`). */
function serverPhrase(status: StatusBody | undefined, withCauses = true): string {
  const said = status?.message ? ` ${sentence(`The server said: ${oneLine(status.message)}`)}` : "";
  const causes = (status?.details?.causes ?? [])
    .map((c) => oneLine([c.field, c.message].filter(Boolean).join(": ")))
    .filter((text) => text.length > 0);
  return withCauses && causes.length > 0 ? `${said} ${sentence(`Causes: ${causes.join("; ")}`)}` : said;
}

function tlsHint(source: ConnectionSource | undefined): string {
  const caFix =
    source && source.kind !== "env" && source.kind !== "in-cluster"
      ? `add the cluster's CA to the kubeconfig (certificate-authority or certificate-authority-data of cluster "${source.cluster ?? "?"}"), or set KUBERNETES_CA_CERT_FILE to the CA file`
      : "set KUBERNETES_CA_CERT_FILE to the cluster's CA certificate (minikube: the certificate-authority that `kubectl config view` prints)";
  return `To fix it, ${caFix}; or set KUBERNETES_VERIFY_SSL=false to skip verification (insecure; warned on every run).`;
}

function explainStatus(err: ApiExceptionShape, context: ClusterErrorContext): ClusterError {
  const status = parseStatus(err.body);
  const server = serverPhrase(status);
  const where = clusterPhrase(context.source);
  const attempt = attemptPhrase(context, status);
  switch (err.code) {
    case 401: {
      const fix =
        context.source?.auth === "no credentials"
          ? "No credentials were sent: set KUBERNETES_API_KEY, KUBERNETES_CERT_FILE + KUBERNETES_KEY_FILE or KUBERNETES_USERNAME, or use a kubeconfig with a user."
          : "The token, client certificate or password is wrong or expired; refresh it or point at other credentials.";
      const request = attempt && context.verb ? ` The refused request: ${attempt}.` : "";
      return new ClusterError(
        "unauthorized",
        `${capitalize(where)} rejected the credentials${context.source ? ` of ${userPhrase(context.source)}` : ""}: 401 Unauthorized. ${fix}${request}${server}`,
        401,
      );
    }
    case 403: {
      const verb = context.verb ?? "access";
      const grant = context.resource
        ? ` RBAC must allow verb "${verb}" on resource "${context.resource}${context.subresource ? `/${context.subresource}` : ""}"` +
          ` (apiGroups: ["${context.group ?? ""}"])${context.namespace ? ` in namespace "${context.namespace}"` : " cluster-wide"}` +
          `${context.source ? ` for ${userPhrase(context.source)}` : ""}.`
        : "";
      return new ClusterError(
        "forbidden",
        `Forbidden: ${userPhrase(context.source)} may not ${attempt ?? "make this request"} on ${where}.${grant}${server}`,
        403,
      );
    }
    case 404: {
      if (!context.name) {
        const what = resourcePhrase(context, status);
        return new ClusterError(
          "not-found",
          `Not found: ${where} serves no ${what ?? "such resource"}; is the resource type installed in the cluster?${server}`,
          404,
        );
      }
      const what = context.resource
        ? ` (${context.resource}${context.subresource ? `/${context.subresource}` : ""}${scopePhrase(context)})`
        : "";
      return new ClusterError(
        "not-found",
        `Not found: "${context.name}"${what} does not exist on ${where}.${server}`,
        404,
      );
    }
    case 409:
      return new ClusterError(
        "conflict",
        status?.reason === "AlreadyExists"
          ? `${attempt && context.verb ? `Cannot ${attempt}: it` : "The object"} already exists on ${where}.${server}`
          : `Conflict on ${attempt ?? "the request"} at ${where}.${server}`,
        409,
      );
    case 422: {
      const fields = (status?.details?.causes ?? [])
        .map((c) => oneLine(c.field ? `${c.field}: ${c.message ?? "invalid"}` : (c.message ?? "")))
        .filter(Boolean);
      const detail = fields.length > 0 ? ` ${sentence(`Invalid fields: ${fields.join("; ")}`)}` : "";
      return new ClusterError(
        "invalid",
        `The cluster refused ${attempt ?? "the request"} as invalid.${serverPhrase(status, false)}${detail}`,
        422,
      );
    }
    default:
      return new ClusterError(
        "api",
        `${capitalize(where)} answered ${err.code}${status?.reason ? ` ${status.reason}` : ""} to ${attempt ?? "the request"}.${server}`,
        err.code,
      );
  }
}

/** Explains anything a cluster call threw; a ClusterError passes through unchanged. */
export function explainClusterError(err: unknown, context: ClusterErrorContext = {}): ClusterError {
  if (err instanceof ClusterError) return err;
  if (isApiException(err)) return explainStatus(err, context);
  const chain = causes(err);
  const where = clusterPhrase(context.source);
  const attempt = attemptPhrase(context);
  const toAttempt = attempt && context.verb ? ` to ${attempt}` : "";
  const tls = chain.find((e) => {
    const code = errorCode(e);
    return (
      code !== undefined &&
      (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))
    );
  });
  if (tls) {
    const code = errorCode(tls) ?? "";
    if (code.startsWith("ERR_SSL_") && /certificate|alert/i.test(tls.message)) {
      return new ClusterError(
        "tls",
        `${capitalize(where)} refused the TLS handshake (${tls.message}); it may require a client certificate that ${userPhrase(context.source)} does not present or that it does not trust.`,
      );
    }
    if (context.source && !context.source.tlsVerify) {
      return new ClusterError("tls", `TLS with ${where} failed: ${tls.message} (${code}).`);
    }
    const known = TLS_WORDS[code];
    if (known) {
      const fix = known.fix === "ca" ? tlsHint(context.source) : known.fix;
      return new ClusterError(
        "tls",
        `Could not verify the TLS certificate of ${where}: ${known.what}. ${fix}`,
      );
    }
    return new ClusterError(
      "tls",
      `Could not verify the TLS certificate of ${where}: ${tls.message} (${code}). ${tlsHint(context.source)}`,
    );
  }
  const timeout = chain.find((e) => e.name === "TimeoutError" || errorCode(e) === "UND_ERR_CONNECT_TIMEOUT");
  if (timeout) {
    return new ClusterError(
      "timeout",
      `${capitalize(where)} did not answer in time${toAttempt}. Check that the cluster is running and reachable from here (VPN, firewall, proxy).`,
    );
  }
  const network = chain.find((e) => {
    const code = errorCode(e);
    return code !== undefined && NETWORK_CODES.has(code);
  });
  if (network) {
    const code = errorCode(network) ?? "";
    const host = context.source ? hostOf(context.source.server) : undefined;
    const what = NETWORK_WORDS[code]?.(host) ?? network.message;
    return new ClusterError(
      "unreachable",
      `Cannot reach ${where}${toAttempt}: ${what}. Check that the cluster is running and that this address is right${context.source?.proxy ? ` (requests go through the proxy ${context.source.proxy}; check it, or name the server in NO_PROXY)` : ""}.`,
    );
  }
  // `fetch failed` says nothing by itself; the innermost cause says why (e.g. "bad port").
  const message = [...new Set(chain.map((e) => e.message).filter(Boolean))].join(": ") || String(err);
  return new ClusterError(
    "api",
    toAttempt ? `Could not ${attempt} on ${where}: ${message}` : `Request to ${where} failed: ${message}`,
  );
}

import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { ApiError } from "../api-errors.ts";
import type { SimAuthMode, SimDenyRule } from "../options.ts";
import type { ServiceAccountTokens } from "../service-account-tokens.ts";

export interface UserInfo {
  username: string;
  groups: string[];
}

export interface Credentials {
  token?: string;
  username?: string;
  password?: string;
  clientCommonName?: string;
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const anonymous: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };

/** Paths a real API server serves to unauthenticated clients (system:public-info-viewer). */
const publicPaths = new Set(["/version", "/healthz", "/livez", "/readyz"]);

function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized", "Unauthorized");
}

/**
 * Who is calling, per the configured auth mode (and, in every mode but "none", the service-account
 * tokens the server issued and that have not expired); 401 when credentials are missing or wrong.
 */
export function authenticate(
  req: IncomingMessage,
  mode: SimAuthMode,
  expected: Credentials,
  path: string,
  tokens?: ServiceAccountTokens,
): UserInfo {
  if (mode === "none") return { username: "sim-user", groups: ["system:masters", "system:authenticated"] };
  const header = req.headers.authorization;
  const socket = req.socket as TLSSocket;
  if (header?.startsWith("Bearer ")) {
    const token = header.slice(7).trim();
    if (mode === "token" && token === expected.token) {
      return { username: "sim-user", groups: ["system:masters", "system:authenticated"] };
    }
    const account = tokens?.userOf(token);
    if (account) return account;
    throw unauthorized();
  }
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (mode === "basic" && user === expected.username && password === expected.password) {
      return { username: user, groups: ["system:masters", "system:authenticated"] };
    }
    throw unauthorized();
  }
  if (header) throw unauthorized();
  if (mode === "client-cert" && typeof socket.getPeerCertificate === "function") {
    const cert = socket.getPeerCertificate();
    if (cert && Object.keys(cert).length > 0) {
      if (!socket.authorized || cert.subject?.CN !== expected.clientCommonName) throw unauthorized();
      const org = cert.subject?.O;
      const groups = Array.isArray(org) ? org : org ? [org] : [];
      return { username: String(cert.subject.CN), groups: [...groups, "system:authenticated"] };
    }
  }
  if (publicPaths.has(path)) return anonymous;
  throw unauthorized();
}

function matchesRule(rule: SimDenyRule, attrs: RequestAttributes): boolean {
  const any = (value: string | undefined, wanted: string | undefined) => wanted === "*" || value === wanted;
  if (!any(attrs.verb, rule.verb)) return false;
  if (!any(attrs.resource, rule.resource)) return false;
  if (rule.group !== undefined && !any(attrs.group, rule.group)) return false;
  if (rule.namespace !== undefined && !any(attrs.namespace, rule.namespace)) return false;
  // RBAC grants "pods" and "pods/eviction" separately: a rule without a subresource covers the resource only.
  if (rule.subresource === undefined) return !attrs.subresource;
  return any(attrs.subresource ?? "", rule.subresource);
}

/** The RBAC decision: denied when a deny rule matches. Anonymous users may only read public paths. */
export function isAllowed(rules: SimDenyRule[], user: UserInfo, attrs: RequestAttributes): boolean {
  if (user.username === anonymous.username) return false;
  return !rules.some((r) => matchesRule(r, attrs));
}

export function forbidden(user: UserInfo, attrs: RequestAttributes): ApiError {
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const subject = attrs.name
    ? `${attrs.resource} "${attrs.name}"`
    : attrs.group
      ? `${attrs.resource}.${attrs.group}`
      : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : "at the cluster scope";
  return new ApiError(
    403,
    `${subject} is forbidden: User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`,
    "Forbidden",
    { ...(attrs.name ? { name: attrs.name } : {}), group: attrs.group, kind: attrs.resource },
  );
}

/** 403 for a non-resource path (discovery) asked for by a user who may not read it. */
export function forbiddenPath(user: UserInfo, path: string): ApiError {
  return new ApiError(403, `forbidden: User "${user.username}" cannot get path "${path}"`, "Forbidden", {});
}

// Which proxy the connection to a cluster goes through: the kubeconfig's `proxy-url` when it has
// one, else HTTPS_PROXY (https servers) or HTTP_PROXY (http servers) unless NO_PROXY names the host,
// as curl, kubectl and Node's own `proxyEnv` read them (lower-case names win over upper-case ones).
// Loopback addresses are proxied too unless NO_PROXY names them, as Node does for HTTP probes.
// Pure: client-node applies the answer as the cluster's `proxyUrl` (a CONNECT tunnel).
import { isIP } from "node:net";

export interface ProxyChoice {
  url: string;
  /** Which variable set it, for the connection line. */
  from: string;
}

function variable(env: NodeJS.ProcessEnv, name: string): { value: string; from: string } | undefined {
  for (const key of [name.toLowerCase(), name]) {
    const value = env[key]?.trim();
    if (value) return { value, from: key };
  }
  return undefined;
}

function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function inCidr(host: string, cidr: string): boolean {
  const [base = "", bitsText = ""] = cidr.split("/");
  const bits = Number(bitsText);
  if (isIP(host) !== 4 || isIP(base) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToNumber(host) & mask) >>> 0 === (ipv4ToNumber(base) & mask) >>> 0;
}

/** Whether a NO_PROXY list names this host (and port). */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    if (entry.includes("/")) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const withPort = /^(.*[^:\]]):(\d+)$/.exec(entry);
    if (withPort && isIP(entry) !== 6) {
      if (withPort[2] !== port) continue;
      entry = withPort[1]!;
    }
    entry = entry.replace(/^\[|\]$/g, "").replace(/^\*?\./, "");
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy the environment sets for this server, if any. */
export function proxyFromEnvironment(server: string, env: NodeJS.ProcessEnv): ProxyChoice | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  const proxy = variable(env, url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY");
  if (!proxy) return undefined;
  const noProxy = variable(env, "NO_PROXY");
  if (noProxy && bypassesProxy(url, noProxy.value)) return undefined;
  return { url: proxy.value, from: proxy.from };
}

/** A proxy URL for logs: without its user name and password. */
export function proxyLabel(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "(an invalid proxy URL)";
  }
}

// The `http` provider (chaoslib provider/http.py, on top of requests): one request, output
// `{status, headers, body}`. 4xx/5xx are not failures, and `expected_status` is ignored, as in
// Chaos Toolkit. The body is parsed as JSON when the response is JSON, `application/json; charset=utf-8`
// included (Chaos Toolkit keeps that one as text; a regex tolerance still searches the text); the
// request body is JSON only when the `Content-Type` header is exactly `application/json`.

import { isRecord } from "../common/record.ts";
import type { HttpProvider } from "../experiment/format.ts";
import { pythonStr } from "../python/str.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { rememberText } from "./response-text.ts";

// Not `import`: the ES module facade of node:http reads every export, and one of them loads undici,
// about 20 ms of every CLI start-up (npm run bench); the CommonJS module object reads nothing.
const http = process.getBuiltinModule("node:http");
/** Loaded at the first https URL: TLS adds ~4.5 MiB to a process that only calls http:// URLs. */
const https = () => process.getBuiltinModule("node:https");

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Timeouts {
  connectMs: number | undefined;
  readMs: number | undefined;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  location: string | undefined;
  body: Buffer;
}

const MAX_REDIRECTS = 30;

const JSON_TYPE = "application/json";

const headerValue = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

function timeouts(timeout: HttpProvider["timeout"]): Timeouts {
  const seconds = (value: unknown): number | undefined => {
    const n = typeof value === "string" ? Number(value) : value;
    if (n === undefined || n === null) return undefined;
    if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
      throw new ActivityFailed(
        `HTTP timeout must be a positive number of seconds or [connect, read], got ${JSON.stringify(timeout)}`,
      );
    }
    return n * 1000;
  };
  if (Array.isArray(timeout)) return { connectMs: seconds(timeout[0]), readMs: seconds(timeout[1]) };
  const both = seconds(timeout);
  return { connectMs: both, readMs: both };
}

// What Python iterates over in a value: a list's items, a mapping's keys; undefined for a scalar.
const iterated = (value: unknown): unknown[] | undefined =>
  Array.isArray(value) ? value : value !== null && typeof value === "object" ? Object.keys(value) : undefined;

// requests' encoding of `params`/`data` (then urlencode with doseq): a list or a mapping repeats the
// key for each of its items (a mapping's keys), None is left out, the rest is str().
function formEncode(values: Record<string, unknown>, into = new URLSearchParams()): URLSearchParams {
  for (const [key, value] of Object.entries(values)) {
    for (const item of typeof value === "string" ? [value] : (iterated(value) ?? [value])) {
      if (item === null || item === undefined) continue;
      const inner = typeof item === "string" ? undefined : iterated(item);
      for (const element of inner ?? [item]) into.append(key, pythonStr(element));
    }
  }
  return into;
}

function requestBody(
  provider: HttpProvider,
  headers: Record<string, string>,
): { body: Buffer | undefined; headers: Record<string, string> } {
  const args = provider.arguments;
  if (args === undefined || args === null) return { body: undefined, headers };
  // chaoslib: `headers.get("Content-Type") == "application/json"`, that exact key and value.
  if (headers["Content-Type"] === JSON_TYPE) {
    return { body: Buffer.from(JSON.stringify(args)), headers };
  }
  if (typeof args === "string") return { body: Buffer.from(args), headers };
  if (isRecord(args)) {
    const out = headerValue(headers, "Content-Type")
      ? headers
      : { ...headers, "Content-Type": "application/x-www-form-urlencoded" };
    return { body: Buffer.from(formEncode(args).toString()), headers: out };
  }
  throw new ActivityFailed(`HTTP arguments must be an object or a string, got ${JSON.stringify(args)}`);
}

function responseHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const existing = Object.keys(out).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) out[name] = raw[i + 1]!;
    else out[existing] = `${out[existing]}, ${raw[i + 1]}`;
  }
  return out;
}

// requests' `Response.text`: the charset parameter, else ISO-8859-1 for a `text` media type, else UTF-8.
function decodeText(body: Buffer, contentType: string | undefined): string {
  const media = (contentType ?? "").split(";")[0]!.trim();
  const declared = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  const charset = declared ?? (media.includes("text") ? "iso-8859-1" : "utf-8");
  // The WHATWG decoder reads ISO-8859-1 as windows-1252; Python's is the real Latin-1.
  if (["iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1"].includes(charset))
    return body.toString("latin1");
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const text = decodeText(body, contentType);
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  if (media !== JSON_TYPE) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    // Chaos Toolkit parses only the exact `application/json`; with parameters it keeps the text.
    return contentType === JSON_TYPE ? parsed : rememberText(parsed, text);
  } catch {
    return text;
  }
}

function requestOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  options: { timeouts: Timeouts; verifyTls: boolean; signal: AbortSignal; env: NodeJS.ProcessEnv },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const { connectMs, readMs } = options.timeouts;
    const transport = url.protocol === "https:" ? https() : http;
    const finalHeaders = body ? { ...headers, "Content-Length": String(body.length) } : headers;
    let connectTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      options.signal.removeEventListener("abort", onAbort);
      fn();
    };
    const request = transport.request(url, {
      method,
      headers: finalHeaders,
      agent: agentFor(url, options.env, options.verifyTls),
      rejectUnauthorized: options.verifyTls,
    });
    const onAbort = () => {
      request.destroy();
      settle(() => reject(options.signal.reason));
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (connectMs !== undefined) {
      connectTimer = setTimeout(() => {
        request.destroy();
        settle(() =>
          reject(
            new ActivityFailed(
              `activity took too long to complete: could not connect to ${url.href} within ${connectMs / 1000}s`,
            ),
          ),
        );
      }, connectMs);
    }
    request.on("socket", (socket) => {
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    if (readMs !== undefined) {
      request.setTimeout(readMs, () => {
        request.destroy();
        settle(() =>
          reject(
            new ActivityFailed(
              `activity took too long to complete: ${url.href} sent nothing for ${readMs / 1000}s`,
            ),
          ),
        );
      });
    }
    request.on("error", (error) => {
      settle(() =>
        reject(new ActivityFailed(`failed to connect to ${url.href}: ${connectionError(error, url)}`)),
      );
    });
    request.on("response", (response) => {
      clearTimeout(connectTimer);
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => {
        settle(() =>
          reject(new ActivityFailed(`failed to read the response of ${url.href}: ${error.message}`)),
        );
      });
      response.on("end", () => {
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            headers: responseHeaders(response.rawHeaders),
            location: response.headers.location,
            body: Buffer.concat(chunks),
          }),
        );
      });
    });
    request.end(body);
  });
}

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/**
 * A fresh connection per request, as before; through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names
 * the host, read by Node's own agent (`proxyEnv`: a CONNECT tunnel for https, absolute URLs for http).
 */
function agentFor(url: URL, env: NodeJS.ProcessEnv, verifyTls: boolean): false | import("node:http").Agent {
  if (!PROXY_VARIABLES.some((name) => env[name])) return false;
  const proxyEnv = Object.fromEntries(
    [...PROXY_VARIABLES, "NO_PROXY", "no_proxy"].flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  return url.protocol === "https:"
    ? new (https().Agent)({ proxyEnv, rejectUnauthorized: verifyTls })
    : new http.Agent({ proxyEnv });
}

function connectionError(error: NodeJS.ErrnoException, url: URL): string {
  const tls = /certificate|self.signed|SSL|TLS/i.test(`${error.code ?? ""} ${error.message}`);
  if (tls && url.protocol === "https:") {
    return `${error.message} (the server's TLS certificate was not trusted; set verify_tls: false on the provider to skip verification)`;
  }
  return error.message;
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ActivityFailed(`"${raw}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ActivityFailed(`URL "${raw}" must start with http:// or https://`);
  }
  return url;
}

export async function runHttpProvider(
  provider: HttpProvider,
  options: { signal: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<HttpOutput> {
  let method = (provider.method ?? "GET").toUpperCase();
  let url = parseUrl(provider.url);
  const rawHeaders = provider.headers ?? {};
  let headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawHeaders)) {
    // requests leaves out a header whose value is None.
    if (value !== null && value !== undefined) headers[key] = pythonStr(value);
  }
  let body: Buffer | undefined;
  if (method === "GET") {
    const args = provider.arguments;
    if (typeof args === "string" && args !== "") {
      // requests appends a string of parameters to the query as it is.
      url.search = url.search ? `${url.search}&${args}` : args;
    } else if (args !== undefined && args !== null && args !== "") {
      if (typeof args !== "object" || Array.isArray(args)) {
        throw new ActivityFailed(
          `HTTP GET arguments must be an object or a string (they become the query string), got ${JSON.stringify(args)}`,
        );
      }
      formEncode(args as Record<string, unknown>, url.searchParams);
    }
  } else {
    ({ body, headers } = requestBody(provider, headers));
  }
  const requestOptions = {
    timeouts: timeouts(provider.timeout),
    verifyTls: provider.verify_tls ?? true,
    signal: options.signal,
    env: options.env ?? process.env,
  };
  const retries = provider.max_retries ?? 0;
  let response: RawResponse | undefined;
  for (let redirects = 0; ; redirects++) {
    for (let attempt = 0; ; attempt++) {
      try {
        response = await requestOnce(url, method, headers, body, requestOptions);
        break;
      } catch (error) {
        const retriable = error instanceof ActivityFailed && error.message.startsWith("failed to connect");
        if (!retriable || attempt >= retries || options.signal.aborted) throw error;
      }
    }
    if (![301, 302, 303, 307, 308].includes(response.status) || !response.location) break;
    if (redirects >= MAX_REDIRECTS) throw new ActivityFailed(`too many redirects from ${provider.url}`);
    url = new URL(response.location, url);
    // As requests does: 302 and 303 turn anything but HEAD into a GET without a body; 301 only a POST.
    if (
      ((response.status === 302 || response.status === 303) && method !== "HEAD") ||
      (response.status === 301 && method === "POST")
    ) {
      if (method !== "GET") {
        method = "GET";
        body = undefined;
      }
    }
  }
  const contentType = headerValue(response.headers, "Content-Type");
  return {
    status: response.status,
    headers: response.headers,
    body: decodeBody(response.body, contentType),
  };
}

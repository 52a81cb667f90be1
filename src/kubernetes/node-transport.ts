// API requests over Node's own http/https instead of client-node's undici fetch. undici parses HTTP
// with a WebAssembly build of llhttp that V8 compiles in every process that sends one request: ~15 MiB
// of peak memory and a cold fetch stack, for a run that makes a handful of requests. Node's http
// parser is native and already in the binary.
//
// Requests keep fetch's contract as the retrying transport and cluster-errors.ts read it: an
// interrupted request rejects with its signal's reason, a network failure with
// `TypeError("fetch failed", { cause })`. The body is read whole before the answer is returned
// (every API call reads it whole anyway), so a connection lost mid-body fails the attempt, which the
// retry policy can then judge, rather than the caller's read after it.
//
// Connections through a proxy (kubeconfig `proxy-url`) and the streams client-node opens itself
// (watches, logs) stay on undici: `agentFor` answers undefined for them.
import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { KubeConfig, RequestContext, ResponseBody } from "@kubernetes/client-node";

const http = process.getBuiltinModule("node:http");

/** What client-node builds a connection's undici dispatcher from. */
type DispatcherOptions = ReturnType<KubeConfig["createDispatcherOptions"]>;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: ResponseBody;
}

/** The keep-alive agents of the dispatchers client-node made for our connections (none: a proxy). */
const agents = new WeakMap<object, HttpAgent | undefined>();

/** For a connection without TLS settings, for which client-node makes no dispatcher. */
const plainAgents = new Map<string, HttpAgent>();

/** Notes the connection setup (server CA, client certificate, TLS checks) a dispatcher was made for. */
export function rememberConnection(dispatcher: object, options: DispatcherOptions, server: string): void {
  agents.set(dispatcher, connectionAgent(options, new URL(server).protocol));
}

/** The agent to send a request through, or undefined when it must go through undici. */
export function agentFor(request: RequestContext): HttpAgent | undefined {
  if (!sendableBody(request.getBody())) return undefined;
  const url = new URL(request.getUrl());
  // fetch refuses a URL with credentials (the error names the URL, masked where it is printed);
  // Node's http would send them as basic auth.
  if (url.username || url.password) return undefined;
  const protocol = url.protocol;
  const dispatcher = request.getDispatcher();
  if (dispatcher !== undefined) return agents.get(dispatcher);
  let agent = plainAgents.get(protocol);
  if (agent === undefined) {
    agent = connectionAgent({ type: "none" }, protocol);
    if (agent !== undefined) plainAgents.set(protocol, agent);
  }
  return agent;
}

/** How long a kept-alive connection may stay idle: undici's keepAliveTimeout. */
export const IDLE_CONNECTION_MS = 4_000;

function connectionAgent(options: DispatcherOptions, protocol: string): HttpAgent | undefined {
  if (options.type !== "none" && options.type !== "agent") return undefined;
  const tls = options.type === "agent" ? withoutUndiciOptions(options.connect) : {};
  // An idle connection is closed after undici's 4 s rather than kept until the server or a load
  // balancer on the way drops it, which the next request would find out by a reset.
  const settings = { keepAlive: true, keepAliveMsecs: 30_000, timeout: IDLE_CONNECTION_MS, ...tls };
  if (protocol === "http:") return new http.Agent(settings);
  if (protocol === "https:") return new (process.getBuiltinModule("node:https").Agent)(settings);
  return undefined;
}

function withoutUndiciOptions(connect: object): Record<string, unknown> {
  const { keepAlive: _keepAlive, keepAliveInitialDelay: _delay, ...tls } = connect as Record<string, unknown>;
  return tls;
}

type Body = string | Buffer | undefined;

/** Whether this transport can send the request's body (client-node also allows forms). */
function sendableBody(body: unknown): body is Body {
  return body === undefined || typeof body === "string" || Buffer.isBuffer(body);
}

/** As long as undici gives a new connection (TCP and TLS) before it gives up: 10 s. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Sends one request through `agent` and reads its answer whole. */
export function sendOverNode(
  request: RequestContext,
  agent: HttpAgent,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Promise<Answer> {
  const url = new URL(request.getUrl());
  const signal = request.getSignal();
  const body = request.getBody() as Body;
  const headers: Record<string, string | number> = { ...request.getHeaders() };
  if (!hasHeader(headers, "accept-encoding")) headers["accept-encoding"] = "gzip, deflate";
  if (body !== undefined && !hasHeader(headers, "content-length")) {
    headers["content-length"] = Buffer.byteLength(body);
  }
  const transport = url.protocol === "https:" ? process.getBuiltinModule("node:https") : http;

  return new Promise<Answer>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      req.destroy();
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    };
    const onAbort = () => fail(signal?.reason);
    const req = transport.request(url, { method: request.getHttpMethod(), headers, agent }, (response) => {
      readWhole(response)
        .then((raw) => decode(raw, response.headers["content-encoding"]))
        .then((data) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          resolve({
            status: response.statusCode ?? 0,
            headers: flatHeaders(response),
            body: wholeBody(data),
          });
        })
        .catch(fail);
    });
    req.on("error", fail);
    req.on("socket", (socket) => {
      if (!req.reusedSocket) limitConnectTime(socket, url, connectTimeoutMs, (error) => req.destroy(error));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });
}

/** Ends a new connection that is not up in time with the error undici gives for it. */
function limitConnectTime(socket: Socket, url: URL, ms: number, end: (error: Error) => void): void {
  const up = url.protocol === "https:" ? "secureConnect" : "connect";
  const timer = setTimeout(() => {
    const address = `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
    end(
      Object.assign(new Error(`Connect Timeout Error (attempted address: ${address}, timeout: ${ms}ms)`), {
        name: "ConnectTimeoutError",
        code: "UND_ERR_CONNECT_TIMEOUT",
      }),
    );
  }, ms).unref();
  const stop = () => clearTimeout(timer);
  socket.once(up, stop);
  socket.once("close", stop);
}

const hasHeader = (headers: Record<string, unknown>, name: string) =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

function readWhole(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    response.on("error", reject);
    response.on("close", () => {
      if (!response.complete) reject(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    });
  });
}

/** Decompressed as fetch does; zlib is loaded only for an answer that needs it. */
function decode(raw: Buffer, encoding: string | undefined): Promise<Buffer> {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return Promise.resolve(raw);
  const zlib = process.getBuiltinModule("node:zlib");
  const inflate =
    coding === "gzip" || coding === "x-gzip"
      ? zlib.gunzip
      : coding === "deflate"
        ? zlib.inflate
        : coding === "br"
          ? zlib.brotliDecompress
          : undefined;
  if (inflate === undefined) return Promise.resolve(raw);
  return new Promise((resolve, reject) =>
    inflate(raw, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Header names in lower case, repeated headers joined with ", " (as fetch's Headers give them). */
function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function wholeBody(data: Buffer): ResponseBody {
  return {
    text: async () => data.toString("utf8"),
    binary: async () => data,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(data));
          controller.close();
        },
      }),
  };
}

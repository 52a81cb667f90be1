// A small server that speaks the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) as
// Prometheus answers it: vectors and matrices with string values, 400 for missing parameters, a
// 200 with `status: error`, 401 without the expected credentials. It records every request.
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface Sample {
  metric: Record<string, string>;
  value: number | string;
}

export interface Series {
  metric: Record<string, string>;
  values: Array<number | string>;
}

/** What a query answers; a query with no answer gets an empty result. */
export type Answer =
  | { vector: Sample[] }
  | { matrix: Series[] }
  /** A 200 with `status: error`, as Prometheus reports an evaluation error. */
  | { error: string }
  | { status: number; body: string };

export interface SeenRequest {
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakePrometheusOptions {
  /** Answers by query text; a function is asked on every request (the state may change). */
  answers?: Record<string, Answer | (() => Answer)>;
  /** The `Authorization` header every request must carry (else 401). */
  authorization?: string;
  /** Serve HTTPS with this certificate. */
  tls?: { cert: string; key: string };
  /** Where the API sits: "" for a Prometheus server, a service proxy path for an API server. */
  prefix?: string;
  /** Extra routes (the tests' own switches), by path. */
  routes?: Record<string, () => void>;
}

export interface FakePrometheus {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const badData = (res: ServerResponse, error: string) =>
  json(res, 400, { status: "error", errorType: "bad_data", error });

/** Prometheus' time parameter: RFC 3339 or unix seconds. */
function parseTime(text: string | null): number | undefined {
  if (text === null) return undefined;
  const seconds = Number(text);
  if (text !== "" && Number.isFinite(seconds)) return seconds;
  const ms = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Prometheus' duration parameter: float seconds or "30s", "1m". */
function parseStep(text: string | null): number | undefined {
  if (text === null) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  return match ? Number(match[1]) * units[match[2]!]! : undefined;
}

export async function startFakePrometheus(options: FakePrometheusOptions = {}): Promise<FakePrometheus> {
  const requests: SeenRequest[] = [];
  const prefix = options.prefix ?? "";
  const answerFor = (query: string): Answer | undefined => {
    const answer = options.answers?.[query];
    return typeof answer === "function" ? answer() : answer;
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://prometheus");
    requests.push({ path: url.pathname, params: url.searchParams, headers: req.headers });
    const route = options.routes?.[url.pathname];
    if (route) {
      route();
      res.writeHead(204).end();
      return;
    }
    if (options.authorization && req.headers.authorization !== options.authorization) {
      res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized\n");
      return;
    }
    const endpoint = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    if (endpoint !== "/api/v1/query" && endpoint !== "/api/v1/query_range") {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      return;
    }
    const query = url.searchParams.get("query");
    if (!query)
      return badData(
        res,
        'invalid parameter "query": unknown position: parse error: no expression found in input',
      );
    const range = endpoint === "/api/v1/query_range";
    const time = parseTime(url.searchParams.get("time")) ?? Date.now() / 1000;
    const start = parseTime(url.searchParams.get("start"));
    const end = parseTime(url.searchParams.get("end"));
    const step = parseStep(url.searchParams.get("step"));
    if (url.searchParams.has("time") && parseTime(url.searchParams.get("time")) === undefined) {
      return badData(
        res,
        `invalid parameter "time": cannot parse "${url.searchParams.get("time")}" to a valid timestamp`,
      );
    }
    if (range && start === undefined)
      return badData(res, 'invalid parameter "start": cannot parse "" to a valid timestamp');
    if (range && end === undefined)
      return badData(res, 'invalid parameter "end": cannot parse "" to a valid timestamp');
    if (range && !(step! > 0)) {
      return badData(
        res,
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    const answer = answerFor(query);
    if (answer && "status" in answer) {
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
      return;
    }
    if (answer && "error" in answer) {
      return json(res, 200, { status: "error", errorType: "execution", error: answer.error });
    }
    if (range) {
      const series = answer && "matrix" in answer ? answer.matrix : [];
      const result = series.map((s) => ({
        metric: s.metric,
        values: s.values.map((v, i) => [start! + i * step!, String(v)]),
      }));
      return json(res, 200, { status: "success", data: { resultType: "matrix", result } });
    }
    const samples = answer && "vector" in answer ? answer.vector : [];
    const result = samples.map((s) => ({ metric: s.metric, value: [time, String(s.value)] }));
    return json(res, 200, { status: "success", data: { resultType: "vector", result } });
  };

  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

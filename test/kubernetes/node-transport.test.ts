// API requests over Node's http/https (node-transport.ts): what the retrying transport and
// cluster-errors.ts read of an answer or a failure is what client-node's fetch gave them.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { RequestContext } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentFor,
  IDLE_CONNECTION_MS,
  rememberConnection,
  sendOverNode,
} from "../../src/kubernetes/node-transport.ts";

let server: Server;
let base: string;
let connections = 0;
const received: Array<{ method: string; headers: IncomingMessage["headers"]; body: string }> = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/gzip": (_req, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
      "x-twice": ["a", "b"],
    });
    res.end(gzipSync('{"kind":"PodList","items":[]}'));
  },
  "/echo": (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(201, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  },
  "/bad-gzip": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    res.end("not gzip at all");
  },
  // Headers and half the body, then the connection is cut.
  "/cut": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
    res.write('{"items":[');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  // Headers and half the body, then nothing.
  "/stall": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
    res.write('{"items":[');
  },
};

beforeAll(async () => {
  server = createServer((req, res) => routes[new URL(req.url ?? "/", "http://x").pathname]?.(req, res));
  server.on("connection", () => connections++);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function request(path: string, method: "GET" | "POST" = "GET"): RequestContext {
  return new RequestContext(`${base}${path}`, method);
}

const agentOf = (context: RequestContext) => {
  const agent = agentFor(context);
  if (agent === undefined) throw new Error("no agent for a plain connection");
  return agent;
};

describe("an answer", () => {
  it("is read whole and decompressed, its header names in lower case, repeated ones joined", async () => {
    const context = request("/gzip");
    const answer = await sendOverNode(context, agentOf(context));
    expect(answer.status).toBe(200);
    expect(await answer.body.text()).toBe('{"kind":"PodList","items":[]}');
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["x-twice"]).toBe("a, b");
  });

  it("sends the method, the headers and the body with its length, and asks for compression", async () => {
    const context = request("/echo", "POST");
    context.setHeaderParam("Content-Type", "application/json");
    context.setHeaderParam("Authorization", "Bearer t");
    context.setBody('{"metadata":{"name":"é"}}');
    const answer = await sendOverNode(context, agentOf(context));
    expect(answer.status).toBe(201);
    const seen = received.at(-1);
    expect(seen?.method).toBe("POST");
    expect(seen?.body).toBe('{"metadata":{"name":"é"}}');
    expect(seen?.headers["content-length"]).toBe(String(Buffer.byteLength('{"metadata":{"name":"é"}}')));
    expect(seen?.headers.authorization).toBe("Bearer t");
    expect(seen?.headers["accept-encoding"]).toBe("gzip, deflate");
  });

  it("comes over one kept-alive connection for requests one after another", async () => {
    const before = connections;
    for (let n = 0; n < 10; n++) {
      const context = request("/echo");
      await (await sendOverNode(context, agentOf(context))).body.text();
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });
});

describe("a failure, as fetch reports it", () => {
  it("a connection cut in the middle of the body: `fetch failed`, caused by ECONNRESET", async () => {
    const context = request("/cut");
    const failure = await sendOverNode(context, agentOf(context)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).toBe("fetch failed");
    expect(((failure as Error).cause as { code?: string }).code).toBe("ECONNRESET");
  });

  it("a body that does not decompress: `fetch failed`, caused by zlib's error", async () => {
    const context = request("/bad-gzip");
    const failure = await sendOverNode(context, agentOf(context)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe("fetch failed");
    expect(((failure as Error).cause as { code?: string }).code).toBe("Z_DATA_ERROR");
  });

  it("a refused connection: `fetch failed`, caused by ECONNREFUSED", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as AddressInfo;
    closed.close();
    const context = new RequestContext(`http://127.0.0.1:${port}/`, "GET");
    const failure = await sendOverNode(context, agentOf(context)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe("fetch failed");
    expect(((failure as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("a request stopped while the body arrives: its signal's reason, and the connection is closed", async () => {
    const context = request("/stall");
    context.setSignal(AbortSignal.timeout(100));
    let socket: Socket | undefined;
    server.once("request", (req: IncomingMessage) => {
      socket = req.socket;
    });
    const failure = await sendOverNode(context, agentOf(context)).catch((error: unknown) => error);
    expect((failure as Error).name).toBe("TimeoutError");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket?.destroyed).toBe(true);
  });

  it("a connection not up in time: `fetch failed`, caused by undici's connect timeout", async () => {
    // Accepts TCP and never answers the TLS handshake.
    const silent = createNetServer(() => {});
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const { port } = silent.address() as AddressInfo;
    try {
      const context = new RequestContext(`https://127.0.0.1:${port}/`, "GET");
      const failure = await sendOverNode(context, agentOf(context), 200).catch((error: unknown) => error);
      expect((failure as Error).message).toBe("fetch failed");
      const cause = (failure as Error).cause as { code?: string; message?: string };
      expect(cause.code).toBe("UND_ERR_CONNECT_TIMEOUT");
      expect(cause.message).toContain(`127.0.0.1:${port}`);
    } finally {
      silent.close();
    }
  });

  it("a request whose signal has already ended is not sent", async () => {
    const before = received.length;
    const context = request("/echo", "POST");
    const stop = new AbortController();
    stop.abort(new Error("interrupted"));
    context.setSignal(stop.signal);
    await expect(sendOverNode(context, agentOf(context))).rejects.toThrow("interrupted");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.length).toBe(before);
  });
});

describe("which requests go over Node's http", () => {
  it("not one through a proxy, nor one whose dispatcher we did not make: those stay on undici", () => {
    const viaProxy = {};
    rememberConnection(viaProxy, { type: "proxy", uri: "http://proxy:3128", requestTls: {} } as never, base);
    const context = request("/echo");
    context.setDispatcher(viaProxy as never);
    expect(agentFor(context)).toBeUndefined();
    const unknown = request("/echo");
    unknown.setDispatcher({} as never);
    expect(agentFor(unknown)).toBeUndefined();
  });

  it("not one whose URL holds credentials: fetch refuses it, where Node's http would send them", () => {
    const context = new RequestContext(`http://admin:pw@127.0.0.1:1/api`, "GET");
    expect(agentFor(context)).toBeUndefined();
  });

  it("one with TLS settings gets an agent with them, one agent per dispatcher", () => {
    const withCa = {};
    rememberConnection(
      withCa,
      { type: "agent", connect: { ca: "PEM", keepAlive: true } } as never,
      "https://k:6443",
    );
    const first = new RequestContext("https://k:6443/api", "GET");
    first.setDispatcher(withCa as never);
    const second = new RequestContext("https://k:6443/apis", "GET");
    second.setDispatcher(withCa as never);
    const agent = agentFor(first) as unknown as { options: Record<string, unknown>; keepAlive: boolean };
    expect(agent.options.ca).toBe("PEM");
    expect(agent.keepAlive).toBe(true);
    expect(agent.options.timeout).toBe(IDLE_CONNECTION_MS);
    expect(agentFor(second)).toBe(agent);
  });
});

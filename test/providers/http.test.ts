import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpProvider } from "../../src/experiment/format.ts";
import { runHttpProvider } from "../../src/providers/http.ts";
import { textOf } from "../../src/providers/response-text.ts";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
const hanging: http.ServerResponse[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    seen.push({
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    const route = new URL(req.url!, "http://x").pathname;
    if (route === "/json") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "X-Custom-Header": "yes" });
      res.end(JSON.stringify({ status: "UP", items: [1, 2] }));
    } else if (route === "/exact-json") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"a": 1}');
    } else if (route === "/broken-json") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{not json");
    } else if (route === "/latin") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(Buffer.from("café", "utf8"));
    } else if (route === "/utf8-text") {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(Buffer.from("café", "utf8"));
    } else if (route === "/text") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end('{"looks": "like json"}');
    } else if (route === "/error") {
      res.writeHead(503, { "Content-Type": "text/plain" });
      res.end("unavailable");
    } else if (route === "/moved") {
      res.writeHead(301, { Location: "/landed" });
      res.end();
    } else if (route === "/redirect") {
      res.writeHead(302, { Location: "/json" });
      res.end();
    } else if (route === "/hang") {
      hanging.push(res);
    } else {
      res.writeHead(200);
      res.end("ok");
    }
  });
}

let server: http.Server;
let tlsServer: https.Server;
let base: string;
let tlsBase: string;
let closedPort: number;

beforeAll(async () => {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
  });
  tlsServer = https.createServer({ key: pems.private, cert: pems.cert }, handler);
  await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
  tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  tlsServer.closeAllConnections();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => tlsServer.close(r))]);
});

const signal = () => new AbortController().signal;
const call = (provider: Partial<HttpProvider> & { url: string }, s = signal()) =>
  runHttpProvider({ type: "http", ...provider }, { signal: s });

describe("http provider", () => {
  it("parses a JSON body whose content type has parameters, keeping its text for regex tolerances; keeps header names as sent", async () => {
    const out = await call({ url: `${base}/json` });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ status: "UP", items: [1, 2] });
    expect(textOf(out.body)).toBe(JSON.stringify({ status: "UP", items: [1, 2] }));
    expect(out.headers["X-Custom-Header"]).toBe("yes");
    expect(out.headers["Content-Type"]).toBe("application/json; charset=utf-8");
  });

  it("decodes text like requests: the charset parameter, else ISO-8859-1 for text types", async () => {
    expect((await call({ url: `${base}/latin` })).body).toBe("cafÃ©");
    expect((await call({ url: `${base}/utf8-text` })).body).toBe("café");
  });

  it("keeps text bodies as text, and JSON that does not parse as text", async () => {
    expect((await call({ url: `${base}/text` })).body).toBe('{"looks": "like json"}');
    expect((await call({ url: `${base}/exact-json` })).body).toEqual({ a: 1 });
    expect((await call({ url: `${base}/broken-json` })).body).toBe("{not json");
  });

  it("GET arguments become the query string (lists repeat, null dropped, Python str())", async () => {
    await call({ url: `${base}/q?x=0`, arguments: { a: 1, b: [2, 3], c: null, d: true, e: "s p" } });
    expect(seen.at(-1)!.url).toBe("/q?x=0&a=1&b=2&b=3&d=True&e=s+p");
  });

  it("GET arguments as a string are appended to the query; a mapping value repeats the key per key", async () => {
    await call({ url: `${base}/q?x=0`, arguments: "a=1&b=two" });
    expect(seen.at(-1)!.url).toBe("/q?x=0&a=1&b=two");
    await call({ url: `${base}/q`, arguments: { m: { k1: 1, k2: 2 }, n: [[1, 2]] } });
    expect(seen.at(-1)!.url).toBe("/q?m=k1&m=k2&n=1&n=2");
  });

  it("sends JSON only for the exact header `Content-Type: application/json`, else a form", async () => {
    await call({
      url: `${base}/post`,
      method: "POST",
      headers: { "content-type": "application/json" },
      arguments: { a: 1 },
    });
    expect(seen.at(-1)).toMatchObject({ body: "a=1" });
    expect(seen.at(-1)!.headers["content-type"]).toBe("application/json");
    await call({
      url: `${base}/post`,
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8" },
      arguments: { a: 1 },
    });
    expect(seen.at(-1)).toMatchObject({ body: "a=1" });
  });

  it("sends a JSON body when Content-Type is application/json, else a form", async () => {
    await call({
      url: `${base}/post`,
      method: "post",
      headers: { "Content-Type": "application/json", "X-Count": 3, "X-None": null },
      arguments: { a: [1, { b: null }] },
    });
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: '{"a":[1,{"b":null}]}' });
    expect(seen.at(-1)!.headers["x-count"]).toBe("3");
    expect(seen.at(-1)!.headers["x-none"]).toBeUndefined();
    await call({ url: `${base}/post`, method: "PUT", arguments: { a: 1, b: "x y" } });
    expect(seen.at(-1)).toMatchObject({ method: "PUT", body: "a=1&b=x+y" });
    expect(seen.at(-1)!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("a 5xx is an output, not a failure", async () => {
    const out = await call({ url: `${base}/error` });
    expect(out).toMatchObject({ status: 503, body: "unavailable" });
  });

  it("ignores expected_status, as Chaos Toolkit does since 0.9.1", async () => {
    const out = await call({ url: `${base}/error`, expected_status: [200, 204] });
    expect(out).toMatchObject({ status: 503, body: "unavailable" });
  });

  it("a 301 keeps the method and body of anything but a POST, as requests does", async () => {
    await call({ url: `${base}/moved`, method: "PUT", arguments: { a: 1 } });
    expect(seen.at(-1)).toMatchObject({ method: "PUT", url: "/landed", body: "a=1" });
    await call({ url: `${base}/moved`, method: "POST", arguments: { a: 1 } });
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/landed", body: "" });
  });

  it("follows redirects", async () => {
    const out = await call({ url: `${base}/redirect` });
    expect(out.body).toEqual({ status: "UP", items: [1, 2] });
  });

  it("a connection error says which URL could not be reached", async () => {
    await expect(call({ url: `http://127.0.0.1:${closedPort}/x` })).rejects.toThrow(
      new RegExp(`^failed to connect to http://127.0.0.1:${closedPort}/x: connect ECONNREFUSED`),
    );
  });

  it("times out on a server that does not answer (number or [connect, read])", async () => {
    const started = Date.now();
    await expect(call({ url: `${base}/hang`, timeout: 0.2 })).rejects.toThrow(
      `activity took too long to complete: ${base}/hang sent nothing for 0.2s`,
    );
    await expect(call({ url: `${base}/hang`, timeout: [1, 0.1] })).rejects.toThrow(/sent nothing for 0.1s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("an abort (interruption, activity timeout) stops the request with the signal's reason", async () => {
    const controller = new AbortController();
    const pending = call({ url: `${base}/hang` }, controller.signal);
    setTimeout(() => controller.abort(new Error("stopped")), 20);
    await expect(pending).rejects.toThrow("stopped");
  });

  it("verifies TLS by default and says how to skip it", async () => {
    await expect(call({ url: `${tlsBase}/json` })).rejects.toThrow(
      /^failed to connect to https:\/\/127\.0\.0\.1:\d+\/json: self[- ]signed certificate.*set verify_tls: false/,
    );
  });

  it("verify_tls: false talks to a self-signed server", async () => {
    const out = await call({ url: `${tlsBase}/exact-json`, verify_tls: false });
    expect(out).toMatchObject({ status: 200, body: { a: 1 } });
  });

  it("rejects URLs it cannot use", async () => {
    await expect(call({ url: "not a url" })).rejects.toThrow('"not a url" is not a valid URL');
    await expect(call({ url: "ftp://x/y" })).rejects.toThrow("must start with http:// or https://");
  });
});

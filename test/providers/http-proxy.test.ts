// HTTP probes honour HTTP_PROXY / HTTPS_PROXY / NO_PROXY: plain HTTP is forwarded by the proxy,
// HTTPS tunnels through it (CONNECT); NO_PROXY names hosts reached directly.

import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHttpProvider } from "../../src/providers/http.ts";
import { simCertificates } from "../../src/sim/certificates.ts";
import { type CountingProxy, startCountingProxy } from "../support/connect-proxy.ts";

let proxy: CountingProxy;
let plain: Server;
let secure: Server;
const signal = new AbortController().signal;
const urlOf = (server: Server, scheme: string) =>
  `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

beforeAll(async () => {
  proxy = await startCountingProxy();
  const answer = (_req: unknown, res: import("node:http").ServerResponse) => res.end("ok");
  plain = createServer(answer);
  const certs = await simCertificates();
  secure = createHttpsServer({ key: certs.serverKeyPem, cert: certs.serverCertPem }, answer);
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await proxy.close();
  plain.close();
  secure.close();
});

describe("the http provider behind a proxy", () => {
  it("forwards plain HTTP through HTTP_PROXY", async () => {
    const before = proxy.forwarded;
    const out = await runHttpProvider(
      { type: "http", url: urlOf(plain, "http") },
      { signal, env: { HTTP_PROXY: proxy.url } },
    );
    expect(out).toMatchObject({ status: 200, body: "ok" });
    expect(proxy.forwarded).toBe(before + 1);
  });

  it("tunnels HTTPS through HTTPS_PROXY", async () => {
    const before = proxy.tunnels;
    const out = await runHttpProvider(
      { type: "http", url: urlOf(secure, "https"), verify_tls: false },
      { signal, env: { HTTPS_PROXY: proxy.url } },
    );
    expect(out).toMatchObject({ status: 200, body: "ok" });
    expect(proxy.tunnels).toBe(before + 1);
  });

  it("NO_PROXY=127.0.0.1 goes direct", async () => {
    const before = { tunnels: proxy.tunnels, forwarded: proxy.forwarded };
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" };
    await runHttpProvider({ type: "http", url: urlOf(plain, "http") }, { signal, env });
    await runHttpProvider({ type: "http", url: urlOf(secure, "https"), verify_tls: false }, { signal, env });
    expect({ tunnels: proxy.tunnels, forwarded: proxy.forwarded }).toEqual(before);
  });

  it("without proxy variables nothing changes", async () => {
    const before = proxy.forwarded;
    await runHttpProvider({ type: "http", url: urlOf(plain, "http") }, { signal, env: {} });
    expect(proxy.forwarded).toBe(before);
  });
});

// The webhook message and its delivery, to a local server on 127.0.0.1 that records what it receives.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifiesOn, notifyWebhook, webhookText, webhookUrlProblem } from "../../src/run/webhook.ts";

let server: Server;
let base: string;
const received: Array<{ url: string; body: string }> = [];
let answer = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ url: req.url ?? "", body });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the webhook notification", () => {
  it("is sent when the run would fail a gate", () => {
    expect(
      ["passed", "skipped", "deviated", "failed", "invalid"].filter((v) => notifiesOn(v as never)),
    ).toEqual(["deviated", "failed", "invalid"]);
  });

  it("says what happened, then each experiment that did not hold", () => {
    expect(
      webhookText({
        verdict: "deviated",
        where: "prod-eu",
        outcomes: [
          {
            file: "a.yaml",
            title: "Pods come back",
            verdict: "deviated",
            reason: "deviated: all-pods-running\nmore",
          },
          { file: "b.yaml", verdict: "passed", reason: "held" },
          { file: "c.yaml", verdict: "failed", reason: "failed: RBAC refused" },
        ],
      }),
    ).toBe(
      "chaos-action: deviated on prod-eu: 2 of 3 experiments did not hold\n" +
        "✗ Pods come back (a.yaml): deviated: all-pods-running\n" +
        "✗ c.yaml: failed: RBAC refused",
    );
    expect(webhookText({ verdict: "invalid", outcomes: [], error: "no service account" })).toBe(
      "chaos-action: the run could not start: no service account",
    );
  });

  it("POSTs Slack's {text} as JSON", async () => {
    answer = 200;
    expect(await notifyWebhook(`${base}/services/T/B/token`, "hello")).toBeUndefined();
    expect(received.at(-1)).toEqual({ url: "/services/T/B/token", body: '{"text":"hello"}' });
  });

  it("answers a warning that never names the URL when delivery fails", async () => {
    answer = 404;
    expect(await notifyWebhook(`${base}/services/T/B/token`, "x")).toBe(
      "the webhook notification was refused: HTTP 404",
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const warning = await notifyWebhook(`http://127.0.0.1:${port}/services/T/B/token`, "x");
    expect(warning).toBe("the webhook notification could not be sent: ECONNREFUSED");
  });

  it("checks a URL without repeating it", () => {
    expect(webhookUrlProblem("https://hooks.slack.com/services/T/B/x")).toBeUndefined();
    expect(webhookUrlProblem("hooks.slack.com/x")).toBe("is not a URL");
    expect(webhookUrlProblem("file:///etc/passwd")).toBe("must be an https:// (or http://) URL");
  });
});

// chaosprometheus.probes against a local server that speaks the Prometheus HTTP API: the requests
// they send, what they return, how they fail, credentials and TLS.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PythonProvider } from "../../src/experiment/format.ts";
import { prometheusSource } from "../../src/prometheus/catalog.ts";
import { prometheusGet } from "../../src/prometheus/client.ts";
import { prometheusEndpoint } from "../../src/prometheus/endpoint.ts";
import { NODES_CPU_QUERY, waitMs } from "../../src/prometheus/probes.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import type { ProviderCall } from "../../src/providers/provider-call.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { simCertificates } from "../../src/sim/certificates.ts";
import { type FakePrometheus, startFakePrometheus } from "./prometheus-server.ts";

const NOW = Date.parse("2026-12-06T12:00:00.000Z");
const execute = createExecutor({ registry: createRegistry([prometheusSource]) });

const probe = (func: string, args: Record<string, unknown>, secrets?: string[]): PythonProvider => ({
  type: "python",
  module: "chaosprometheus.probes",
  func,
  arguments: args,
  ...(secrets ? { secrets } : {}),
});

function call(configuration: Record<string, unknown>, overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    activity: "prometheus",
    signal: new AbortController().signal,
    configuration,
    secrets: {},
    undo: { register: async (s) => ({ ...s, id: "1" }), discard: async () => {} },
    clock: { now: () => NOW, sleep: async () => {} },
    experimentDir: ".",
    services: {},
    ...overrides,
  };
}

let server: FakePrometheus;
let config: Record<string, unknown>;

beforeAll(async () => {
  server = await startFakePrometheus({
    answers: {
      up: { vector: [{ metric: { __name__: "up", job: "web" }, value: 1 }] },
      "rate(errors[1m])": { matrix: [{ metric: { job: "web" }, values: [0, 0.5, "NaN", 2] }] },
      latency: {
        matrix: [
          { metric: {}, values: [1, 2, 3, 6] },
          { metric: {}, values: [100] },
        ],
      },
      "with zero": { matrix: [{ metric: {}, values: [0, 4] }] },
      broken: { error: "query processing would load too many samples into memory" },
      boom: { status: 500, body: "internal\nerror" },
      [NODES_CPU_QUERY]: { matrix: [{ metric: {}, values: [20, 40] }] },
    },
  });
  config = { prometheus_base_url: server.url };
});

afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

const lastRequest = () => server.requests.at(-1)!;

describe("query", () => {
  it("sends an instant query and returns Prometheus' answer as is", async () => {
    const out = await execute(probe("query", { query: "up" }), call(config));
    expect(out).toEqual({
      status: "success",
      data: {
        resultType: "vector",
        result: [{ metric: { __name__: "up", job: "web" }, value: [expect.any(Number), "1"] }],
      },
    });
    const seen = lastRequest();
    expect(seen.path).toBe("/api/v1/query");
    expect([...seen.params]).toEqual([["query", "up"]]);
    expect(seen.headers.accept).toBe("application/json");
    expect(seen.headers.authorization).toBeUndefined();
  });

  it("sends `when` as an RFC 3339 time and `timeout` as given", async () => {
    await execute(probe("query", { query: "up", when: "5 minutes ago", timeout: "30s" }), call(config));
    expect([...lastRequest().params]).toEqual([
      ["query", "up"],
      ["timeout", "30s"],
      ["time", "2026-12-06T11:55:00.000Z"],
    ]);
    await execute(probe("query", { query: "up", when: 1_700_000_000, timeout: 5 }), call(config));
    expect(lastRequest().params.get("time")).toBe("2023-11-14T22:13:20.000Z");
    expect(lastRequest().params.get("timeout")).toBe("5");
  });

  it("refuses a time it cannot read, as upstream: failed to parse '<value>'", async () => {
    await expect(
      execute(probe("query", { query: "up", when: "the day after" }), call(config)),
    ).rejects.toThrow("failed to parse 'the day after'");
    expect(server.requests).toEqual([]);
  });

  it("returns a 200 with status error as is, for the tolerance to judge", async () => {
    expect(await execute(probe("query", { query: "broken" }), call(config))).toEqual({
      status: "error",
      errorType: "execution",
      error: "query processing would load too many samples into memory",
    });
  });

  it("fails on any other status with upstream's message", async () => {
    await expect(execute(probe("query", { query: "boom" }), call(config))).rejects.toThrow(
      "Prometheus query {'query': 'boom'} failed: internal error",
    );
    await expect(execute(probe("query", { query: "" }), call(config))).rejects.toThrow(
      `Prometheus query {'query': ''} failed: {"status":"error","errorType":"bad_data"`,
    );
  });

  it("joins the base URL without doubling its slash, and keeps its path", async () => {
    await execute(probe("query", { query: "up" }), call({ prometheus_base_url: `${server.url}/` }));
    expect(lastRequest().path).toBe("/api/v1/query");
    await expect(
      execute(probe("query", { query: "up" }), call({ prometheus_base_url: `${server.url}/prom/` })),
    ).rejects.toThrow("failed: 404 page not found");
    expect(lastRequest().path).toBe("/prom/api/v1/query");
  });

  it("names the address it could not reach", async () => {
    const closed = await startFakePrometheus();
    await closed.close();
    await expect(
      execute(probe("query", { query: "up" }), call({ prometheus_base_url: closed.url })),
    ).rejects.toThrow(`failed to connect to Prometheus at ${closed.url}: connect ECONNREFUSED`);
  });

  it("ends with the activity", async () => {
    const controller = new AbortController();
    controller.abort(new Error("activity timed out"));
    await expect(
      execute(probe("query", { query: "up" }), call(config, { signal: controller.signal })),
    ).rejects.toThrow("activity timed out");
  });
});

describe("query_interval", () => {
  it("sends a range query (start, end, step) and returns the matrix as is", async () => {
    const out = await execute(
      probe("query_interval", { query: "rate(errors[1m])", start: "2 minutes ago", end: "now", step: 3 }),
      call(config),
    );
    expect([...lastRequest().params]).toEqual([
      ["query", "rate(errors[1m])"],
      ["step", "3"],
      ["start", "2026-12-06T11:58:00.000Z"],
      ["end", "2026-12-06T12:00:00.000Z"],
    ]);
    const start = NOW / 1000 - 120;
    expect(out).toEqual({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { job: "web" },
            values: [
              [start, "0"],
              [start + 3, "0.5"],
              [start + 6, "NaN"],
              [start + 9, "2"],
            ],
          },
        ],
      },
    });
  });

  it("sends step 1 by default, none when it is 0, and fails with upstream's message", async () => {
    await execute(probe("query_interval", { query: "up", start: "1 hour ago", end: "now" }), call(config));
    expect(lastRequest().params.get("step")).toBe("1");
    await expect(
      execute(
        probe("query_interval", { query: "up", start: "1 hour ago", end: "now", step: 0 }),
        call(config),
      ),
    ).rejects.toThrow(
      "Prometheus query range {'query': 'up', 'start': '2026-12-06T11:00:00.000Z', 'end': '2026-12-06T12:00:00.000Z'} failed: ",
    );
    expect(lastRequest().params.has("step")).toBe(false);
  });

  it("refuses a start or end it cannot read", async () => {
    await expect(
      execute(probe("query_interval", { query: "up", start: "last tuesday", end: "now" }), call(config)),
    ).rejects.toThrow("failed to parse 'last tuesday'");
    await expect(
      execute(probe("query_interval", { query: "up", start: "now", end: "soon" }), call(config)),
    ).rejects.toThrow("failed to parse 'soon'");
  });
});

describe("compute_mean and nodes_cpu_usage_mean", () => {
  it("averages the first series over the window back from now, about 300 points", async () => {
    expect(await execute(probe("compute_mean", { query: "latency" }), call(config))).toBe(3);
    expect([...lastRequest().params]).toEqual([
      ["query", "latency"],
      ["start", "2026-12-05T12:00:00.000Z"],
      ["end", "2026-12-06T12:00:00.000Z"],
      ["step", "288"],
    ]);
    await execute(probe("compute_mean", { query: "latency", window: "30 minutes" }), call(config));
    expect(lastRequest().params.get("step")).toBe("6");
  });

  it("computes geometric and harmonic means too (upstream never reaches harmonic)", async () => {
    const geometric = await execute(
      probe("compute_mean", { query: "latency", mean_type: "geometric" }),
      call(config),
    );
    expect(geometric).toBeCloseTo(Math.sqrt(6), 12);
    expect(
      await execute(probe("compute_mean", { query: "latency", mean_type: "harmonic" }), call(config)),
    ).toBe(2);
    expect(
      await execute(probe("compute_mean", { query: "with zero", mean_type: "harmonic" }), call(config)),
    ).toBe(0);
    await expect(
      execute(probe("compute_mean", { query: "with zero", mean_type: "geometric" }), call(config)),
    ).rejects.toThrow("geometric mean requires a non-empty dataset containing positive numbers");
    await expect(
      execute(probe("compute_mean", { query: "latency", mean_type: "median" }), call(config)),
    ).rejects.toThrow("mean_type must be one of arithmetic, geometric, harmonic, got 'median'");
  });

  it("leaves NaN samples out", async () => {
    expect(await execute(probe("compute_mean", { query: "rate(errors[1m])" }), call(config))).toBeCloseTo(
      2.5 / 3,
      12,
    );
  });

  it("fails when there is nothing to average or the query failed", async () => {
    await expect(execute(probe("compute_mean", { query: "absent" }), call(config))).rejects.toThrow(
      "Prometheus query 'absent' returned no series between 2026-12-05T12:00:00.000Z and 2026-12-06T12:00:00.000Z",
    );
    await expect(execute(probe("compute_mean", { query: "broken" }), call(config))).rejects.toThrow(
      "Prometheus query 'broken' was not successful: query processing would load too many samples into memory",
    );
    await expect(execute(probe("compute_mean", { query: "boom" }), call(config))).rejects.toThrow(
      "Failed to run Prometheus query 'boom': HTTP 500: internal error",
    );
    await expect(
      execute(probe("compute_mean", { query: "latency", window: "in 1 hour" }), call(config)),
    ).rejects.toThrow("window 'in 1 hour' must reach back from now");
    await expect(
      execute(probe("compute_mean", { query: "latency", window: "a while" }), call(config)),
    ).rejects.toThrow("failed to parse 'a while'");
  });

  it("nodes_cpu_usage_mean averages the nodes' CPU usage", async () => {
    expect(await execute(probe("nodes_cpu_usage_mean", { window: "1h" }), call(config))).toBe(30);
    expect(lastRequest().params.get("query")).toBe(NODES_CPU_QUERY);
    expect(lastRequest().params.get("start")).toBe("2026-12-06T11:00:00.000Z");
  });
});

describe("credentials and TLS", () => {
  const scratch = mkdtempSync(join(tmpdir(), "prometheus-tls-"));
  let secured: FakePrometheus;
  let tls: FakePrometheus;
  let caFile: string;

  beforeAll(async () => {
    secured = await startFakePrometheus({
      answers: { up: { vector: [{ metric: {}, value: 1 }] } },
      authorization: "Bearer t0k3n-for-prometheus",
    });
    const certificates = await simCertificates();
    tls = await startFakePrometheus({
      answers: { up: { vector: [{ metric: {}, value: 1 }] } },
      tls: { cert: certificates.serverCertPem, key: certificates.serverKeyPem },
    });
    caFile = join(scratch, "ca.pem");
    writeFileSync(caFile, certificates.caPem);
  });

  afterAll(async () => {
    await secured.close();
    await tls.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const securedCall = (secrets: Record<string, unknown>) =>
    call({ prometheus_base_url: secured.url }, { secrets: { prometheus: secrets } });

  it("sends a bearer token from the activity's secrets", async () => {
    const out = await execute(
      probe("query", { query: "up" }, ["prometheus"]),
      securedCall({ prometheus_token: "t0k3n-for-prometheus" }),
    );
    expect(out).toMatchObject({ status: "success" });
    expect(secured.requests.at(-1)?.headers.authorization).toBe("Bearer t0k3n-for-prometheus");
  });

  it("fails with the server's answer when the credentials are missing or wrong", async () => {
    await expect(execute(probe("query", { query: "up" }), securedCall({}))).rejects.toThrow(
      "Prometheus query {'query': 'up'} failed: Unauthorized",
    );
    await expect(
      execute(
        probe("query", { query: "up" }, ["prometheus"]),
        securedCall({ prometheus_token: "wrong-t0ken" }),
      ),
    ).rejects.toThrow("failed: Unauthorized");
  });

  it("sends basic authentication, and refuses half of it or both kinds", async () => {
    const basic = await startFakePrometheus({
      answers: { up: { vector: [] } },
      authorization: `Basic ${Buffer.from("grafana:s3cr3t-pass").toString("base64")}`,
    });
    const basicCall = (secrets: Record<string, unknown>) =>
      call({ prometheus_base_url: basic.url }, { secrets: { prometheus: secrets } });
    try {
      const out = await execute(
        probe("query_interval", { query: "up", start: "now", end: "now" }, ["prometheus"]),
        basicCall({ prometheus_username: "grafana", prometheus_password: "s3cr3t-pass" }),
      );
      expect(out).toMatchObject({ status: "success" });
      await expect(
        execute(
          probe("query", { query: "up" }, ["prometheus"]),
          basicCall({ prometheus_username: "grafana" }),
        ),
      ).rejects.toThrow("basic authentication needs both prometheus_username and prometheus_password");
      await expect(
        execute(
          probe("query", { query: "up" }, ["prometheus"]),
          basicCall({
            prometheus_token: "t0k3n",
            prometheus_username: "grafana",
            prometheus_password: "p4ss",
          }),
        ),
      ).rejects.toThrow("the secrets give both prometheus_token and prometheus_username/prometheus_password");
    } finally {
      await basic.close();
    }
  });

  it("verifies TLS: a CA from prometheus_ca_file, or verify_tls: false", async () => {
    await expect(
      execute(probe("query", { query: "up" }), call({ prometheus_base_url: tls.url })),
    ).rejects.toThrow(/failed to connect to Prometheus at https:\/\/127\.0\.0\.1:\d+: .*prometheus_ca_file/);
    const withCa = await execute(
      probe("query", { query: "up" }),
      call({ prometheus_base_url: tls.url, prometheus_ca_file: caFile }),
    );
    expect(withCa).toMatchObject({ status: "success" });
    const unverified = await execute(
      probe("query", { query: "up", verify_tls: false }),
      call({ prometheus_base_url: tls.url }),
    );
    expect(unverified).toMatchObject({ status: "success" });
    await expect(
      execute(
        probe("query", { query: "up" }),
        call({ prometheus_base_url: tls.url, prometheus_ca_file: join(scratch, "nope.pem") }),
      ),
    ).rejects.toThrow(`cannot read prometheus_ca_file "${join(scratch, "nope.pem")}"`);
  });

  it("refuses a base URL that is not http(s)", async () => {
    await expect(
      execute(probe("query", { query: "up" }), call({ prometheus_base_url: "ftp://prometheus" })),
    ).rejects.toThrow('prometheus_base_url "ftp://prometheus" must start with http:// or https://');
  });
});

describe("waits and redirects", () => {
  const listen = async (
    handler: Parameters<typeof createServer>[1],
  ): Promise<{ server: Server; url: string }> => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };

  it("waits for the query's own timeout (Prometheus' 2 minutes by default) plus 10 s", () => {
    expect(waitMs(null)).toBe(130_000);
    expect(waitMs(5)).toBe(15_000);
    expect(waitMs("30s")).toBe(40_000);
    expect(waitMs("1m30s")).toBe(100_000);
    expect(waitMs("2.5")).toBe(12_500);
    expect(waitMs("whenever")).toBe(130_000);
  });

  it("gives up on a server that does not answer within the wait", async () => {
    const silent = await listen(() => {});
    try {
      const endpoint = prometheusEndpoint({ prometheus_base_url: silent.url }, {});
      await expect(
        prometheusGet(new URL(`${silent.url}/api/v1/query?query=up`), endpoint, {
          verifyTls: true,
          waitMs: 200,
          ctx: call({}),
        }),
      ).rejects.toThrow(`Prometheus at ${silent.url} did not answer within 0.2s`);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it("follows redirects as requests does, sending credentials to the same host only", async () => {
    const secured = await startFakePrometheus({
      answers: { up: { vector: [] } },
      authorization: "Bearer t0k3n-redirect",
    });
    let target = secured.url;
    const seen: Array<[string, string | undefined]> = [];
    // The second host sends the client back to itself once, then on to the target.
    const second = await listen((req, res) => {
      seen.push(["second", req.headers.authorization]);
      const again = req.url?.startsWith("/again") ?? false;
      res.writeHead(302, { location: again ? `${target}${req.url!.slice(6)}` : `/again${req.url}` }).end();
    });
    const first = await listen((req, res) => {
      seen.push(["first", req.headers.authorization]);
      res.writeHead(302, { location: `${second.url}${req.url}` }).end();
    });
    try {
      const secrets = { prometheus: { prometheus_token: "t0k3n-redirect" } };
      await expect(
        execute(
          probe("query", { query: "up" }, ["prometheus"]),
          call({ prometheus_base_url: first.url }, { secrets }),
        ),
      ).rejects.toThrow("Prometheus query {'query': 'up'} failed: Unauthorized");
      expect(seen).toEqual([
        ["first", "Bearer t0k3n-redirect"],
        ["second", undefined],
        ["second", undefined],
      ]);
      expect(secured.requests.at(-1)?.headers.authorization).toBeUndefined();
      target = server.url;
      expect(
        await execute(probe("query", { query: "up" }), call({ prometheus_base_url: first.url })),
      ).toEqual(expect.objectContaining({ status: "success" }));
    } finally {
      first.server.close();
      second.server.close();
      await secured.close();
    }
  });
});

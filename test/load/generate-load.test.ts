import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.ts";
import { generateLoad, type LoadOutput } from "../../src/load/generate-load.ts";
import type { NativeContext } from "../../src/providers/native.ts";
import { kubeConfigFor, simsClosedAfterEachTest } from "../sim/sim-client.ts";

const startSim = simsClosedAfterEachTest();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function context(
  services: Record<string, unknown> = {},
  signal = new AbortController().signal,
): NativeContext {
  return {
    signal,
    secrets: {},
    configuration: {},
    undo: { register: async (step) => ({ ...step, id: "x" }), discard: async () => {} },
    clock: systemClock,
    experimentDir: ".",
    services,
  };
}

async function localServer(answer: (n: number) => number): Promise<string> {
  let n = 0;
  const server = createServer((_req, res) => {
    res.writeHead(answer(n++));
    res.end("ok");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("generate_load", () => {
  it("sends rate × duration requests to a URL and counts failures by kind", async () => {
    const url = await localServer((n) => (n % 4 === 3 ? 503 : 200));
    const output = (await generateLoad(
      { url, rate: 40, duration: 1, timeout: 2, max_in_flight: 10 },
      context(),
    )) as LoadOutput;
    expect(output.requests).toBe(40);
    expect(output.succeeded).toBe(30);
    expect(output.errors).toEqual({ http_503: 10 });
    expect(output.success_ratio).toBe(0.75);
    expect(output.series.reduce((sum, s) => sum + s.requests, 0)).toBe(40);
    expect(output.p99_ms).toBeGreaterThan(0);
  });

  it("counts a refused connection and refuses arguments beyond its bounds", async () => {
    const output = (await generateLoad(
      { url: "http://127.0.0.1:1/", rate: 10, duration: 0.5, timeout: 1, max_in_flight: 5 },
      context(),
    )) as LoadOutput;
    expect(output.failed).toBe(5);
    expect(output.errors).toEqual({ ECONNREFUSED: 5 });
    await expect(
      generateLoad(
        { url: "http://127.0.0.1:1/", rate: 5000, duration: 1, timeout: 1, max_in_flight: 5 },
        context(),
      ),
    ).rejects.toThrow(/rate/);
    await expect(
      generateLoad(
        { url: "http://127.0.0.1:1/", rate: 1000, duration: 600, timeout: 1, max_in_flight: 5 },
        context(),
      ),
    ).rejects.toThrow(/100000/);
    await expect(
      generateLoad({ rate: 1, duration: 1, timeout: 1, max_in_flight: 5 }, context()),
    ).rejects.toThrow(/exactly one/);
  });

  it("stops when the run is aborted and returns what it measured", async () => {
    const url = await localServer(() => 200);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("interrupted")), 300);
    const begun = Date.now();
    const output = (await generateLoad(
      { url, rate: 20, duration: 30, timeout: 1, max_in_flight: 10 },
      context({}, controller.signal),
    )) as LoadOutput;
    expect(Date.now() - begun).toBeLessThan(2000);
    expect(output.stopped_early).toBe(true);
    expect(output.requests).toBeGreaterThan(3);
    expect(output.requests).toBeLessThan(20);
  });

  it("reaches a Service through the API server's proxy with the run's credentials", async () => {
    const sim = await startSim();
    const kc = kubeConfigFor(sim);
    const kubernetes = { connect: async () => kc };
    // The demo app's pods become Ready quickly under test timings.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const output = (await generateLoad(
      {
        service: "web",
        port: "http",
        namespace: "default",
        path: "/",
        rate: 30,
        duration: 1,
        timeout: 2,
        max_in_flight: 10,
      },
      context({ kubernetes }),
    )) as LoadOutput;
    expect(output.target).toBe("service default/web:http through the API server");
    expect(output.success_ratio).toBe(1);
  });
});

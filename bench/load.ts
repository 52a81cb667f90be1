// Load activity accuracy: chaosaction.load.probes.generate_load against a 127.0.0.1 server in a child
// process (so this process's CPU time is the client's alone): achieved vs requested rate, and the
// client's CPU time per request.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { systemClock } from "../src/engine/clock.ts";
import { generateLoad, type LoadOutput } from "../src/load/generate-load.ts";
import type { NativeContext } from "../src/providers/native.ts";

const RATES = [50, 200, 1000];
const DURATION_S = Number(process.env.BENCH_LOAD_SECONDS ?? 5);

const SERVER = `require("node:http").createServer((q, s) => { s.end("ok"); })
  .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;

async function localServer() {
  const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout, "data")) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/`, stop: () => child.kill() };
}

const context: NativeContext = {
  signal: new AbortController().signal,
  secrets: {},
  configuration: {},
  undo: { register: async (step) => ({ ...step, id: "bench" }), discard: async () => {} },
  clock: systemClock,
  experimentDir: ".",
  services: {},
};

const server = await localServer();
try {
  console.log(`\nload activity against 127.0.0.1, ${DURATION_S} s per rate (target: achieved within 2%)`);
  console.log("requested  achieved     error   succeeded  p50      p99      client CPU per request");
  for (const rate of RATES) {
    const cpu = process.cpuUsage();
    const output = (await generateLoad(
      { url: server.url, rate, duration: DURATION_S, timeout: 2, max_in_flight: 200 },
      context,
    )) as LoadOutput;
    const used = process.cpuUsage(cpu);
    const error = ((output.rate_achieved - rate) / rate) * 100;
    const perRequestUs = (used.user + used.system) / output.requests;
    console.log(
      [
        `${rate} req/s`.padEnd(10),
        `${output.rate_achieved.toFixed(1)} req/s`.padEnd(12),
        `${error >= 0 ? "+" : ""}${error.toFixed(2)}%`.padEnd(7),
        `${output.succeeded}/${output.requests}`.padEnd(11),
        `${output.p50_ms} ms`.padEnd(8),
        `${output.p99_ms} ms`.padEnd(8),
        `${perRequestUs.toFixed(0)} µs ${Math.abs(error) <= 2 ? "" : "(NOT within 2%)"}`,
      ].join(" "),
    );
  }
} finally {
  server.stop();
}

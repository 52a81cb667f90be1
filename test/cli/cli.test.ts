// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-test-"));
  await writeFile(
    join(dir, "ok.yaml"),
    "title: ok\ndescription: d\nsteady-state-hypothesis:\n  title: h\n  probes:\n    - {type: probe, name: says-hi, tolerance: 0, provider: {type: process, path: echo, arguments: [hi]}}\nmethod:\n  - {type: action, name: act, provider: {type: process, path: 'true'}}\n",
  );
  await writeFile(
    join(dir, "slow.yaml"),
    "title: slow\ndescription: d\nmethod:\n  - {type: action, name: nap, provider: {type: process, path: sleep, arguments: ['5']}}\n",
  );
  await writeFile(join(dir, "bad.json"), '{"title": "t", "description": "d"}');
  // The probe holds while $FLAG_FILE is absent; the method creates it, so the hypothesis after deviates.
  // FLAG_FILE is absolute: processes run in this process's working directory, not in `CliIo.cwd`.
  await writeFile(
    join(dir, "deviates.yaml"),
    `title: deviates
description: d
configuration:
  flag: {type: env, key: FLAG_FILE}
steady-state-hypothesis:
  title: no flag
  probes:
    - {type: probe, name: no-flag, tolerance: 1, provider: {type: process, path: test, arguments: ["-e", "\${flag}"]}}
method:
  - {type: action, name: plant, provider: {type: process, path: touch, arguments: ["\${flag}"]}, pauses: {after: 0.3}}
  - {type: action, name: nap, provider: {type: process, path: sleep, arguments: ["5"]}}
rollbacks:
  - {type: action, name: tidy, provider: {type: process, path: rm, arguments: ["-f", "\${flag}"]}}
`,
  );
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const journalAt = async (name: string) => JSON.parse(await readFile(join(dir, name), "utf8"));

/** A port on 127.0.0.1 with nothing listening: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
afterAll(() => rm(dir, { recursive: true, force: true }));

function io(onSignal: CliIo["onSignal"] = () => () => {}, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    onSignal,
  };
  return { value, out, err };
}

describe("chaos-action CLI", () => {
  it("runs an experiment: progress and a verdict table on stderr, exit 0", async () => {
    const { value, err } = io();
    expect(await main(["run", "ok.yaml"], value)).toBe(0);
    const text = err.join("\n");
    expect(text).toContain("before   ✓ probe says-hi [echo] succeeded, tolerance met");
    expect(text).toContain("method   ✓ action act [true] succeeded");
    expect(text).toMatch(/passed\s+ok\.yaml\s+held/);
    expect(text).toContain(`journal: ${join(dir, "journal.json")}`);
    // A run that touches no cluster has no cluster changes to undo, and says nothing of them.
    expect(text).not.toContain("Undo steps");
  });

  it("exits 2 on an invalid experiment, naming file, line and path", async () => {
    const { value, err } = io();
    expect(await main(["run", "bad.json"], value)).toBe(2);
    expect(err.join("\n")).toContain("bad.json:1:1");
    expect(err.join("\n")).toMatch(/an experiment requires a method/);
  });

  it("reports every error of every file together, each file named as given", async () => {
    await writeFile(join(dir, "broken.yaml"), "title: t\ndescription: 'd\nmethod: []\n");
    await writeFile(join(dir, "two-errors.yaml"), "title: 1\ndescription: d\nmethod:\n  - {ref: nowhere}\n");
    const { value, err } = io();
    expect(await main(["validate", "broken.yaml", "two-errors.yaml"], value)).toBe(2);
    const text = err.join("\n");
    expect(text).toContain("broken.yaml:2:14: Failed parsing YAML experiment: Missing closing 'quote");
    expect(text).toContain("two-errors.yaml:1:1 title: experiment requires a title");
    expect(text).toContain(
      "two-errors.yaml:4:6 method[0].ref: referenced activity 'nowhere' could not be found",
    );
    expect(text).not.toContain(dir);
  });

  it("exits 2 on a bad flag, with a hint", async () => {
    const { value, err } = io();
    expect(await main(["run", "--rollback-strategy", "maybe"], value)).toBe(2);
    expect(err.join("\n")).toContain("Run 'chaos-action --help' for usage.");
  });

  it("validates without running", async () => {
    const { value } = io();
    expect(await main(["validate", "ok.yaml"], value)).toBe(0);
    expect(await main(["validate", "bad.json"], io().value)).toBe(2);
  });

  it("prints usage and version on stdout", async () => {
    const help = io();
    expect(await main(["--help"], help.value)).toBe(0);
    expect(help.out.join("\n")).toContain("chaos-action run [FILE|DIR|GLOB...]");
    const version = io();
    expect(await main(["--version"], version.value)).toBe(0);
    expect(version.out[0]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 1 when the hypothesis deviates; --fail-fast stops the method at a miss seen during it", async () => {
    const plain = io(undefined, { FLAG_FILE: join(dir, "flag-plain") });
    const started = Date.now();
    const code = await main(
      [
        "run",
        "deviates.yaml",
        "--journal-path",
        "fail-fast.json",
        "--hypothesis-strategy",
        "continuously",
        "--hypothesis-frequency",
        "0.05",
        "--fail-fast",
      ],
      plain.value,
    );
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(plain.err.join("\n")).toMatch(/deviated\s+deviates\.yaml\s+deviated: no-flag/);
    const journal = await journalAt("fail-fast.json");
    expect(journal.run.map((r: { activity: { name: string } }) => r.activity.name)).toEqual(["plant"]);
    expect(journal.steady_states.during.length).toBeGreaterThan(0);
    expect(journal.chaos_action.hypothesis_strategy).toBe("continuously");
    expect(await exists(join(dir, "flag-plain"))).toBe(false); // the rollback ran
  });

  it("takes strategies from flags over the experiment's runtime block", async () => {
    await writeFile(
      join(dir, "runtime.yaml"),
      (await readFile(join(dir, "deviates.yaml"), "utf8"))
        .replace('arguments: ["5"]', 'arguments: ["0"]')
        .concat("runtime:\n  hypothesis: {strategy: before-method-only}\n  rollbacks: {strategy: never}\n"),
    );
    const fromFile = io(undefined, { FLAG_FILE: join(dir, "flag-runtime") });
    expect(await main(["run", "runtime.yaml", "--journal-path", "runtime.json"], fromFile.value)).toBe(0);
    expect((await journalAt("runtime.json")).chaos_action).toMatchObject({
      hypothesis_strategy: "before-method-only",
      rollback_strategy: "never",
      verdict: "passed",
    });
    expect(await exists(join(dir, "flag-runtime"))).toBe(true); // `never`: the flag stays

    const fromFlags = io(undefined, { FLAG_FILE: join(dir, "flag-flags") });
    const argv = ["run", "runtime.yaml", "--journal-path", "flags.json", "--hypothesis-strategy", "default"];
    expect(await main([...argv, "--rollback-strategy", "always"], fromFlags.value)).toBe(1);
    expect((await journalAt("flags.json")).chaos_action).toMatchObject({
      hypothesis_strategy: "default",
      rollback_strategy: "always",
      verdict: "deviated",
    });
    expect(await exists(join(dir, "flag-flags"))).toBe(false);
  });

  it("exits 2 before anything runs when a variable has no value", async () => {
    const { value, err } = io();
    expect(await main(["run", "deviates.yaml", "--journal-path", "unset.json"], value)).toBe(2);
    expect(err.join("\n")).toContain(
      "deviates.yaml:4:3 configuration.flag: Configuration makes reference to an environment key that does not exist: FLAG_FILE",
    );
    expect(await exists(join(dir, "unset.json"))).toBe(false);
  });

  it("--dry-run resolves and prints the plan, runs nothing and writes no journal", async () => {
    const { value, err } = io(undefined, { FLAG_FILE: join(dir, "flag-dry") });
    expect(await main(["run", "deviates.yaml", "--dry-run", "--journal-path", "dry.json"], value)).toBe(0);
    const text = err.join("\n");
    expect(text).toContain("    - probe no-flag [test]");
    expect(text).toContain("    - action plant [touch]");
    expect(text).toMatch(/skipped\s+deviates\.yaml\s+skipped: dry run/);
    expect(await exists(join(dir, "flag-dry"))).toBe(false);
    expect(await exists(join(dir, "dry.json"))).toBe(false);
  });

  it("never prints a secret: not in progress lines, the dry-run plan, verdict reasons or the journal", async () => {
    const port = await closedPort();
    await writeFile(join(dir, "secrets.json"), JSON.stringify({ secrets: { api: { token: "t0p-s3cret" } } }));
    await writeFile(join(dir, "vars.yaml"), `configuration:\n  base: http://127.0.0.1:${port}\n`);
    await writeFile(join(dir, "app.env"), "APP_PASSWORD=pa55-from-dotenv\n");
    await writeFile(
      join(dir, "leaky.yaml"),
      `title: leaky
description: d
secrets:
  api:
    token: placeholder
  db:
    password: {type: env, key: APP_PASSWORD}
method:
  - {type: action, name: call, provider: {type: http, url: "\${base}/hook?token=\${token}&pw=\${password}"}}
`,
    );
    const argv = ["run", "leaky.yaml", "--var-file", "vars.yaml", "--var-file", "secrets.json"];
    argv.push("--var-file", "app.env");
    const dry = io();
    expect(await main([...argv, "--dry-run"], dry.value)).toBe(0);
    expect(dry.err.join("\n")).toContain(`action call [GET http://127.0.0.1:${port}/hook?token=***&pw=***]`);

    const wet = io();
    expect(await main([...argv, "--journal-path", "leaky.json"], wet.value)).toBe(1);
    const text = wet.err.join("\n");
    expect(text).toContain(`failed to connect to http://127.0.0.1:${port}/hook?token=***&pw=***`);
    expect(text).toMatch(/failed\s+leaky\.yaml\s+failed: action 'call' failed: .*token=\*\*\*/);
    const journal = await readFile(join(dir, "leaky.json"), "utf8");
    for (const output of [dry.err.join("\n"), text, journal]) {
      expect(output).not.toContain("t0p-s3cret");
      expect(output).not.toContain("pa55-from-dotenv");
    }
  });

  it("--activity-timeout fails a hanging activity; --timeout ends the run; both write the journal", async () => {
    const perActivity = io();
    const started = Date.now();
    const argv = ["run", "slow.yaml", "--journal-path", "activity-timeout.json", "--activity-timeout", "0.2"];
    expect(await main(argv, perActivity.value)).toBe(1);
    expect(perActivity.err.join("\n")).toContain("activity 'nap' took too long to complete (timeout: 0.2s)");
    expect((await journalAt("activity-timeout.json")).run[0]).toMatchObject({
      status: "failed",
      exception: ["activity 'nap' took too long to complete (timeout: 0.2s)"],
    });

    const whole = io();
    expect(
      await main(["run", "slow.yaml", "--journal-path", "timeout.json", "--timeout", "0.2"], whole.value),
    ).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
    const journal = await journalAt("timeout.json");
    expect(journal.status).toBe("failed");
    expect(journal.chaos_action.reason).toBe("failed: the run did not finish within its timeout of 0.2s");
  });

  it("writes one journal per experiment into a --journal-path directory", async () => {
    const { value, err } = io();
    expect(
      await main(["run", "ok.yaml", "slow.yaml", "--journal-path", "several", "--timeout", "0.2"], value),
    ).toBe(1);
    expect((await journalAt("several/ok.yaml.journal.json")).chaos_action.verdict).toBe("passed");
    expect((await journalAt("several/slow.yaml.journal.json")).chaos_action.verdict).toBe("failed");
    expect(err.join("\n")).toContain(`journal: ${join(dir, "several", "slow.yaml.journal.json")}`);
  });

  it("turns SIGINT into an interrupted run and exit 1", async () => {
    let handler: ((signal: NodeJS.Signals) => void) | undefined;
    const { value, err } = io((h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    });
    const running = main(["run", "slow.yaml", "--journal-path", "slow.json"], value);
    setTimeout(() => handler?.("SIGINT"), 200);
    expect(await running).toBe(1);
    expect(err.join("\n")).toContain("SIGINT received");
    expect(err.join("\n")).toMatch(/failed\s+slow\.yaml\s+failed: interrupted by SIGINT/);
    expect(handler).toBeUndefined();
  });
});

describe("chaos-action run --cluster sim", () => {
  it("refuses the seed experiment when the simulated RBAC denies deleting pods", async () => {
    const seed = join(import.meta.dirname, "..", "..", "experiments", "terminate-pod.yaml");
    const { value, err } = io();
    const code = await main(
      [
        "run",
        seed,
        "--cluster",
        "sim",
        "--sim-deny",
        "delete:pods",
        "--sim-latency",
        "2",
        "--journal-path",
        "rbac.json",
      ],
      value,
    );
    expect(code).toBe(1);
    const text = err.join("\n");
    expect(text).toContain("Started the simulated cluster");
    expect(text).toMatch(/lacks 1 permission/);
    expect(text).toContain("delete pods");
  }, 30_000);
});

describe("a bad flag exits 2 before any cluster is started or contacted", () => {
  const seed = join(import.meta.dirname, "..", "..", "experiments", "terminate-pod.yaml");

  it("--max-affected 0 --cluster sim: no simulated cluster, at once", async () => {
    const { value, err } = io();
    const started = performance.now();
    const code = await main(["run", seed, "--max-affected", "0", "--cluster", "sim"], value);
    const elapsed = performance.now() - started;
    expect(code).toBe(2);
    const text = err.join("\n");
    expect(text).toContain(
      "error: --max-affected expects a count of at least 1 object (with 0 no action could inject a fault), got '0'",
    );
    expect(text).not.toContain("Started the simulated cluster");
    // Parsing only: starting the simulated cluster and settling its workloads takes far longer.
    expect(elapsed).toBeLessThan(500);
  });

  it("--sim-fault with a pattern that is no regular expression: exit 2 at once, no simulated cluster", async () => {
    const { value, err } = io();
    const started = performance.now();
    const code = await main(["run", seed, "--cluster", "sim", "--sim-fault", "500:GET:(unclosed"], value);
    expect(code).toBe(2);
    const text = err.join("\n");
    expect(text).toContain("error: --sim-fault expects a PATH that is a regular expression");
    expect(text).not.toContain("Started the simulated cluster");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("lists every bad flag, and no connection reaches the API server", async () => {
    // An API server stand-in that counts connections: the control run below proves it would see one.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const env = { KUBERNETES_HOST: `https://127.0.0.1:${port}`, KUBERNETES_API_KEY: "t" };
    try {
      const bad = io(undefined, env);
      const flags = ["--max-affected", "150%", "--timeout", "soon", "--rollback-strategy", "maybe"];
      expect(await main(["run", seed, ...flags], bad.value)).toBe(2);
      expect(bad.err.filter((line) => line.startsWith("error: "))).toEqual([
        "error: --rollback-strategy expects one of default, always, never, deviated, got 'maybe'",
        "error: --max-affected expects a percentage above 0% and at most 100%, got '150%'",
        "error: --timeout expects a positive number of seconds (or a duration such as 90s or 5m), got 'soon'",
      ]);
      expect(connections).toBe(0);

      const control = io(undefined, env);
      const journal = ["--journal-path", "control.json", "--max-affected", "12.5%"];
      expect(await main(["run", seed, ...journal], control.value)).toBe(1);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);
});

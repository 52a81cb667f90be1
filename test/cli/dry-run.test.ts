// `run --dry-run` through the CLI, against the simulated cluster's demo app (Deployment web, 3 pods
// labelled app=web, in default): exit 0 only where the real run would start and inject its faults;
// 1 where it would be refused, could not resolve a target or a fault would reach nothing; 2 when invalid.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";
import { runOptions } from "../../src/run/options.ts";
import { runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
let sim: SimCluster;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dry-run-test-"));
  sim = await startSimCluster({ timing: { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0 } });
  await sim.settled(10_000);
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, sim.kubeconfig);
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const action = (name: string, module: string, func: string, args: string, extra = "") => `  - type: action
    name: ${name}
    provider: {type: python, module: ${module}, func: ${func}, arguments: ${args}}
${extra}`;

const terminate = (selector: string, extra = "") =>
  action(
    "kill-web",
    "chaosk8s.pod.actions",
    "terminate_pods",
    `{label_selector: "${selector}", ns: default}`,
    extra,
  );

/** Writes the experiment and dry-runs it through main(); the exit status and everything printed. */
async function dryRun(name: string, method: string, ...flags: string[]) {
  await writeFile(join(dir, `${name}.yaml`), `title: ${name}\ndescription: d\nmethod:\n${method}`);
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (text) => err.push(text),
    cwd: dir,
    env: { PATH: process.env.PATH },
    onSignal: () => () => {},
  };
  const status = await main(["run", `${name}.yaml`, "--dry-run", "--kubeconfig", kubeconfig, ...flags], io);
  return { status, text: err.join("\n") };
}

describe("run --dry-run", () => {
  it("exits 0, skipped, when the real run would start: the plan lists each action's targets", async () => {
    const { status, text } = await dryRun("clean", terminate("app=web"));
    expect(status).toBe(0);
    expect(text).toMatch(/skipped\s+clean\.yaml\s+skipped: dry run/);
    expect(text).toContain("RBAC: every permission the experiment needs is allowed.");
    expect(text).toMatch(/- kill-web \(chaosk8s\.pod\.actions\.terminate_pods\) in default: 1 of 3 matching/);
    expect(sim.list("Pod", "default")).toHaveLength(3);
  });

  it("exits 1 when the blast-radius guard would refuse the real run", async () => {
    const { status, text } = await dryRun("refused", terminate("app=web"), "--namespaces", "staging");
    expect(status).toBe(1);
    expect(text).toMatch(/failed\s+refused\.yaml\s+failed: dry run: Refusing to run: the blast-radius guard/);
    expect(text).toContain("default is outside the allowed namespaces (staging, from --namespaces)");
  });

  it("exits 1 when RBAC would refuse the real run", async () => {
    await writeFile(
      join(dir, "denied.yaml"),
      `title: denied\ndescription: d\nmethod:\n${terminate("app=web")}`,
    );
    const err: string[] = [];
    const io: CliIo = {
      stdout: () => {},
      stderr: (text) => err.push(text),
      cwd: dir,
      env: { PATH: process.env.PATH },
      onSignal: () => () => {},
    };
    const argv = ["run", "denied.yaml", "--dry-run", "--cluster", "sim", "--sim-deny", "delete:pods"];
    expect(await main(argv, io)).toBe(1);
    expect(err.join("\n")).toMatch(
      /failed\s+denied\.yaml\s+failed: dry run: User "sim-user" lacks 1 permission/,
    );
  });

  it("exits 1 when a target cannot be resolved", async () => {
    const method = action("delete-all", "chaosk8s.deployment.actions", "delete_deployment", "{ns: default}");
    const { status, text } = await dryRun("unresolved", method);
    expect(status).toBe(1);
    expect(text).toContain(
      "failed: dry run: cannot resolve the targets of 'delete-all' (chaosk8s.deployment.actions.delete_deployment): refusing to delete every Deployment",
    );
  });

  it("shows a deployment that does not exist as missing, and exits 1", async () => {
    const method = action(
      "scale-down",
      "chaosk8s.deployment.actions",
      "scale_deployment",
      "{name: nope, replicas: 0}",
    );
    const { status, text } = await dryRun("missing", method);
    expect(status).toBe(1);
    expect(text).toContain(
      "- scale-down (chaosk8s.deployment.actions.scale_deployment) in default: 0 of 0 matching",
    );
    expect(text).toContain("    deployment default/nope: missing");
    expect(text).not.toContain("1 of 1 matching");
    expect(text).toContain(
      `scale_deployment would reach no deployment: name "nope" in namespace "default" matched nothing (action 'scale-down')`,
    );
  });

  it("flags a selector that matches nothing as the real run would, and exits 1", async () => {
    const { status, text } = await dryRun("zero", terminate("app=nope"));
    expect(status).toBe(1);
    expect(text).toMatch(
      /failed\s+zero\.yaml\s+failed: dry run: terminate_pods would reach no pod: label_selector "app=nope" in namespace "default" matched nothing \(action 'kill-web'\)/,
    );
  });

  it("exits 0 for a target reaching nothing when allowed, by flag or by the activity's key", async () => {
    const byFlag = await dryRun("allowed-flag", terminate("app=nope"), "--allow-no-target");
    expect(byFlag.status).toBe(0);
    expect(byFlag.text).toContain("matched nothing (action 'kill-web'): allowed");
    const byKey = await dryRun(
      "allowed-key",
      terminate("app=nope", "    chaos_action: {allow_no_target: true}\n"),
    );
    expect(byKey.status).toBe(0);
  });

  it("does not refuse what an earlier action of the method may create", async () => {
    const method = `  - {type: action, name: deploy, provider: {type: process, path: "true"}}\n${terminate("app=later")}`;
    const { status, text } = await dryRun("created-earlier", method);
    expect(status).toBe(0);
    expect(text).toContain("an earlier action may create what it looks for");
  });

  it("exits 2 when the experiment is invalid", async () => {
    const { status } = await dryRun("invalid", "  - {type: action, name: x}\n");
    expect(status).toBe(2);
  });

  it("carries the plan as data in the outcome, for the report", async () => {
    const scale = action(
      "scale-down",
      "chaosk8s.deployment.actions",
      "scale_deployment",
      "{name: nope, replicas: 0}",
    );
    for (const [name, method] of [
      ["missing", scale],
      ["zero", terminate("app=nope")],
      ["clean", terminate("app=web")],
    ] as const) {
      await writeFile(join(dir, `${name}.yaml`), `title: ${name}\ndescription: d\nmethod:\n${method}`);
    }
    const result = await runExperiments({
      options: runOptions({ targets: ["missing.yaml", "zero.yaml", "clean.yaml"], dryRun: true }),
      cwd: dir,
      cluster: { mode: "auto", kubeconfig },
      reporter: { info: () => {}, warn: () => {}, error: () => {} },
      env: { PATH: process.env.PATH },
    });
    expect(result.verdict).toBe("failed");
    const [clean, missing, zero] = result.outcomes; // in path order
    expect(missing?.plan).toEqual({
      hypothesis: [],
      method: [
        {
          name: "scale-down",
          type: "action",
          target: "chaosk8s.deployment.actions.scale_deployment",
          background: false,
          targets: {
            namespaces: ["default"],
            objects: [],
            candidates: 0,
            missing: [{ kind: "Deployment", namespace: "default", name: "nope" }],
          },
          noTarget: {
            reason: `scale_deployment would reach no deployment: name "nope" in namespace "default" matched nothing (action 'scale-down')`,
            verdict: "refused",
          },
        },
      ],
      rollbacks: [],
      leases: ["default/chaos-action"],
      refusals: [
        `scale_deployment would reach no deployment: name "nope" in namespace "default" matched nothing (action 'scale-down')`,
      ],
    });
    expect(zero?.plan?.method[0]?.noTarget?.verdict).toBe("refused");
    expect(clean).toMatchObject({ verdict: "skipped", plan: { refusals: [] } });
    expect(clean?.plan?.method[0]?.targets?.objects).toHaveLength(1);
  });
});

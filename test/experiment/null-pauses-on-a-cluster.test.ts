// The case of issue 9 on the simulated cluster: a public experiment file whose last `pauses:` is left
// empty. Chaos Toolkit aborts it (exit 1, nothing killed); so do we, at validation: invalid, no pod
// touched, and the message says what to write instead.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { formatIssue } from "../../src/experiment/errors.ts";
import { runOptions } from "../../src/run/options.ts";
import { runExperiments } from "../../src/run/pipeline.ts";
import { type SimCluster, startSimCluster } from "../../src/sim/index.ts";

let dir: string;
let sim: SimCluster;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "null-pauses-test-"));
  sim = await startSimCluster({
    manifests: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`,
    timing: { scheduleMs: 20, startMs: 40, readyMs: 20, jitter: 0, deleteGraceMs: 100 },
  });
  await sim.settled(10_000);
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const podNames = () =>
  sim
    .list("Pod", "default")
    .map((pod) => (pod as { metadata: { name: string } }).metadata.name)
    .sort();

it("refuses a file whose last `pauses:` is empty, before any pod is killed", async () => {
  const fixture = join(import.meta.dirname, "..", "fixtures", "invalid", "null-pauses-last-key.yaml");
  const text = (await readFile(fixture, "utf8")).replace(
    /type: python\n(\s+)module: chaosfake.actions\n\s+func: kill_things\n\s+arguments:\n\s+name: app/,
    "type: python\n$1module: chaosk8s.pod.actions\n$1func: terminate_pods\n$1arguments: {label_selector: app=web, ns: default}",
  );
  expect(text).toContain("terminate_pods");
  await writeFile(join(dir, "kill.yaml"), text);
  const before = podNames();
  const log = () => {};
  const result = await runExperiments({
    options: runOptions({ targets: ["kill.yaml"], journalPath: "kill.json" }),
    cwd: dir,
    cluster: { mode: "auto", kubeconfigContent: sim.kubeconfig },
    reporter: { info: log, warn: log, error: log },
    env: { PATH: process.env.PATH, HOME: dir },
  });
  const outcome = result.outcomes[0]!;
  expect(outcome.verdict).toBe("invalid");
  expect(outcome.issues.map(formatIssue)).toContain(
    "kill.yaml:21:5 method[0].pauses: `pauses: null` makes Chaos Toolkit abort the run; remove the key or write `pauses: {after: 5}`",
  );
  expect(podNames()).toEqual(before);
  expect(sim.requests.some((request) => request.method === "DELETE")).toBe(false);
});

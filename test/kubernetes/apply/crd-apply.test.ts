// Manifests that bring a CustomResourceDefinition and objects of it: on a real cluster the
// definition's resources are served only once it is Established, so the objects must wait for it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplyError, applyManifests } from "../../../src/kubernetes/apply.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";

const definition = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gates.chaos.example.com}
spec:
  group: chaos.example.com
  scope: Namespaced
  names: {plural: gates, singular: gate, kind: Gate}
  versions: [{name: v1, served: true, storage: true}]
`;
const gate = `apiVersion: chaos.example.com/v1
kind: Gate
metadata: {name: main, namespace: default}
spec: {open: true}
`;

describe("applying a CustomResourceDefinition with objects of it", () => {
  let sim: SimCluster;
  let dir: string;
  const kc = new KubeConfig();
  beforeAll(async () => {
    sim = await startSimCluster({ manifests: [], timing: { establishMs: 300, jitter: 0 } });
    kc.loadFromString(sim.kubeconfig);
    dir = await mkdtemp(join(tmpdir(), "crd-apply-"));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("waits until the definition is Established before applying its objects", async () => {
    // The object comes first in the file: the apply order puts definitions first.
    await writeFile(join(dir, "app.yaml"), `${gate}---\n${definition}`);
    const messages: string[] = [];
    const applied = await applyManifests(kc, ["app.yaml"], {
      cwd: dir,
      log: { info: (message) => messages.push(message) },
    });
    expect(applied).toEqual(["CustomResourceDefinition gates.chaos.example.com", "Gate default/main"]);
    expect(sim.get("Gate", "default", "main")).toMatchObject({ spec: { open: true } });
    expect(messages).toContain("CustomResourceDefinition gates.chaos.example.com is established");
  });

  it("fails clearly when a definition is not established in time", async () => {
    const stuck = definition.replaceAll("gates", "doors").replace("kind: Gate", "kind: Door");
    await writeFile(join(dir, "stuck.yaml"), stuck);
    const clock = { now: () => 0, sleep: async () => undefined };
    let now = 0;
    clock.now = () => now;
    clock.sleep = async () => {
      now += 1000;
    };
    // A cluster that takes far longer than the test's clock to establish: on a slow machine the
    // shared cluster's 300 ms could pass during the five fake-clock polls.
    const slow = await startSimCluster({ manifests: [], timing: { establishMs: 600_000, jitter: 0 } });
    const slowKc = new KubeConfig();
    slowKc.loadFromString(slow.kubeconfig);
    const failure = await applyManifests(slowKc, ["stuck.yaml"], {
      cwd: dir,
      log: { info: () => undefined },
      time: clock,
      establishTimeoutSeconds: 5,
    })
      .catch((error: unknown) => error)
      .finally(() => slow.close());
    expect(failure).toBeInstanceOf(ApplyError);
    expect((failure as Error).message).toBe(
      "CustomResourceDefinition doors.chaos.example.com was not Established within 5 s, so objects of it cannot be applied yet.",
    );
  });
});

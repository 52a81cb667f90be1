// The Leases that keep two runs off the same targets: which ones a run takes (pure), and taking,
// waiting for, taking over, renewing and deleting them on the simulated cluster over HTTPS.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/engine/clock.ts";
import { chaosk8sSource } from "../../../src/kubernetes/catalog.ts";
import { resolveConnection } from "../../../src/kubernetes/connection.ts";
import type { ActionTargets } from "../../../src/kubernetes/guard.ts";
import {
  acquireLeases,
  deleteLeases,
  isFree,
  LeaseNotObtained,
  type LeaseOptions,
} from "../../../src/kubernetes/lease.ts";
import { CLUSTER_LEASE, holderIdentity, leasesFor } from "../../../src/kubernetes/lease-scope.ts";
import type { KubernetesActivity } from "../../../src/kubernetes/scope.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";

const signatures = chaosk8sSource.signatures;

const activity = (module: string, func: string, args: Record<string, unknown> = {}): KubernetesActivity => ({
  name: func,
  module,
  func,
  args,
});

const targets = (objects: ActionTargets["targetSet"]["objects"]): ActionTargets => ({
  activityName: "a",
  module: "m",
  func: "f",
  targetSet: { namespaces: [], objects, candidates: objects.length },
});

describe("leasesFor", () => {
  it("takes one Lease per namespace the activities name, sorted, and none for an experiment without any", () => {
    expect(leasesFor([], [], signatures)).toEqual([]);
    const leases = leasesFor(
      [
        activity("chaosk8s.pod.probes", "pods_in_phase", { ns: "shop", label_selector: "app=web" }),
        activity("chaosk8s.deployment.actions", "scale_deployment", { name: "web", replicas: 0 }),
        activity("chaosk8s.pod.actions", "terminate_pods", { ns: "billing" }),
      ],
      [targets([{ kind: "Pod", namespace: "audit", name: "p" }])],
      signatures,
    );
    expect(leases).toEqual([
      { namespace: "audit", name: "chaos-action" },
      { namespace: "billing", name: "chaos-action" },
      { namespace: "default", name: "chaos-action" },
      { namespace: "shop", name: "chaos-action" },
    ]);
  });

  it("takes the cluster's Lease for node faults and node probes, not one per namespace a drain evicts from", () => {
    const drain = targets([
      { kind: "Node", name: "n1" },
      { kind: "Pod", namespace: "kube-system", name: "coredns" },
    ]);
    expect(leasesFor([activity("chaosk8s.node.actions", "drain_nodes")], [drain], signatures)).toEqual([
      CLUSTER_LEASE,
    ]);
    expect(
      leasesFor(
        [
          activity("chaosk8s.node.probes", "get_nodes"),
          activity("chaosk8s.pod.probes", "pods_in_phase", { ns: "shop", label_selector: "a=b" }),
        ],
        [],
        signatures,
      ),
    ).toEqual([
      { namespace: "default", name: "chaos-action-nodes" },
      { namespace: "shop", name: "chaos-action" },
    ]);
  });
});

describe("holderIdentity and isFree", () => {
  it("names the workflow run (and job) in GitHub Actions, else the host and process", () => {
    expect(holderIdentity({}, "laptop", 42, "ab12")).toBe("laptop pid 42 id ab12");
    expect(
      holderIdentity(
        {
          GITHUB_SERVER_URL: "https://github.com",
          GITHUB_REPOSITORY: "o/r",
          GITHUB_RUN_ID: "7",
          GITHUB_RUN_ATTEMPT: "2",
          GITHUB_JOB: "gate",
        },
        "runner",
        9,
        "cd34",
      ),
    ).toBe("https://github.com/o/r/actions/runs/7/attempts/2 (job gate, runner pid 9 id cd34)");
  });

  it("frees a Lease with no holder, or whose holder stopped renewing it", () => {
    const now = Date.parse("2026-01-01T00:01:00Z");
    expect(isFree({}, now)).toBe(true);
    expect(isFree({ holder: "x", renewTime: "2026-01-01T00:00:40.000000Z", durationSeconds: 30 }, now)).toBe(
      false,
    );
    expect(isFree({ holder: "x", renewTime: "2026-01-01T00:00:20.000000Z", durationSeconds: 30 }, now)).toBe(
      true,
    );
  });
});

describe("Leases on the simulated cluster", () => {
  let sim: SimCluster;
  let kc: KubeConfig;
  const lease = { namespace: "default", name: "chaos-action" };
  const messages: string[] = [];
  const options = (holder: string, extra: Partial<LeaseOptions> = {}): LeaseOptions => ({
    holder,
    waitSeconds: 0,
    clock: systemClock,
    reporter: { info: (m) => messages.push(m), warn: (m) => messages.push(m) },
    ...extra,
  });
  const spec = () =>
    (sim.get("Lease", "default", "chaos-action") as { spec: Record<string, unknown> } | undefined)?.spec;

  beforeAll(async () => {
    sim = await startSimCluster({ manifests: [] });
    kc = (await resolveConnection({ kubeconfigContent: sim.kubeconfig, env: {} })).kc;
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("takes a Lease, writes its holder and times, and deletes it on release", async () => {
    const held = await acquireLeases(kc, [lease], options("run-a"));
    expect(held.leases).toEqual([lease]);
    expect(spec()).toMatchObject({ holderIdentity: "run-a", leaseDurationSeconds: 30, leaseTransitions: 0 });
    expect(spec()?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await held.release()).toBe(true);
    expect(spec()).toBeUndefined();
  });

  it("fails at once with no wait, naming the holder and since when, and keeps nothing it took", async () => {
    const first = await acquireLeases(kc, [lease], options("run-a"));
    const other = { namespace: "default", name: "aaa-first" };
    try {
      const error = await acquireLeases(kc, [other, lease], options("run-b")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseNotObtained);
      expect((error as Error).message).toMatch(
        /^Lease not obtained: Lease default\/chaos-action is held by another run, run-a since \d{4}-.*Z, last renewed \d+s ago; lease wait is 0/,
      );
      expect(sim.get("Lease", "default", "aaa-first")).toBeUndefined();
      expect(spec()?.holderIdentity).toBe("run-a");
    } finally {
      await first.release();
    }
  });

  it("waits for a Lease until its holder deletes it", async () => {
    const first = await acquireLeases(kc, [lease], options("run-a"));
    const started = Date.now();
    setTimeout(() => void first.release(), 500);
    const second = await acquireLeases(kc, [lease], options("run-b", { waitSeconds: 10 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(
      messages.some((m) => m.startsWith("Waiting up to 10s for Lease default/chaos-action, held by run-a")),
    ).toBe(true);
    expect(spec()?.holderIdentity).toBe("run-b");
    await second.release();
  });

  it("takes over a Lease whose holder stopped renewing it", async () => {
    await sim.apply([
      {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { ...lease },
        spec: {
          holderIdentity: "killed-run",
          leaseDurationSeconds: 30,
          acquireTime: "2026-01-01T00:00:00.000000Z",
          renewTime: "2026-01-01T00:00:10.000000Z",
          leaseTransitions: 4,
        },
      },
    ]);
    const held = await acquireLeases(kc, [lease], options("run-c"));
    expect(spec()).toMatchObject({ holderIdentity: "run-c", leaseTransitions: 5 });
    expect(
      messages.some(
        (m) => m.startsWith("Taking over Lease default/chaos-action") && m.includes("killed-run"),
      ),
    ).toBe(true);
    await held.release();
  });

  it("renews a Lease while held, so it outlives its duration", async () => {
    const held = await acquireLeases(
      kc,
      [lease],
      options("run-d", { durationSeconds: 1, renewIntervalMs: 200 }),
    );
    const firstRenew = spec()?.renewTime;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(spec()?.renewTime).not.toBe(firstRenew);
    const error = await acquireLeases(kc, [lease], options("run-e")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseNotObtained);
    expect(await held.release()).toBe(true);
    expect(spec()).toBeUndefined();
  });

  it("deletes a killed run's Leases, and leaves one another run holds now", async () => {
    const other = { namespace: "default", name: "someone-else" };
    await sim.apply([
      {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { ...lease },
        spec: { holderIdentity: "killed" },
      },
      {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { ...other },
        spec: { holderIdentity: "alive" },
      },
    ]);
    expect(await deleteLeases(kc, [other, lease, { namespace: "default", name: "gone" }], "killed")).toEqual([
      { lease: { namespace: "default", name: "gone" }, outcome: "gone" },
      { lease, outcome: "deleted" },
      { lease: other, outcome: "not ours" },
    ]);
    expect(spec()).toBeUndefined();
    expect(sim.get("Lease", "default", "someone-else")).toBeDefined();
  });

  it("takes no Lease in a namespace that does not exist", async () => {
    const held = await acquireLeases(kc, [{ namespace: "nowhere", name: "chaos-action" }], options("run-f"));
    expect(held.leases).toEqual([]);
    expect(messages).toContain('Namespace "nowhere" does not exist: no Lease taken there.');
    expect(await held.release()).toBe(true);
  });
});

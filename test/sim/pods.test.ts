// Pods as chaos experiments meet them: graceful deletion, immediate replacement, PDB-checked eviction,
// logs, exec over WebSocket, ephemeral containers, cordoned and deleted nodes.
import { Writable } from "node:stream";
import { ApiException, AppsV1Api, CoreV1Api, Exec, type V1Pod, type V1Status } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SimOptions } from "../../src/sim/index.ts";
import {
  fastTiming,
  kubeConfigFor,
  podManifest,
  raw,
  simsClosedAfterEachTest,
  waitFor,
} from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

async function start(options: SimOptions = {}) {
  const sim = await startSim(options);
  await sim.settled();
  const kc = kubeConfigFor(sim);
  return { sim, kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

const webPods = async (core: CoreV1Api) =>
  (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items;

function collector(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

async function run(kc: ReturnType<typeof kubeConfigFor>, pod: string, command: string[], container = "web") {
  const out = collector();
  const err = collector();
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc)
      .exec("default", pod, container, command, out.stream, err.stream, null, false, resolve)
      .catch(reject);
  });
  return { status, stdout: out.text(), stderr: err.text() };
}

describe("graceful deletion", () => {
  it("keeps a deleted pod listed, Running, with deletionTimestamp, until its grace period ends", async () => {
    const { sim, core } = await start({ timing: { ...fastTiming, deleteGraceMs: 400 } });
    const [victim] = await webPods(core);
    const name = victim?.metadata?.name ?? "";
    const started = Date.now();
    const answer = await core.deleteNamespacedPod({ name, namespace: "default" });
    expect(answer.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const dying = await core.readNamespacedPod({ name, namespace: "default" });
    expect(dying.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(dying.status?.phase).toBe("Running");
    const running = (await webPods(core)).filter((p) => p.status?.phase === "Running");
    expect(running.map((p) => p.metadata?.name)).toContain(name);
    await waitFor(
      async () => !(await webPods(core)).some((p) => p.metadata?.name === name),
      "the pod to disappear",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await sim.settled();
  });

  it("removes a pod at once with gracePeriodSeconds 0", async () => {
    const { core } = await start();
    const [victim] = await webPods(core);
    const name = victim?.metadata?.name ?? "";
    await core.deleteNamespacedPod({ name, namespace: "default", gracePeriodSeconds: 0 });
    await expect(core.readNamespacedPod({ name, namespace: "default" })).rejects.toMatchObject({ code: 404 });
  });

  it("has the ReplicaSet create the replacement while the old pod is still terminating", async () => {
    const { sim, core } = await start({ timing: { ...fastTiming, deleteGraceMs: 1000 } });
    const before = await webPods(core);
    const original = new Set(before.map((p) => p.metadata?.name));
    const name = before[0]?.metadata?.name ?? "";
    await core.deleteNamespacedPod({ name, namespace: "default" });
    const replacement = await waitFor(async () => {
      const pods = await webPods(core);
      const fresh = pods.find((p) => !original.has(p.metadata?.name));
      const dying = pods.find((p) => p.metadata?.name === name);
      return fresh && dying?.metadata?.deletionTimestamp ? fresh : undefined;
    }, "a replacement beside the terminating pod");
    expect(replacement.metadata?.ownerReferences?.[0]?.kind).toBe("ReplicaSet");
    await sim.settled();
    const after = await webPods(core);
    expect(after).toHaveLength(3);
    expect(after.every((p) => p.status?.phase === "Running")).toBe(true);
    const ready = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    expect(after.every(ready)).toBe(true);
  });

  it("goes Pending → scheduled → Running → Ready with the configured delays", async () => {
    const { sim, core } = await start({
      manifests: [],
      timing: { scheduleMs: 150, startMs: 150, readyMs: 150, jitter: 0, deleteGraceMs: 10 },
    });
    const pod = podManifest("lifecycle");
    (pod.spec.containers[0] as Record<string, unknown>).readinessProbe = { exec: { command: ["true"] } };
    await core.createNamespacedPod({ namespace: "default", body: pod });
    const read = () => core.readNamespacedPod({ name: "lifecycle", namespace: "default" });
    expect((await read()).status?.phase).toBe("Pending");
    expect((await read()).spec?.nodeName).toBeUndefined();
    await waitFor(async () => (await read()).spec?.nodeName, "scheduling");
    const scheduled = await read();
    expect(scheduled.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ContainerCreating");
    await waitFor(async () => (await read()).status?.phase === "Running", "Running");
    const running = await read();
    expect(running.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    expect(running.status?.podIP).toMatch(/^10\.244\./);
    await sim.settled();
    const ready = await read();
    expect(ready.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(ready.status?.containerStatuses?.[0]?.ready).toBe(true);
  });
});

describe("eviction", () => {
  it("answers 429 with the DisruptionBudget cause when the PDB would be violated, 201 otherwise", async () => {
    const { sim, core } = await start();
    const [first, second] = await webPods(core);
    const evict = (name: string) =>
      core.createNamespacedPodEviction({
        name,
        namespace: "default",
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" } },
      });
    await evict(first?.metadata?.name ?? "");
    const terminating = await core.readNamespacedPod({
      name: first?.metadata?.name ?? "",
      namespace: "default",
    });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    try {
      await evict(second?.metadata?.name ?? "");
      throw new Error("expected 429");
    } catch (error) {
      expect(error).toBeInstanceOf(ApiException);
      const e = error as ApiException<string>;
      expect(e.code).toBe(429);
      expect(JSON.parse(e.body)).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        reason: "TooManyRequests",
        details: {
          causes: [
            {
              reason: "DisruptionBudget",
              message: "The disruption budget web needs 2 healthy pods and has 2 currently",
            },
          ],
        },
        code: 429,
      });
    }
    await sim.settled();
    await evict(second?.metadata?.name ?? "");
  });

  it("answers 404 for a pod that does not exist", async () => {
    const { core } = await start();
    await expect(
      core.createNamespacedPodEviction({
        name: "ghost",
        namespace: "default",
        body: { metadata: { name: "ghost" } },
      }),
    ).rejects.toMatchObject({ code: 404 });
  });
});

describe("logs and exec", () => {
  it("reads container logs, with timestamps and tailLines; errors for a wrong container", async () => {
    const { core } = await start();
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    const log = await core.readNamespacedPodLog({ name, namespace: "default" });
    expect(log).toContain("starting web");
    const stamped = await core.readNamespacedPodLog({
      name,
      namespace: "default",
      timestamps: true,
      tailLines: 1,
    });
    expect(stamped.trim().split("\n")).toHaveLength(1);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    await expect(
      core.readNamespacedPodLog({ name, namespace: "default", container: "nope" }),
    ).rejects.toMatchObject({ code: 400 });
    await expect(
      core.readNamespacedPodLog({ name, namespace: "default", previous: true }),
    ).rejects.toMatchObject({ code: 400 });
  });

  it("validates log options as the API server does: one of sinceSeconds/sinceTime, positive values", async () => {
    // Raw requests: the typed client has no sinceTime parameter.
    const { sim } = await start({ tls: false, auth: "none" });
    const pods = (await raw(sim, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")).json();
    const name = (pods.items as Array<{ metadata: { name: string } }>)[0]?.metadata.name ?? "";
    const read = (query: string) => raw(sim, "GET", `/api/v1/namespaces/default/pods/${name}/log?${query}`);
    const both = await read("sinceSeconds=10&sinceTime=2026-01-01T00:00:00Z");
    expect(both.status).toBe(422);
    expect(both.json()).toMatchObject({
      reason: "Invalid",
      message: expect.stringContaining("at most one of `sinceTime` or `sinceSeconds` may be specified"),
    });
    for (const query of ["sinceSeconds=0", "tailLines=-1", "limitBytes=0"])
      expect((await read(query)).status, query).toBe(422);
    const recent = await read("sinceSeconds=3600");
    expect(recent.status).toBe(200);
    expect(recent.body).toContain("starting web");
  });

  it("runs commands over the exec WebSocket and reports exit codes on the status channel", async () => {
    const { kc, core } = await start();
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    const echo = await run(kc, name, ["echo", "hello", "chaos"]);
    expect(echo.stdout).toBe("hello chaos\n");
    expect(echo.status.status).toBe("Success");
    const hostname = await run(kc, name, ["cat", "/etc/hostname"]);
    expect(hostname.stdout).toBe(`${name}\n`);
    const exit3 = await run(kc, name, ["sh", "-c", "echo out; echo err-ish && exit 3"]);
    expect(exit3.stdout).toBe("out\nerr-ish\n");
    expect(exit3.status).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
    const unknown = await run(kc, name, ["no-such-tool"]);
    expect(unknown.status.details?.causes?.[0]?.message).toBe("127");
    expect(unknown.stderr).toContain("executable file not found");
    expect((await run(kc, name, ["false"])).status.details?.causes?.[0]?.message).toBe("1");
  });

  it("holds the session open while the command sleeps, and ends it when the client closes", async () => {
    const { sim, kc, core } = await start();
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    const started = Date.now();
    const slept = await run(kc, name, ["sh", "-c", "echo before; sleep 0.3; echo after"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slept.stdout).toBe("before\nafter\n");
    expect(slept.status.status).toBe("Success");

    const out = collector();
    const socket = await new Exec(kc).exec(
      "default",
      name,
      "web",
      ["sh", "-c", "echo waiting; sleep 0.3; kill 1"],
      out.stream,
      null,
      null,
      false,
    );
    await waitFor(() => out.text() === "waiting\n", "output before the sleep");
    socket.close();
    const execPath = `/api/v1/namespaces/default/pods/${name}/exec`;
    await waitFor(
      () => sim.requests.filter((r) => r.path === execPath && r.status === 101).length === 2,
      "the server to end the session",
    );
    // The rest of the script never runs: the container was not killed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await core.readNamespacedPod({ name, namespace: "default" });
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it("kill 1 restarts the container: restartCount goes up, Ready drops then returns, previous log exists", async () => {
    const { sim, kc, core } = await start();
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    await run(kc, name, ["kill", "1"]);
    const after = await core.readNamespacedPod({ name, namespace: "default" });
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(after.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    await sim.settled();
    const ready = await core.readNamespacedPod({ name, namespace: "default" });
    expect(ready.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(await core.readNamespacedPodLog({ name, namespace: "default", previous: true })).toContain(
      "starting web",
    );
  });

  it("refuses exec into a pod that does not exist or is not running", async () => {
    const { kc, core } = await start({ manifests: [] });
    await expect(run(kc, "ghost", ["true"])).rejects.toBeDefined();
    await core.createNamespacedPod({ namespace: "default", body: podManifest("fresh") });
    await expect(run(kc, "fresh", ["true"], "main")).rejects.toBeDefined();
  });

  it("still execs into a terminating pod whose containers have not stopped yet", async () => {
    const { kc, core } = await start({ timing: { ...fastTiming, deleteGraceMs: 2000 } });
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    await core.deleteNamespacedPod({ name, namespace: "default" });
    const dying = await core.readNamespacedPod({ name, namespace: "default" });
    expect(dying.metadata?.deletionTimestamp).toBeDefined();
    expect((await run(kc, name, ["hostname"])).stdout).toBe(`${name}\n`);
  });

  it("adds ephemeral containers through the ephemeralcontainers subresource", async () => {
    const { sim, core } = await start();
    const [pod] = await webPods(core);
    const name = pod?.metadata?.name ?? "";
    const updated = await core.patchNamespacedPodEphemeralcontainers({
      name,
      namespace: "default",
      body: [
        {
          op: "add",
          path: "/spec/ephemeralContainers",
          value: [{ name: "debugger", image: "busybox", targetContainerName: "web" }],
        },
      ],
    });
    expect(updated.spec?.ephemeralContainers?.[0]?.name).toBe("debugger");
    const read = await core.readNamespacedPodEphemeralcontainers({ name, namespace: "default" });
    expect(read.spec?.ephemeralContainers).toHaveLength(1);
    await sim.settled();
  });
});

describe("nodes", () => {
  it("cordon adds the unschedulable taint, new pods stay Pending, uncordon removes the taint and schedules them", async () => {
    const { sim, core } = await start({ manifests: [], nodes: 1 });
    await core.patchNode({
      name: "sim-node-1",
      body: [{ op: "add", path: "/spec/unschedulable", value: true }],
    });
    await sim.settled();
    const node = await core.readNode({ name: "sim-node-1" });
    expect(node.spec?.taints).toEqual([
      expect.objectContaining({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }),
    ]);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("waiting") });
    await sim.settled();
    const pending = await core.readNamespacedPod({ name: "waiting", namespace: "default" });
    expect(pending.status?.phase).toBe("Pending");
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.conditions?.find((c) => c.type === "PodScheduled")).toMatchObject({
      status: "False",
      reason: "Unschedulable",
    });
    await core.patchNode({
      name: "sim-node-1",
      body: [{ op: "replace", path: "/spec/unschedulable", value: false }],
    });
    await sim.settled();
    expect((await core.readNode({ name: "sim-node-1" })).spec?.taints).toBeUndefined();
    expect((await core.readNamespacedPod({ name: "waiting", namespace: "default" })).status?.phase).toBe(
      "Running",
    );
  });

  it("spreads pods round robin over schedulable nodes and avoids cordoned ones", async () => {
    const { sim, core, apps } = await start({ nodes: 3 });
    const nodes = new Set((await webPods(core)).map((p) => p.spec?.nodeName));
    expect(nodes.size).toBe(3);
    await core.patchNode({
      name: "sim-node-2",
      body: [{ op: "add", path: "/spec/unschedulable", value: true }],
    });
    await sim.settled();
    await apps.patchNamespacedDeployment({
      name: "web",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/replicas", value: 9 }],
    });
    await sim.settled();
    const placed = (await webPods(core)).map((p) => p.spec?.nodeName);
    expect(placed.filter((n) => n === "sim-node-2")).toHaveLength(1);
    expect(placed).toHaveLength(9);
  });

  it("deleting a node deletes its pods; the controllers recreate them elsewhere", async () => {
    const { sim, core } = await start({ nodes: 2 });
    const onNode1 = (await webPods(core))
      .filter((p) => p.spec?.nodeName === "sim-node-1")
      .map((p) => p.metadata?.name);
    expect(onNode1.length).toBeGreaterThan(0);
    await core.deleteNode({ name: "sim-node-1" });
    await sim.settled();
    const pods = await webPods(core);
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.spec?.nodeName === "sim-node-2")).toBe(true);
    expect(pods.some((p) => onNode1.includes(p.metadata?.name))).toBe(false);
  });
});

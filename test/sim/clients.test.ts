// Client machinery beyond single calls: the client-node informer (list + watch, relist on 410) and the
// exec protocols as a raw WebSocket client sees them.
import { CoreV1Api, makeInformer, type V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { SimCluster, SimOptions } from "../../src/sim/index.ts";
import { kubeConfigFor, podManifest, raw, simsClosedAfterEachTest, waitFor } from "./sim-client.ts";

const startSim = simsClosedAfterEachTest();

async function start(options: SimOptions = {}): Promise<SimCluster> {
  const sim = await startSim(options);
  await sim.settled();
  return sim;
}

describe("informer", () => {
  it("lists, then follows changes through its watch", async () => {
    const sim = await start();
    const kc = kubeConfigFor(sim);
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(
      kc,
      "/api/v1/namespaces/default/pods",
      () => core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" }),
      "app=web",
    );
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on("add", (pod: V1Pod) => added.push(pod.metadata?.name ?? ""));
    informer.on("delete", (pod: V1Pod) => deleted.push(pod.metadata?.name ?? ""));
    await informer.start();
    try {
      await waitFor(() => added.length === 3, "the initial list");
      const victim = added[0] ?? "";
      await core.deleteNamespacedPod({ name: victim, namespace: "default", gracePeriodSeconds: 0 });
      await waitFor(() => deleted.includes(victim) && added.length === 4, "the delete and the replacement");
      expect(informer.list().length).toBe(3);
    } finally {
      await informer.stop();
    }
  });
});

function execSocket(
  sim: SimCluster,
  pod: string,
  protocol: string,
  command: string[],
): Promise<{ protocol: string; frames: Buffer[] }> {
  const query = new URLSearchParams({ container: "web", stdout: "true", stderr: "true" });
  for (const c of command) query.append("command", c);
  const url = `${sim.url.replace("http", "ws")}/api/v1/namespaces/default/pods/${pod}/exec?${query}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [protocol]);
    const frames: Buffer[] = [];
    ws.on("message", (data: Buffer) => frames.push(data));
    ws.on("close", () => resolve({ protocol: ws.protocol, frames }));
    ws.on("error", reject);
  });
}

describe("exec protocols", () => {
  it("speaks v4.channel.k8s.io to a client that offers only v4", async () => {
    const sim = await start({ tls: false, auth: "none" });
    const pod = (sim.list("pods", "default")[0] as { metadata: { name: string } }).metadata.name;
    const { protocol, frames } = await execSocket(sim, pod, "v4.channel.k8s.io", [
      "sh",
      "-c",
      "echo hi; exit 2",
    ]);
    expect(protocol).toBe("v4.channel.k8s.io");
    expect(frames.map((f) => f[0])).toEqual([1, 3]);
    expect(frames[0]?.subarray(1).toString()).toBe("hi\n");
    expect(JSON.parse(frames[1]?.subarray(1).toString() ?? "{}")).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
    });
  });

  it("refuses clients without a channel.k8s.io subprotocol, and plain POSTs", async () => {
    const sim = await start({ tls: false, auth: "none" });
    const pod = (sim.list("pods", "default")[0] as { metadata: { name: string } }).metadata.name;
    await expect(execSocket(sim, pod, "chat", ["true"])).rejects.toThrow(/400/);
    const post = await raw(sim, "POST", `/api/v1/namespaces/default/pods/${pod}/exec?command=true`);
    expect(post.status).toBe(400);
  });

  it("checks RBAC on exec: create pods/exec", async () => {
    const sim = await start({
      tls: false,
      auth: "none",
      deny: [{ verb: "create", resource: "pods", subresource: "exec" }],
    });
    const pod = (sim.list("pods", "default")[0] as { metadata: { name: string } }).metadata.name;
    await expect(execSocket(sim, pod, "v5.channel.k8s.io", ["true"])).rejects.toThrow(/403/);
  });
});

describe("bare pods", () => {
  it("a pod without a controller is not recreated after deletion", async () => {
    const sim = await start({ manifests: [] });
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: "default", body: podManifest("lonely") });
    await sim.settled();
    await core.deleteNamespacedPod({ name: "lonely", namespace: "default" });
    await sim.settled();
    expect((await core.listNamespacedPod({ namespace: "default" })).items).toEqual([]);
  });
});

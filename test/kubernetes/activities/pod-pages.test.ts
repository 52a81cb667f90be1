// selectPods reads pod listings page by page as the API server's JSON, through the configured client.
import diagnostics from "node:diagnostics_channel";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ActivityFailed } from "../../../src/kubernetes/activities/activity-failed.ts";
import { podTargets } from "../../../src/kubernetes/activities/pod.ts";
import {
  choosePodsWhileListing,
  forEachSelectedPod,
  listPods,
  selectPods,
  type WirePod,
} from "../../../src/kubernetes/activities/selection.ts";
import { LISTED_TARGETS } from "../../../src/kubernetes/activities/target-set.ts";
import { clusterKubeConfig, coreApi } from "../../../src/kubernetes/cluster-client.ts";
import { checkBlastRadius, formatGuardRefusal, formatTargets } from "../../../src/kubernetes/guard.ts";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.ts";

const PODS = 1_100;
let sim: SimCluster;

beforeAll(async () => {
  const manifests = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "load" } }];
  for (let i = 0; i < PODS; i++) {
    manifests.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `web-${String(i).padStart(4, "0")}`,
        namespace: "load",
        labels: { app: i % 2 ? "web" : "db" },
      },
      spec: { containers: [{ name: "main", image: "nginx" }] },
    } as never);
  }
  sim = await startSimCluster({ manifests });
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe("selectPods over pages", () => {
  it("keeps every selected pod of every page, slimmed to what the choice and the action read", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const selection = {
      labelSelector: "app=web",
      all: true,
      rand: false,
      mode: "fixed",
      qty: 0,
      order: "alphabetic",
    };
    const requests = sim.requests.length;
    const { candidates, chosen } = await selectPods(kc, "load", selection, Math.random);
    expect(candidates).toHaveLength(PODS / 2);
    expect(chosen.map((pod) => pod.metadata?.name)).toEqual(
      Array.from({ length: PODS / 2 }, (_, i) => `web-${String(2 * i + 1).padStart(4, "0")}`),
    );
    expect(
      sim.requests.slice(requests).filter((r) => r.path === "/api/v1/namespaces/load/pods"),
    ).toHaveLength(2);
    const [first] = chosen;
    expect(first?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(first?.metadata?.uid).toEqual(expect.any(String));
    expect(first?.spec?.containers).toEqual([{ name: "main" }]);
    expect(Object.keys(first?.metadata ?? {}).sort()).toEqual([
      "creationTimestamp",
      "name",
      "namespace",
      "uid",
    ]);
  });

  it("asks for the pods' metadata only when the caller reads no spec, choosing the same pods", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const selection = {
      labelSelector: "app=db",
      all: false,
      rand: false,
      mode: "percentage",
      qty: 10,
      order: "oldest",
    };
    const whole = await selectPods(kc, "load", selection, Math.random);
    const requests = sim.requests.length;
    const metadata = await selectPods(kc, "load", selection, Math.random, "metadata");
    expect(metadata.candidates).toHaveLength(PODS / 2);
    expect(metadata.chosen.map((pod) => pod.metadata)).toEqual(whole.chosen.map((pod) => pod.metadata));
    // The listing carried no spec: the slimmed pods have no containers to keep.
    expect(metadata.chosen[0]?.spec?.containers).toEqual([]);
    expect(
      sim.requests.slice(requests).filter((r) => r.path === "/api/v1/namespaces/load/pods"),
    ).toHaveLength(2);
  });

  it("chooses while listing the same pods as the choice among every candidate, over pages", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    for (const order of ["alphabetic", "oldest"]) {
      const selection = { labelSelector: "app=web", all: false, rand: false, mode: "fixed", qty: 3, order };
      const whole = await selectPods(kc, "load", selection, Math.random, "metadata");
      const requests = sim.requests.length;
      const streamed = await choosePodsWhileListing(kc, "load", selection, Math.random, "metadata");
      expect(streamed.map((pod) => pod.metadata)).toEqual(whole.chosen.map((pod) => pod.metadata));
      expect(
        sim.requests.slice(requests).filter((r) => r.path === "/api/v1/namespaces/load/pods"),
      ).toHaveLength(2);
    }
    const random = await choosePodsWhileListing(
      kc,
      "load",
      { labelSelector: "app=web", all: false, rand: true, mode: "fixed", qty: 5, order: "alphabetic" },
      Math.random,
    );
    expect(new Set(random.map((pod) => pod.metadata?.name)).size).toBe(5);
    expect(random.every((pod) => Number(pod.metadata?.name?.slice(4)) % 2 === 1)).toBe(true);
  });
});

describe("the targets of a random pick among more pods than it lists by name", () => {
  it("lists the first LISTED_TARGETS and counts the rest; the guard and the dry run read the count", async () => {
    expect(PODS).toBeGreaterThan(LISTED_TARGETS);
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const selection = { all: false, rand: true, mode: "fixed", qty: 1, order: "alphabetic" };
    const set = await podTargets(kc, "load", selection);
    expect(set.objects).toHaveLength(LISTED_TARGETS);
    expect(set.objects[0]).toEqual({ kind: "Pod", namespace: "load", name: "web-0000" });
    expect(set.total).toBe(PODS);
    expect(set.candidates).toBe(PODS);

    const action = {
      activityName: "kill",
      module: "chaosk8s.pod.actions",
      func: "terminate_pods",
      targetSet: set,
    };
    const plan = formatTargets([action]);
    expect(plan).toContain(`kill (chaosk8s.pod.actions.terminate_pods) in load: ${PODS} of ${PODS} matching`);
    expect(plan).toContain(`… and ${PODS - 50} more`);

    const rules = { allowedNamespaces: ["load"], namespacesExplicit: false, allowProtected: false };
    const [tooMany] = checkBlastRadius([action], {
      ...rules,
      maxAffected: { kind: "count", value: PODS - 1 },
    });
    expect(tooMany?.reason).toContain(`would affect ${PODS} of ${PODS} matching objects (100%)`);
    expect(formatGuardRefusal([tooMany!])).toContain(`… and ${PODS - 20} more`);
    expect(checkBlastRadius([action], { ...rules, maxAffected: { kind: "count", value: PODS } })).toEqual([]);
    const [outside] = checkBlastRadius([action], { ...rules, allowedNamespaces: ["shop"] });
    expect(outside?.rule).toBe("outside-namespaces");
    expect(formatGuardRefusal([outside!])).toContain(`… and ${PODS - 20} more`);
  });
});

describe("forEachSelectedPod asks for the next page before it reads the current one", () => {
  const listed = (from: number) =>
    sim.requests.slice(from).filter((r) => r.path === "/api/v1/namespaces/load/pods");
  const podName = (pod: WirePod) => pod.metadata?.name;
  const expired =
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

  afterEach(() => {
    sim.clearFaultRules();
  });

  it("sends the request for page 2 before page 1's pods are visited, and visits every pod in order", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    // The requests this process has sent: the sim, in this process, reads them only once the
    // synchronous visit has returned.
    const sent: string[] = [];
    const onStart = ({ request }: { request: { path: string } }) => {
      sent.push(request.path);
    };
    const channel = diagnostics.channel("http.client.request.start");
    channel.subscribe(onStart as never);
    const continuedWhenFirstVisited: number[] = [];
    const visited: string[] = [];
    const requests = sim.requests.length;
    try {
      await forEachSelectedPod(kc, "load", {}, "metadata", (pod) => {
        if (visited.length % 500 === 0)
          continuedWhenFirstVisited.push(sent.filter((path) => path.includes("continue=")).length);
        visited.push(podName(pod) ?? "");
      });
    } finally {
      channel.unsubscribe(onStart as never);
    }
    expect(visited).toEqual(Array.from({ length: PODS }, (_, i) => `web-${String(i).padStart(4, "0")}`));
    // Page 2 asked for before page 1 is visited, page 3 before page 2; page 3 is the last.
    expect(continuedWhenFirstVisited).toEqual([1, 2, 2]);
    const lists = listed(requests);
    expect(lists.map((r) => r.query.includes("continue="))).toEqual([false, true, true]);
    expect(lists.every((r) => r.query.includes("limit=500") && r.status === 200)).toBe(true);
  });

  it("fails as the typed listing does when a page asked for ahead fails, once the pages before it are visited", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const rule = { verb: "list", resource: "pods", namespace: "load", nth: 3 } as const;
    sim.addFaultRule({ ...rule, effect: { kind: "status", status: 410, message: expired } });
    let visited = 0;
    const failure = await forEachSelectedPod(kc, "load", {}, "metadata", () => visited++).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(visited).toBe(1_000);
    expect(failure).toBeInstanceOf(ActivityFailed);

    sim.clearFaultRules();
    sim.addFaultRule({ ...rule, effect: { kind: "status", status: 410, message: expired } });
    const typed = await listPods(await coreApi(kc), "load").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(typed).toBeInstanceOf(ActivityFailed);
    expect((failure as Error).message).toBe((typed as Error).message);
    expect((failure as Error).message).toContain("410");
  });

  it("hands the caller the error its visit threw, the request already sent failing unhandled by no one", async () => {
    const kc = await clusterKubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const rule = sim.addFaultRule({
        verb: "list",
        resource: "pods",
        namespace: "load",
        nth: 2,
        effect: { kind: "status", status: 403, message: "forbidden by the test" },
      });
      const requests = sim.requests.length;
      const stop = new ActivityFailed("the visit stops here");
      await expect(
        forEachSelectedPod(kc, "load", {}, "spec", () => {
          throw stop;
        }),
      ).rejects.toBe(stop);
      // The page asked for ahead reaches the server and fails after the caller has its error.
      await vi.waitFor(() => expect(listed(requests).map((r) => r.status)).toEqual([200, 403]));
      expect(rule.hits).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

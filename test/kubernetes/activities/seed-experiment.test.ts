// The seed's experiment, activity by activity: hypothesis "all pods Running", terminate one pod,
// pause, hypothesis again. With 3 replicas and a pause it holds; with 1 replica and no pause the
// replacement is not Running yet and the check fails.
import { afterEach, describe, expect, it } from "vitest";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

const PROBES = "chaosk8s.pod.probes";
const ACTIONS = "chaosk8s.pod.actions";

describe("seed experiment: terminate one pod of a Deployment", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("holds with 3 replicas and a pause", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 3)] });
    await h.sim.settled();
    expect(await h.run(PROBES, "pods_in_phase", { label_selector: "app=web" })).toBe(true);
    const killed = (await h.run(ACTIONS, "terminate_pods", {
      label_selector: "app=web",
      qty: 1,
    })) as string[];
    expect(killed).toHaveLength(1);
    await h.sim.settled();
    expect(await h.run(PROBES, "pods_in_phase", { label_selector: "app=web" })).toBe(true);
    expect(await h.run(PROBES, "count_pods", { label_selector: "app=web", phase: "Running" })).toBe(3);
    expect(h.touches[0]?.objects[0]).toMatchObject({ kind: "Pod", namespace: "default", name: killed[0] });
    expect(h.touches[0]?.objects[0]?.uid).toMatch(/\S/);
    expect(h.undo.steps).toEqual([]);
  });

  it("fails with 1 replica and no pause", async () => {
    h = await startHarness({ manifests: [deploymentManifest("web", 1)] });
    await h.sim.settled();
    expect(await h.run(PROBES, "pods_in_phase", { label_selector: "app=web" })).toBe(true);
    await h.run(ACTIONS, "terminate_pods", { label_selector: "app=web", qty: 1 });
    const failure = await errorOf(h.run(PROBES, "pods_in_phase", { label_selector: "app=web" }));
    expect(failure.name).toBe("ActivityFailed");
    expect(failure.message).toMatch(/is in phase "Pending" but should be "Running"/);
  });
});

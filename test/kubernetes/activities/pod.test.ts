// chaosk8s.pod: selection, termination, exec, logs and the pod probes, against the simulated cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentManifest, errorOf, type Harness, startHarness } from "./harness.ts";

const PROBES = "chaosk8s.pod.probes";
const ACTIONS = "chaosk8s.pod.actions";

const barePod = (name: string, labels: Record<string, string> = { role: "bare" }) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels },
  spec: { containers: [{ name: "app", image: "busybox" }] },
});

describe("chaosk8s.pod", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      manifests: [
        deploymentManifest("web", 4),
        deploymentManifest("api", 2),
        barePod("lonely-1"),
        barePod("lonely-2"),
      ],
    });
    await h.sim.settled();
  });
  afterAll(async () => {
    await h.close();
  });

  const webPods = async () =>
    (await h.run(PROBES, "read_pod_logs", { label_selector: "app=web", container_name: "main" })) as Record<
      string,
      string
    >;

  it("terminate_pods picks the first qty pods alphabetically and returns their names", async () => {
    const names = Object.keys(await webPods()).sort();
    const killed = await h.run(ACTIONS, "terminate_pods", {
      label_selector: "app=web",
      qty: 2,
      grace_period: 0,
    });
    expect(killed).toEqual(names.slice(0, 2));
    const touch = h.touches.at(-1);
    expect(touch?.action).toBe("chaosk8s.pod.actions.terminate_pods");
    expect(touch?.objects.map((o) => o.name)).toEqual(names.slice(0, 2));
    expect(touch?.objects.every((o) => typeof o.uid === "string")).toBe(true);
    await h.sim.settled();
  });

  it("terminate_pods filters by name_pattern (Python regex search) and mode percentage rounds up", async () => {
    const killed = (await h.run(ACTIONS, "terminate_pods", {
      name_pattern: "^api-",
      mode: "percentage",
      qty: 10,
    })) as string[];
    expect(killed).toHaveLength(1);
    expect(killed[0]).toMatch(/^api-/);
    const all = (await h.run(ACTIONS, "terminate_pods", {
      name_pattern: "(?P<x>lonely)-\\d",
      all: true,
    })) as string[];
    expect(all.sort()).toEqual(["lonely-1", "lonely-2"]);
    await h.sim.settled();
  });

  it("terminate_pods with rand picks from all candidates, and order oldest is accepted", async () => {
    const killed = (await h.run(ACTIONS, "terminate_pods", {
      label_selector: "app=web",
      rand: true,
      qty: 2,
    })) as string[];
    expect(killed).toHaveLength(2);
    expect(new Set(killed).size).toBe(2);
    const oldest = (await h.run(ACTIONS, "terminate_pods", {
      label_selector: "app=api",
      order: "oldest",
    })) as string[];
    expect(oldest).toHaveLength(1);
    await h.sim.settled();
  });

  it("terminate_pods refuses a negative qty, an unknown mode or order", async () => {
    expect((await errorOf(h.run(ACTIONS, "terminate_pods", { qty: -1 }))).message).toMatch(
      /qty -1 is negative/,
    );
    expect((await errorOf(h.run(ACTIONS, "terminate_pods", { mode: "some" }))).message).toMatch(
      /mode "some" is invalid/,
    );
    expect((await errorOf(h.run(ACTIONS, "terminate_pods", { order: "newest" }))).message).toMatch(
      /order "newest" is invalid/,
    );
  });

  it("terminate_pods with a grace period leaves the pod Terminating (still listed) for a while", async () => {
    const [name] = (await h.run(ACTIONS, "terminate_pods", {
      label_selector: "app=api",
      grace_period: 30,
    })) as string[];
    const pod = h.sim.get("Pod", "default", name ?? "") as
      | { metadata: { deletionTimestamp?: string } }
      | undefined;
    expect(pod?.metadata.deletionTimestamp).toBeDefined();
    await h.sim.settled();
  });

  it("delete_pods (deprecated) deletes one pod whose name matches", async () => {
    const killed = (await h.run(ACTIONS, "delete_pods", { name: "web-" })) as string[];
    expect(killed).toHaveLength(1);
    expect(h.touches.at(-1)?.action).toBe("chaosk8s.pod.actions.delete_pods");
    await h.sim.settled();
  });

  it("exec_in_pods runs in the first container by default and reports exit codes", async () => {
    const results = (await h.run(ACTIONS, "exec_in_pods", {
      cmd: "echo 'hello world'",
      label_selector: "app=web",
      qty: 2,
    })) as Array<Record<string, unknown>>;
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ exit_code: 0, cmd: "echo 'hello world'", stdout: "hello world\n" });
    const failing = (await h.run(ACTIONS, "exec_in_pods", {
      cmd: ["sh", "-c", "exit 3"],
      label_selector: "app=web",
      container_name: "sidecar",
    })) as Array<Record<string, unknown>>;
    expect(failing[0]?.exit_code).toBe(3);
    const skipped = await h.run(ACTIONS, "exec_in_pods", {
      cmd: "true",
      label_selector: "app=web",
      container_name: "no-such-container",
    });
    expect(skipped).toEqual([]);
    expect((await errorOf(h.run(ACTIONS, "exec_in_pods", { cmd: "" }))).message).toMatch(/"cmd"/);
  });

  it("exec_in_pods ends a command that outlives request_timeout and reports it", async () => {
    // The harness clock runs 20 times faster: request_timeout 2 is 100 ms here, the sleep 60 s.
    const started = Date.now();
    const results = (await h.run(ACTIONS, "exec_in_pods", {
      cmd: "sh -c 'echo started; sleep 60; echo never'",
      label_selector: "app=web",
      request_timeout: 2,
    })) as Array<Record<string, unknown>>;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(results).toEqual([
      expect.objectContaining({ exit_code: 1, stdout: "started\n", stderr: "timed out after 2s" }),
    ]);
    const quick = (await h.run(ACTIONS, "exec_in_pods", {
      cmd: "sh -c 'sleep 0.05; echo done'",
      label_selector: "app=web",
      request_timeout: 2,
    })) as Array<Record<string, unknown>>;
    expect(quick[0]).toMatchObject({ exit_code: 0, stdout: "done\n", stderr: "" });
  });

  it("read_pod_logs returns logs by pod name, with the name template and `last`", async () => {
    const logs = await webPods();
    expect(Object.keys(logs).length).toBeGreaterThanOrEqual(4);
    const named = (await h.run(PROBES, "read_pod_logs", {
      name: "api",
      label_selector: "app={name}",
      container_name: "main",
      last: "10 minutes",
    })) as Record<string, string>;
    expect(Object.keys(named)).toHaveLength(2);
    expect(Object.keys(named).every((pod) => pod.startsWith("api-"))).toBe(true);
    // Timestamps are asked for, as Chaos Toolkit does.
    expect(Object.values(named).join("")).toMatch(/^\d{4}-\d\d-\d\dT/m);
    expect(await h.run(PROBES, "read_pod_logs", { name: "nothing-called-so" })).toEqual({});
    // Several containers and none named: the API server asks which one (as with Chaos Toolkit).
    expect((await errorOf(h.run(PROBES, "read_pod_logs", { label_selector: "app=web" }))).message).toMatch(
      /^The Kubernetes API server answered 400 BadRequest to get pods\/log "web-[a-z0-9-]+" in namespace "default"\. The server said: a container name must be specified/,
    );
    expect(
      (await errorOf(h.run(PROBES, "read_pod_logs", { label_selector: "app=web", last: "soon" }))).message,
    ).toMatch(/"last" must be a duration/);
  });

  it("should_be_found_in_logs searches the value read_pod_logs returned", async () => {
    const value = { a: "started OK", b: "crashed" };
    expect(await h.run(PROBES, "should_be_found_in_logs", { pattern: "OK", value })).toBe(false);
    expect(
      await h.run(PROBES, "should_be_found_in_logs", { pattern: "OK", all_containers: false, value }),
    ).toBe(true);
    expect(await h.run(PROBES, "should_be_found_in_logs", { pattern: "ed", value })).toBe(true);
    expect(
      (await errorOf(h.run(PROBES, "should_be_found_in_logs", { pattern: "x", value: {} }))).message,
    ).toBe("no logs to search from");
  });

  it("pods_in_phase, pods_not_in_phase, count_pods, count_min_pods", async () => {
    await h.sim.settled();
    expect(await h.run(PROBES, "pods_in_phase", { label_selector: "app=web" })).toBe(true);
    expect(
      await h.run(PROBES, "pods_in_phase", {
        label_selector: "app=web",
        phase: "Failed",
        raise_on_invalid_phase: false,
      }),
    ).toBe(false);
    expect((await errorOf(h.run(PROBES, "pods_in_phase", { label_selector: "app=none" }))).message).toMatch(
      /no pods matching "app=none" in namespace "default" were found/,
    );
    expect(await h.run(PROBES, "pods_not_in_phase", { label_selector: "app=web", phase: "Pending" })).toBe(
      true,
    );
    expect(
      await h.run(PROBES, "pods_not_in_phase", { label_selector: "app=web", raise_on_in_phase: false }),
    ).toBe(false);
    expect(await h.run(PROBES, "count_pods", { label_selector: "app=web" })).toBe(4);
    expect(await h.run(PROBES, "count_pods", { label_selector: "app=web", phase: "Pending" })).toBe(0);
    expect(await h.run(PROBES, "count_min_pods", { label_selector: "app=api" })).toBe(true);
    expect(await h.run(PROBES, "count_min_pods", { label_selector: "app=api", min_count: 3 })).toBe(false);
  });

  it("pods_in_conditions matches type and status of every given condition", async () => {
    expect(
      await h.run(PROBES, "pods_in_conditions", {
        label_selector: "app=web",
        conditions: [{ type: "Ready", status: "True" }],
      }),
    ).toBe(true);
    const failure = await errorOf(
      h.run(PROBES, "pods_in_conditions", {
        label_selector: "app=web",
        conditions: [{ type: "Ready", status: "False" }],
      }),
    );
    expect(failure.message).toMatch(/does not have condition Ready=False/);
    expect(
      await h.run(PROBES, "pods_in_conditions", {
        label_selector: "app=web",
        conditions: [{ type: "Ready", status: "False" }],
        raise_on_invalid_conditions: false,
      }),
    ).toBe(false);
  });

  it("pod_is_not_available fills the name template; all_pods_healthy checks the whole namespace", async () => {
    expect(await h.run(PROBES, "pod_is_not_available", { name: "ghost" })).toBe(true);
    const failure = await errorOf(
      h.run(PROBES, "pod_is_not_available", { name: "web", label_selector: "app in ({name})" }),
    );
    expect(failure.message).toMatch(/is running/);
    expect(
      await h.run(PROBES, "pod_is_not_available", {
        name: "web",
        label_selector: "app={name}",
        raise_on_is_available: false,
      }),
    ).toBe(false);
    expect(await h.run(PROBES, "all_pods_healthy", {})).toBe(true);
  });
});

describe("all_pods_healthy with a pod that cannot start", () => {
  it("fails naming the pod, or answers false", async () => {
    const h = await startHarness({ nodes: 0, manifests: [barePod("stuck")] });
    try {
      const failure = await errorOf(h.run(PROBES, "all_pods_healthy", {}));
      expect(failure.message).toMatch(/^the system is unhealthy: .*stuck \(Pending\)/);
      expect(await h.run(PROBES, "all_pods_healthy", { raise_on_any_unhealthy: false })).toBe(false);
    } finally {
      await h.close();
    }
  });
});

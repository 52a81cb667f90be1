// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax, not a template literal.
// The advice's findings, one by one, from objects as the API server sends them and from journals:
// what each check sees, which object it names, and when it stays quiet.
import { describe, expect, it } from "vitest";
import type { Journal } from "../../../src/engine/journal.ts";
import type { Experiment } from "../../../src/experiment/format.ts";
import {
  type AdviceReading,
  adviceFindings,
  adviceTargets,
  selects,
  type WorkloadReading,
} from "../../../src/kubernetes/advice.ts";
import { journal } from "../../report/journals.ts";

type Json = Record<string, unknown>;

function deployment(
  options: { replicas?: number; probe?: boolean; podSpec?: Json; name?: string } = {},
): Json {
  const name = options.name ?? "web";
  return {
    kind: "Deployment",
    metadata: { name, namespace: "shop" },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: "front" } },
        spec: {
          containers: [
            {
              name: "server",
              image: "nginx",
              ...(options.probe === false ? {} : { readinessProbe: { httpGet: { path: "/", port: 80 } } }),
            },
            ...(options.probe === false ? [{ name: "sidecar", image: "envoy" }] : []),
          ],
          ...options.podSpec,
        },
      },
    },
  };
}

const pod = (name: string, node: string, extra: Json = {}): Json => ({
  metadata: { name, namespace: "shop", labels: { app: "web", tier: "front" }, ...extra },
  spec: { nodeName: node },
});

const spreadOut: Json = {
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
  ],
};

const budget = (selector: Json): Json => ({
  metadata: { name: "web", namespace: "shop" },
  spec: { selector },
});

const healthyPods = [pod("web-1", "node-a"), pod("web-2", "node-b"), pod("web-3", "node-c")];

function reading(
  workloads: WorkloadReading[],
  budgets: Json[] = [budget({ matchLabels: { app: "web" } })],
): AdviceReading {
  return { workloads, budgets: [{ namespace: "shop", items: budgets }], services: [] };
}

/** A journal of a run that held throughout, with no load: only the objects can speak. */
const quiet = journal("terminate-pod-held");

const checksOf = (findings: ReturnType<typeof adviceFindings>) => findings.map((finding) => finding.check);

describe("findings on the workloads read", () => {
  it("finds nothing on three probed, spread replicas guarded by a budget", () => {
    const findings = adviceFindings(
      reading([{ object: deployment({ replicas: 3, podSpec: spreadOut }), pods: healthyPods }]),
      quiet,
    );
    expect(findings).toEqual([]);
  });

  it("single replica: spec.replicas 1, or left out (Kubernetes' default is 1)", () => {
    for (const replicas of [1, undefined]) {
      const findings = adviceFindings(
        reading([{ object: deployment({ replicas, podSpec: spreadOut }), pods: [pod("web-1", "node-a")] }]),
        quiet,
      );
      expect(checksOf(findings)).toEqual(["single-replica"]);
      expect(findings[0]).toMatchObject({
        object: { kind: "Deployment", namespace: "shop", name: "web" },
        seen: expect.stringContaining("runs 1 replica"),
        change: expect.stringContaining("at least 2 replicas"),
      });
    }
  });

  it("no PodDisruptionBudget: none in the namespace, or none whose selector matches the pod template", () => {
    const workload = { object: deployment({ replicas: 3, podSpec: spreadOut }), pods: healthyPods };
    for (const budgets of [[], [budget({ matchLabels: { app: "api" } })]]) {
      const findings = adviceFindings(reading([workload], budgets), quiet);
      expect(checksOf(findings)).toEqual(["no-disruption-budget"]);
      expect(findings[0]!.seen).toContain(
        "No PodDisruptionBudget in namespace shop selects the pods of Deployment shop/web",
      );
      expect(findings[0]!.change).toContain("app=web,tier=front");
    }
    const byExpression = budget({ matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] });
    expect(adviceFindings(reading([workload], [byExpression]), quiet)).toEqual([]);
  });

  it("no readiness probe: names every container without one", () => {
    const findings = adviceFindings(
      reading([{ object: deployment({ replicas: 3, probe: false, podSpec: spreadOut }), pods: healthyPods }]),
      quiet,
    );
    expect(checksOf(findings)).toEqual(["no-readiness-probe"]);
    expect(findings[0]!.seen).toContain(
      "Containers server, sidecar of Deployment shop/web have no readinessProbe",
    );
  });

  it("all replicas on one node: names the node; terminating pods do not count", () => {
    const pods = [
      pod("web-1", "node-a"),
      pod("web-2", "node-a"),
      pod("web-3", "node-b", { deletionTimestamp: "2026-12-07T00:00:00Z" }),
    ];
    const findings = adviceFindings(
      reading([{ object: deployment({ replicas: 2, podSpec: spreadOut }), pods }]),
      quiet,
    );
    expect(checksOf(findings)).toEqual(["replicas-on-one-node"]);
    expect(findings[0]!.seen).toBe(
      "All 2 pods of Deployment shop/web run on node node-a: losing that node loses every replica.",
    );
  });

  it("no anti-affinity or topology spread, for two replicas or more; anti-affinity alone is enough", () => {
    const bare = adviceFindings(reading([{ object: deployment({ replicas: 3 }), pods: healthyPods }]), quiet);
    expect(checksOf(bare)).toEqual(["no-spread"]);
    expect(bare[0]!.change).toContain("topologyKey: kubernetes.io/hostname");
    const antiAffinity = {
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
    };
    expect(
      adviceFindings(
        reading([{ object: deployment({ replicas: 3, podSpec: antiAffinity }), pods: healthyPods }]),
        quiet,
      ),
    ).toEqual([]);
  });

  it("each workload is judged against the budgets of its own namespace", () => {
    const findings = adviceFindings(
      {
        workloads: [{ object: deployment({ replicas: 3, podSpec: spreadOut }), pods: healthyPods }],
        budgets: [{ namespace: "other", items: [budget({ matchLabels: { app: "web" } })] }],
        services: [],
      },
      quiet,
    );
    expect(checksOf(findings)).toEqual(["no-disruption-budget"]);
  });
});

describe("findings from the journal", () => {
  const guarded = reading([{ object: deployment({ replicas: 3, podSpec: spreadOut }), pods: healthyPods }]);

  it("recovery slower than the hypothesis tolerated: from the first miss after the fault until it held again", () => {
    const findings = adviceFindings(guarded, journal("continuous-miss-recovered"));
    expect(checksOf(findings)).toEqual(["slow-recovery"]);
    expect(findings[0]!.object).toEqual({ kind: "Deployment", namespace: "shop", name: "web" });
    expect(findings[0]!.seen).toMatch(
      /^The hypothesis missed \(.+\) from 1\.1 s after the method started and held again 2\.\d s later/,
    );
  });

  it("recovery: not met again within the recovery timeout", () => {
    const findings = adviceFindings(guarded, journal("never-recovers"));
    expect(checksOf(findings)).toEqual(["slow-recovery"]);
    expect(findings[0]!.seen).toMatch(/did not hold again within the recovery timeout of \d+ s/);
  });

  it("recovery: quiet when the hypothesis held at every check", () => {
    expect(adviceFindings(guarded, journal("terminate-pod-held"))).toEqual([]);
  });

  it("requests lost: the load activity's failures, naming the Service it addressed", () => {
    const held = journal("terminate-pod-held");
    const load: Journal = {
      ...held,
      run: [
        ...held.run,
        {
          activity: {
            type: "probe",
            name: "traffic-during-the-fault",
            provider: {
              type: "python",
              module: "chaosaction.load.probes",
              func: "generate_load",
              arguments: {},
            },
          },
          output: {
            requests: 200,
            succeeded: 188,
            failed: 12,
            success_ratio: 0.94,
            p99_ms: 850,
            errors: { http_503: 12 },
          },
          start: held.run[0]!.start,
          end: held.run[0]!.end,
          duration: 10,
          status: "succeeded",
        },
      ],
    };
    const findings = adviceFindings(
      { ...guarded, services: [{ activity: "traffic-during-the-fault", namespace: "shop", name: "web" }] },
      load,
    );
    expect(checksOf(findings)).toEqual(["requests-lost"]);
    expect(findings[0]).toMatchObject({
      object: { kind: "Service", namespace: "shop", name: "web" },
      seen: expect.stringContaining(
        "12 of 200 requests of traffic-during-the-fault failed during the fault (http_503: 12)",
      ),
    });
  });

  it("journal findings need an object read: nothing targeted, nothing said", () => {
    expect(adviceFindings({ workloads: [], budgets: [], services: [] }, journal("never-recovers"))).toEqual(
      [],
    );
  });
});

describe("what advice reads", () => {
  it("takes workloads, pod selectors and load Services from the hypothesis, the method and the journal", () => {
    const experiment = {
      title: "t",
      description: "d",
      "steady-state-hypothesis": {
        title: "h",
        probes: [
          {
            type: "probe",
            name: "answers",
            tolerance: true,
            provider: {
              type: "python",
              module: "chaosaction.load.probes",
              func: "generate_load",
              arguments: { service: "web", namespace: "shop" },
            },
          },
        ],
      },
      method: [
        {
          type: "action",
          name: "kill",
          provider: {
            type: "python",
            module: "chaosk8s.pod.actions",
            func: "terminate_pods",
            arguments: { label_selector: "app=web", ns: "shop" },
          },
        },
        {
          type: "action",
          name: "scale",
          provider: {
            type: "python",
            module: "chaosk8s.deployment.actions",
            func: "scale_deployment",
            arguments: { name: "api", replicas: 1 },
          },
        },
        {
          type: "action",
          name: "unresolved",
          provider: {
            type: "python",
            module: "chaosk8s.statefulset.actions",
            func: "scale_statefulset",
            arguments: { name: "${db}", ns: "shop" },
          },
        },
      ],
    } as unknown as Experiment;
    const held = journal("terminate-pod-held");
    const withTouch: Journal = {
      ...held,
      run: [
        {
          ...held.run[0]!,
          touched: [{ action: "x", objects: [{ kind: "StatefulSet", namespace: "shop", name: "db" }] }],
        },
      ],
    };
    expect(adviceTargets(experiment, withTouch)).toEqual({
      workloads: [
        { kind: "Deployment", namespace: "default", name: "api" },
        { kind: "StatefulSet", namespace: "shop", name: "db" },
      ],
      podSelectors: [{ namespace: "shop", labelSelector: "app=web" }],
      services: [{ activity: "answers", namespace: "shop", name: "web" }],
    });
  });

  it("selects: matchLabels and every matchExpressions operator; an empty selector selects all", () => {
    const labels = { app: "web", tier: "front" };
    expect(selects({}, labels)).toBe(true);
    expect(selects(undefined, labels)).toBe(false);
    expect(selects({ matchLabels: { app: "web" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "api" } }, labels)).toBe(false);
    expect(
      selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["back"] }] }, labels),
    ).toBe(true);
    expect(
      selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels),
    ).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "app", operator: "Bogus" }] }, labels)).toBe(false);
  });
});

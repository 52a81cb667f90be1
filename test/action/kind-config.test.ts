// The pure parts of a kind cluster: digest-pinned node images, the upgrade rehearsal's config with an
// image per node, default cluster names that no two runs, attempts, jobs or steps share, and the
// runners kind cannot run on.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  defaultClusterName,
  FALLBACK_CLUSTER_NAME,
  kindConfigYaml,
  type NodeImage,
  PREVIOUS_WORKERS_SELECTOR,
  parseNodeImage,
  unsupportedKindRunner,
  upgradeProblems,
  upgradeRehearsalNodes,
} from "../../src/kubernetes/kind-config.ts";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;
const image = (text: string): NodeImage => {
  const parsed = parseNodeImage(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};

describe("node images", () => {
  it("accepts an image pinned by digest and reads its Kubernetes version from the tag", () => {
    expect(parseNodeImage(`kindest/node:v1.33.1@${DIGEST_A}`)).toEqual({
      reference: `kindest/node:v1.33.1@${DIGEST_A}`,
      kubernetesVersion: "v1.33.1",
    });
    expect(parseNodeImage(`localhost:5000/kindest/node@${DIGEST_A}`)).toEqual({
      reference: `localhost:5000/kindest/node@${DIGEST_A}`,
    });
  });

  it("refuses a tag without a digest, saying why and what to give", () => {
    expect(parseNodeImage("kindest/node:v1.33.1")).toMatch(
      /^"kindest\/node:v1.33.1" is not pinned by digest: .*kindest\/node:v1.33.1@sha256:<64 hex digits>.*a tag can be moved/,
    );
  });

  it("refuses a malformed digest or reference", () => {
    expect(parseNodeImage("kindest/node:v1.33.1@sha256:abc")).toMatch(/64 lower-case hex digits/);
    expect(parseNodeImage(`Kindest/Node:v1@${DIGEST_A}`)).toMatch(/is not an image reference/);
  });

  it("checks an upgrade goes forward and within the kubelet version skew", () => {
    const v131 = image(`kindest/node:v1.31.9@${DIGEST_A}`);
    const v132 = image(`kindest/node:v1.32.5@${DIGEST_B}`);
    const v135 = image(`kindest/node:v1.35.0@${DIGEST_B}`);
    expect(upgradeProblems(v131, v132)).toEqual([]);
    expect(upgradeProblems(v132, v131)[0]).toMatch(/must be older than the upgraded one \(v1.31.9\)/);
    expect(upgradeProblems(v131, v135)[0]).toMatch(/at most 3 minor versions older/);
    expect(upgradeProblems(v131, v131)[0]).toMatch(/the same image/);
    // Without version tags nothing can be compared: only sameness is refused.
    expect(upgradeProblems(image(`r/node@${DIGEST_A}`), image(`r/node@${DIGEST_B}`))).toEqual([]);
  });
});

describe("the upgrade rehearsal's kind config", () => {
  it("runs the control plane on the new image, one worker on each, labelled by pool", () => {
    const previous = image(`kindest/node:v1.31.9@${DIGEST_A}`);
    const upgraded = image(`kindest/node:v1.32.5@${DIGEST_B}`);
    const config = parse(kindConfigYaml(upgradeRehearsalNodes(previous, upgraded)));
    expect(config).toEqual({
      kind: "Cluster",
      apiVersion: "kind.x-k8s.io/v1alpha4",
      nodes: [
        { role: "control-plane", image: upgraded.reference },
        { role: "worker", image: previous.reference, labels: { "chaos-action/upgrade-pool": "previous" } },
        { role: "worker", image: upgraded.reference, labels: { "chaos-action/upgrade-pool": "upgraded" } },
      ],
    });
    expect(PREVIOUS_WORKERS_SELECTOR).toBe("chaos-action/upgrade-pool=previous");
  });

  it("makes as many workers of each pool as asked", () => {
    const nodes = upgradeRehearsalNodes(
      image(`a/n:v1.31.0@${DIGEST_A}`),
      image(`a/n:v1.32.0@${DIGEST_B}`),
      2,
    );
    expect(nodes.map((node) => `${node.role}:${node.labels?.["chaos-action/upgrade-pool"] ?? ""}`)).toEqual([
      "control-plane:",
      "worker:previous",
      "worker:previous",
      "worker:upgraded",
      "worker:upgraded",
    ]);
  });
});

describe("default cluster names", () => {
  const env = {
    GITHUB_RUN_ID: "16432011987",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_JOB: "gate",
    GITHUB_ACTION: "boot",
    RUNNER_NAME: "GitHub Actions 12",
  };

  it("differ per run, attempt, job, step and runner (matrix legs), and stay the same within one", () => {
    const names = [
      defaultClusterName(env),
      defaultClusterName({ ...env, GITHUB_RUN_ID: "16432011988" }),
      defaultClusterName({ ...env, GITHUB_RUN_ATTEMPT: "2" }),
      defaultClusterName({ ...env, GITHUB_JOB: "upgrade" }),
      defaultClusterName({ ...env, GITHUB_ACTION: "__self_2" }),
      defaultClusterName({ ...env, RUNNER_NAME: "GitHub Actions 13" }),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(defaultClusterName({ ...env })).toBe(names[0]);
  });

  it("are valid kind names, short enough for the node containers' host names", () => {
    const name = defaultClusterName(env);
    expect(name).toMatch(/^chaos-16432011987-1-[0-9a-f]{8}$/);
    expect(`${name}-control-plane`.length).toBeLessThanOrEqual(63);
    expect(defaultClusterName({ ...env, GITHUB_RUN_ID: "9".repeat(40) }).length).toBeLessThanOrEqual(40);
  });

  it("fall back to kind's usual name outside GitHub Actions", () => {
    expect(defaultClusterName({})).toBe(FALLBACK_CLUSTER_NAME);
  });
});

describe("runners kind supports", () => {
  it("accepts Linux on x64 and arm64", () => {
    expect(unsupportedKindRunner("linux", "x64")).toBeUndefined();
    expect(unsupportedKindRunner("linux", "arm64")).toBeUndefined();
  });

  it("names the runner it refuses and what to use instead", () => {
    expect(unsupportedKindRunner("darwin", "arm64")).toBe(
      "cluster: kind needs a Linux runner on x64 or arm64 with Docker; this runner is macOS on arm64. " +
        "Use runs-on: ubuntu-latest (or ubuntu-24.04-arm), or cluster: existing with a cluster the job can reach",
    );
    expect(unsupportedKindRunner("win32", "x64")).toMatch(/this runner is Windows on x64/);
    expect(unsupportedKindRunner("linux", "ia32")).toMatch(/this runner is Linux on ia32/);
  });
});

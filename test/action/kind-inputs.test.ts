// The inputs of kind clusters, upgrade rehearsals and boot-only mode: what each accepts, what it
// refuses and how the refusal reads. Pure.
import { describe, expect, it } from "vitest";
import { ActionInputError, INPUT_NAMES, parseActionInputs, type RawInputs } from "../../src/action/inputs.ts";

const raw = (values: Partial<RawInputs> = {}): RawInputs => {
  const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return { ...empty, ...values };
};

const problems = (values: Partial<RawInputs>): string[] => {
  try {
    parseActionInputs(raw(values));
  } catch (error) {
    if (error instanceof ActionInputError) return error.problems;
    throw error;
  }
  return [];
};

const V131 = `kindest/node:v1.31.9@sha256:${"a".repeat(64)}`;
const V132 = `kindest/node:v1.32.5@sha256:${"b".repeat(64)}`;

describe("node-image", () => {
  it("accepts an image pinned by digest with cluster: kind", () => {
    const inputs = parseActionInputs(raw({ cluster: "kind", "node-image": V132 }));
    expect(inputs.nodeImage).toEqual({ reference: V132, kubernetesVersion: "v1.32.5" });
  });

  it("refuses a tag that is not pinned by digest, saying what to give", () => {
    expect(problems({ cluster: "kind", "node-image": "kindest/node:v1.32.5" })).toEqual([
      expect.stringMatching(
        /^node-image: "kindest\/node:v1.32.5" is not pinned by digest: give the image with its digest/,
      ),
    ]);
  });

  it("is only used with cluster: kind", () => {
    expect(problems({ cluster: "existing", "node-image": V132 })).toEqual([
      "node-image is only used with cluster: kind (cluster is existing)",
    ]);
  });
});

describe("upgrade rehearsals", () => {
  it("build the rehearsal's cluster and drain the previous workers by default", () => {
    const inputs = parseActionInputs(
      raw({ cluster: "kind", "node-image": V132, "upgrade-from-image": V131, "allow-node-drain": "true" }),
    );
    expect(inputs.upgradeFromImage?.kubernetesVersion).toBe("v1.31.9");
    expect(inputs.upgradeDrain).toBe("chaos-action/upgrade-pool=previous");
    expect(inputs.options.allowNodeDrain).toBe(true);
  });

  it("need the drain opt-in, node-image, no kind-config and an upgrade that goes forward", () => {
    expect(problems({ cluster: "kind", "upgrade-from-image": V132, "kind-config": "kind.yaml" })).toEqual([
      "upgrade-from-image: an upgrade rehearsal also needs node-image, the version upgraded to",
      "kind-config: an upgrade rehearsal writes its own kind config (a control plane on node-image, a worker on each image); leave kind-config out",
      "allow-node-drain: an upgrade rehearsal drains nodes that host kube-system pods; set allow-node-drain: true to let it evict them (through the Eviction API, never deleting)",
    ]);
    expect(
      problems({
        cluster: "kind",
        "node-image": V131,
        "upgrade-from-image": V132,
        "allow-node-drain": "true",
      }),
    ).toEqual([
      "upgrade-from-image: the previous nodes' image (v1.32.5) must be older than the upgraded one (v1.31.9)",
    ]);
  });

  it("on an existing cluster drain the nodes upgrade-drain selects", () => {
    const inputs = parseActionInputs(
      raw({ cluster: "existing", "upgrade-drain": "pool=old", "allow-node-drain": "true" }),
    );
    expect(inputs.upgradeDrain).toBe("pool=old");
  });

  it("refuse a journal file, a dry run and the simulated cluster", () => {
    const base = { "upgrade-drain": "pool=old", "allow-node-drain": "true" };
    expect(problems({ ...base, "journal-path": "journal.json" })).toEqual([
      "journal-path: an upgrade rehearsal writes a journal per experiment and phase; give a directory, not journal.json",
    ]);
    expect(problems({ ...base, "dry-run": "true" })).toEqual([
      "dry-run: an upgrade rehearsal drains nodes between its two phases; run it without dry-run",
    ]);
    expect(problems({ ...base, cluster: "sim" })).toEqual([
      "upgrade-drain: the simulated cluster starts afresh for each run; rehearse upgrades on kind or an existing cluster",
    ]);
  });
});

describe("boot-only", () => {
  it("is a boolean for cluster: kind", () => {
    expect(parseActionInputs(raw({ cluster: "kind", "boot-only": "true" })).bootOnly).toBe(true);
    expect(parseActionInputs(raw({ cluster: "kind" })).bootOnly).toBe(false);
    expect(problems({ cluster: "existing", "boot-only": "true" })).toEqual([
      "boot-only: only cluster: kind boots a cluster (cluster is existing)",
    ]);
    expect(problems({ cluster: "kind", "boot-only": "yes" })).toEqual([
      'boot-only: "yes" is not a boolean: use true or false',
    ]);
  });

  it("boots an upgrade rehearsal's cluster without the drain opt-in, and leaves upgrade-drain to the gating step", () => {
    const inputs = parseActionInputs(
      raw({ cluster: "kind", "boot-only": "true", "node-image": V132, "upgrade-from-image": V131 }),
    );
    expect(inputs.upgradeFromImage).toBeDefined();
    // The gating step rehearses; the boot step only boots.
    expect(inputs.upgradeDrain).toBeUndefined();
    expect(problems({ cluster: "kind", "boot-only": "true", "upgrade-drain": "pool=old" })).toEqual([
      "upgrade-drain: boot-only runs no experiment; give upgrade-drain to the step that gates",
    ]);
  });
});

describe("the kind cluster's default name", () => {
  it("comes from the workflow run when cluster-name is empty", () => {
    const env = { GITHUB_RUN_ID: "123", GITHUB_RUN_ATTEMPT: "2", GITHUB_JOB: "gate", GITHUB_ACTION: "boot" };
    expect(parseActionInputs(raw({ cluster: "kind" }), env).clusterName).toMatch(/^chaos-123-2-[0-9a-f]{8}$/);
    expect(parseActionInputs(raw({ cluster: "kind", "cluster-name": "mine" }), env).clusterName).toBe("mine");
  });
});

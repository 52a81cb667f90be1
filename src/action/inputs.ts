// The action's inputs, read in one place into one typed object and checked by one pure function whose
// errors name the input and the allowed values. The run's options go through the parser the CLI uses
// too (run/options.ts); the inputs of the action alone (cluster set-up, publishing) are checked here.
// Reading goes through a getter, so this module never imports @actions/* and tests can feed it the
// real @actions/core or a plain record.

import type { WorkloadRef } from "../kubernetes/apply.ts";
import {
  defaultClusterName,
  type NodeImage,
  PREVIOUS_WORKERS_SELECTOR,
  parseNodeImage,
  upgradeProblems,
} from "../kubernetes/kind-config.ts";
import {
  checkBoolean,
  checkChoice,
  checkDuration,
  OptionProblems,
  type OptionSurface,
  parseRunOptions,
  type RunOptions,
} from "../run/options.ts";
import { artifactNameProblem } from "./journal-artifact.ts";

export const CLUSTER_MODES = ["existing", "kind", "sim"] as const;
export const FAIL_ON = ["deviation", "failure", "never"] as const;
export const COMMENT_MODES = ["always", "on-failure", "never"] as const;

export type ClusterMode = (typeof CLUSTER_MODES)[number];
export type FailOn = (typeof FAIL_ON)[number];
export type CommentMode = (typeof COMMENT_MODES)[number];

export interface ActionInputs {
  /** The run's options: experiments, vars, strategies, guard limits, timeouts. */
  options: RunOptions;
  cluster: ClusterMode;
  /** Kubeconfig file content (a secret), not a path. */
  kubeconfig?: string;
  context?: string;
  kindVersion?: string;
  kindConfig?: string;
  /** The image of every kind node; in an upgrade rehearsal, of the control plane and upgraded workers. */
  nodeImage?: NodeImage;
  /** An upgrade rehearsal's previous version: the image of the workers it drains. */
  upgradeFromImage?: NodeImage;
  /**
   * An upgrade rehearsal on any cluster: the label selector of the nodes drained between the two
   * runs of the experiments (with upgrade-from-image, the previous workers).
   */
  upgradeDrain?: string;
  /** Create the kind cluster, export its kubeconfig for later steps and stop: a later step gates. */
  bootOnly: boolean;
  clusterName: string;
  manifests: string[];
  /** Workloads to wait for: `deployment/web` (namespace `default`) or `shop/statefulset/db`. */
  waitFor: WorkloadRef[];
  waitForTimeoutSeconds: number;
  failOn: FailOn;
  githubToken: string;
  comment: CommentMode;
  commentKey?: string;
  junitPath?: string;
  /** Upload the journals and the JUnit file as a workflow artifact, linked from the report. */
  uploadJournals: boolean;
  /** The artifact's name; absent: journal-artifact.ts defaultArtifactName. */
  artifactName?: string;
  /** On pull_request_target and workflow_run: run the checked-out files instead of the workflow commit's. */
  trustCheckout: boolean;
}

/** Every input the action declares, as spelled in action.yml. */
export const INPUT_NAMES = [
  "experiments",
  "cluster",
  "kubeconfig",
  "context",
  "kind-version",
  "kind-config",
  "cluster-name",
  "node-image",
  "upgrade-from-image",
  "upgrade-drain",
  "boot-only",
  "manifests",
  "wait-for",
  "wait-for-timeout",
  "namespaces",
  "max-affected",
  "vars",
  "var-files",
  "hypothesis-strategy",
  "hypothesis-frequency",
  "fail-fast",
  "rollback-strategy",
  "dry-run",
  "allow-no-target",
  "allow-node-drain",
  "fail-on",
  "github-token",
  "comment",
  "comment-key",
  "journal-path",
  "junit-path",
  "upload-journals",
  "artifact-name",
  "timeout-minutes",
  "recovery-timeout",
  "trust-checked-out-experiments",
  "lease-wait",
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

export class ActionInputError extends Error {
  override name = "ActionInputError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.problems = problems;
  }
}

/** Reads every declared input through `getInput` (e.g. `core.getInput`), trimmed; absent is "". */
export function readRawInputs(getInput: (name: string) => string): RawInputs {
  const raw = {} as RawInputs;
  for (const name of INPUT_NAMES) raw[name] = getInput(name).trim();
  return raw;
}

/** Lines or commas; blank lines and `#` comments dropped. */
function list(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .flatMap((line) => line.split(","))
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** One item per line: values of `vars` may contain commas. */
function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const optional = (value: string): string | undefined => (value === "" ? undefined : value);

/** `90`, `90s`, `5m`, `1h` → seconds. */
export function parseDurationSeconds(value: string): number | undefined {
  const checked = checkDuration(value);
  return checked.ok ? checked.value : undefined;
}

const WORKLOAD_KINDS: Record<string, WorkloadRef["kind"]> = {
  deployment: "deployment",
  deployments: "deployment",
  deploy: "deployment",
  statefulset: "statefulset",
  statefulsets: "statefulset",
  sts: "statefulset",
  daemonset: "daemonset",
  daemonsets: "daemonset",
  ds: "daemonset",
};

export function parseWorkloadRef(text: string): WorkloadRef | string {
  const parts = text.split("/");
  const [namespace, kind, name] = parts.length === 3 ? parts : ["default", ...parts];
  const known = kind === undefined ? undefined : WORKLOAD_KINDS[kind.toLowerCase()];
  if (parts.length < 2 || parts.length > 3 || !namespace || !name || !known) {
    return `"${text}" is not a workload: expected [namespace/]kind/name with kind deployment, statefulset or daemonset (e.g. deployment/web or shop/statefulset/db)`;
  }
  return { namespace, kind: known, name };
}

/** The action names options by their inputs and words problems as `input: "value" is not …`. */
const surface: OptionSurface = {
  names: {
    vars: "vars",
    hypothesisStrategy: "hypothesis-strategy",
    hypothesisFrequency: "hypothesis-frequency",
    failFast: "fail-fast",
    rollbackStrategy: "rollback-strategy",
    dryRun: "dry-run",
    allowNoTarget: "allow-no-target",
    allowNodeDrain: "allow-node-drain",
    maxAffected: "max-affected",
    timeout: "timeout-minutes",
    recoveryTimeout: "recovery-timeout",
    leaseWait: "lease-wait",
  },
  units: { timeout: "minutes" },
  problem: (name, value, expected) => `${name}: "${value}" is not ${expected}`,
};

/** node-image, upgrade-from-image, upgrade-drain and boot-only, and how they combine. */
function kindClusterInputs(
  raw: RawInputs,
  cluster: ClusterMode,
  options: RunOptions,
  own: OptionProblems,
): Pick<ActionInputs, "nodeImage" | "upgradeFromImage" | "upgradeDrain" | "bootOnly"> {
  const image = (input: InputName): NodeImage | undefined => {
    const text = optional(raw[input]);
    if (text === undefined) return undefined;
    const parsed = parseNodeImage(text);
    if (typeof parsed !== "string") return parsed;
    own.add(`${input}: ${parsed}`);
    return undefined;
  };
  const nodeImage = image("node-image");
  const upgradeFromImage = image("upgrade-from-image");
  if (raw["upgrade-from-image"] !== "") {
    if (raw["node-image"] === "") {
      own.add("upgrade-from-image: an upgrade rehearsal also needs node-image, the version upgraded to");
    }
    if (raw["kind-config"] !== "") {
      own.add(
        "kind-config: an upgrade rehearsal writes its own kind config (a control plane on node-image, a worker on each image); leave kind-config out",
      );
    }
    if (upgradeFromImage && nodeImage) {
      for (const problem of upgradeProblems(upgradeFromImage, nodeImage))
        own.add(`upgrade-from-image: ${problem}`);
    }
  }
  const bootOnly = own.read("boot-only", optional(raw["boot-only"]), checkBoolean) ?? false;
  if (bootOnly && cluster !== "kind") {
    own.add(`boot-only: only cluster: kind boots a cluster (cluster is ${cluster})`);
  }
  if (bootOnly) {
    if (raw["upgrade-drain"] !== "") {
      own.add("upgrade-drain: boot-only runs no experiment; give upgrade-drain to the step that gates");
    }
    // The step that gates later rehearses the upgrade (cluster: existing, upgrade-drain).
    return { nodeImage, upgradeFromImage, bootOnly };
  }
  const upgradeDrain =
    optional(raw["upgrade-drain"]) ??
    (raw["upgrade-from-image"] !== "" ? PREVIOUS_WORKERS_SELECTOR : undefined);
  if (upgradeDrain !== undefined) {
    if (!options.allowNodeDrain) {
      own.add(
        "allow-node-drain: an upgrade rehearsal drains nodes that host kube-system pods; set allow-node-drain: true to let it evict them (through the Eviction API, never deleting)",
      );
    }
    if (options.journalPath?.endsWith(".json")) {
      own.add(
        `journal-path: an upgrade rehearsal writes a journal per experiment and phase; give a directory, not ${options.journalPath}`,
      );
    }
    if (cluster === "sim") {
      own.add(
        "upgrade-drain: the simulated cluster starts afresh for each run; rehearse upgrades on kind or an existing cluster",
      );
    }
    if (options.dryRun) {
      own.add("dry-run: an upgrade rehearsal drains nodes between its two phases; run it without dry-run");
    }
  }
  return { nodeImage, upgradeFromImage, upgradeDrain, bootOnly };
}

/**
 * The pure check: every problem is collected, so a user fixes them all in one go. `env` gives the
 * workflow run's identity, which names the kind cluster when cluster-name is not set.
 */
export function parseActionInputs(raw: RawInputs, env: NodeJS.ProcessEnv = {}): ActionInputs {
  const run = parseRunOptions(
    {
      targets: list(raw.experiments),
      journalPath: optional(raw["journal-path"]),
      vars: lines(raw.vars),
      varFiles: list(raw["var-files"]),
      hypothesisStrategy: optional(raw["hypothesis-strategy"]),
      hypothesisFrequency: optional(raw["hypothesis-frequency"]),
      failFast: optional(raw["fail-fast"]),
      rollbackStrategy: optional(raw["rollback-strategy"]),
      dryRun: optional(raw["dry-run"]),
      allowNoTarget: optional(raw["allow-no-target"]),
      allowNodeDrain: optional(raw["allow-node-drain"]),
      namespaces: list(raw.namespaces),
      maxAffected: optional(raw["max-affected"]),
      timeout: optional(raw["timeout-minutes"]),
      recoveryTimeout: optional(raw["recovery-timeout"]),
      leaseWait: optional(raw["lease-wait"]),
    },
    surface,
  );

  const own = new OptionProblems(surface);
  const choice = <T extends string>(input: InputName, allowed: readonly T[], fallback: T): T =>
    own.read(input, optional(raw[input]), (text) => checkChoice(text, allowed)) ?? fallback;
  const cluster = choice("cluster", CLUSTER_MODES, "existing");

  const waitFor: WorkloadRef[] = [];
  for (const item of list(raw["wait-for"])) {
    const ref = parseWorkloadRef(item);
    if (typeof ref === "string") own.add(`wait-for: ${ref}`);
    else waitFor.push(ref);
  }
  const waitForTimeoutSeconds =
    own.read("wait-for-timeout", optional(raw["wait-for-timeout"]), (text) => checkDuration(text)) ?? 300;

  const kindOnly: InputName[] = ["kind-version", "kind-config", "node-image", "upgrade-from-image"];
  if (cluster !== "kind") {
    for (const input of kindOnly) {
      if (raw[input] !== "") own.add(`${input} is only used with cluster: kind (cluster is ${cluster})`);
    }
  }
  if (cluster === "kind" && raw.kubeconfig !== "") {
    own.add(
      "kubeconfig: cluster: kind creates its own cluster; give a kubeconfig only with cluster: existing",
    );
  }
  if (cluster === "sim" && raw.kubeconfig !== "") {
    own.add(
      "kubeconfig: cluster: sim runs the simulated cluster; give a kubeconfig only with cluster: existing",
    );
  }
  const kindVersion = optional(raw["kind-version"]);
  if (kindVersion !== undefined && !/^v\d+\.\d+\.\d+$/.test(kindVersion)) {
    own.add(`kind-version: "${kindVersion}" is not a kind release tag such as v0.32.0`);
  }
  const { nodeImage, upgradeFromImage, upgradeDrain, bootOnly } = kindClusterInputs(
    raw,
    cluster,
    run.options,
    own,
  );
  const clusterName = raw["cluster-name"] === "" ? defaultClusterName(env) : raw["cluster-name"];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(clusterName)) {
    own.add(`cluster-name: "${clusterName}" must be lower-case letters, digits and dashes`);
  }

  const uploadJournals = own.read("upload-journals", optional(raw["upload-journals"]), checkBoolean) ?? true;
  const artifactName = optional(raw["artifact-name"]);
  const artifactProblem = artifactName === undefined ? undefined : artifactNameProblem(artifactName);
  if (artifactProblem) own.add(artifactProblem);

  const inputs: ActionInputs = {
    options: run.options,
    cluster,
    kubeconfig: optional(raw.kubeconfig),
    context: optional(raw.context),
    kindVersion,
    kindConfig: optional(raw["kind-config"]),
    ...(nodeImage === undefined ? {} : { nodeImage }),
    ...(upgradeFromImage === undefined ? {} : { upgradeFromImage }),
    ...(upgradeDrain === undefined ? {} : { upgradeDrain }),
    bootOnly,
    clusterName,
    manifests: list(raw.manifests),
    waitFor,
    waitForTimeoutSeconds,
    failOn: choice("fail-on", FAIL_ON, "deviation"),
    githubToken: raw["github-token"],
    comment: choice("comment", COMMENT_MODES, "always"),
    commentKey: optional(raw["comment-key"]),
    junitPath: optional(raw["junit-path"]),
    uploadJournals,
    artifactName,
    trustCheckout:
      own.read(
        "trust-checked-out-experiments",
        optional(raw["trust-checked-out-experiments"]),
        checkBoolean,
      ) ?? false,
  };
  const problems = [...run.problems, ...own.list];
  if (problems.length > 0) throw new ActionInputError(problems);
  return inputs;
}

/**
 * `fail-on` as a threshold over the combined verdict (DESIGN.md → Contracts → Verdicts). An invalid
 * experiment is unusable configuration, which fails the step whatever the threshold.
 */
export function failsStep(verdict: string, failOn: FailOn): boolean {
  if (verdict === "invalid") return true;
  if (failOn === "never") return false;
  if (verdict === "failed") return true;
  return failOn === "deviation" && verdict === "deviated";
}

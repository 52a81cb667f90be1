// The action's inputs, read in one place into one typed object and checked by one pure function whose
// errors name the input and the allowed values. Reading goes through a getter, so this module never
// imports @actions/* and tests can feed it the real @actions/core or a plain record.

import { hypothesisStrategyChoices, RollbackStrategy } from "../experiment/format.ts";
import type { WorkloadRef } from "../kubernetes/apply.ts";

export const CLUSTER_MODES = ["existing", "kind", "sim"] as const;
export const FAIL_ON = ["deviation", "failure", "never"] as const;
export const COMMENT_MODES = ["always", "on-failure", "never"] as const;
export const HYPOTHESIS_STRATEGIES = hypothesisStrategyChoices;
export const ROLLBACK_STRATEGIES = RollbackStrategy.options;

export type ClusterMode = (typeof CLUSTER_MODES)[number];
export type FailOn = (typeof FAIL_ON)[number];
export type CommentMode = (typeof COMMENT_MODES)[number];

/** A workload to wait for: `deployment/web` (namespace `default`) or `shop/statefulset/db`. */
export interface ActionInputs {
  experiments: string[];
  cluster: ClusterMode;
  /** Kubeconfig file content (a secret), not a path. */
  kubeconfig?: string;
  context?: string;
  kindVersion?: string;
  kindConfig?: string;
  clusterName: string;
  manifests: string[];
  waitFor: WorkloadRef[];
  waitForTimeoutSeconds: number;
  namespaces: string[];
  maxAffected?: string;
  vars: string[];
  varFiles: string[];
  hypothesisStrategy?: string;
  hypothesisFrequency?: number;
  failFast: boolean;
  rollbackStrategy?: string;
  dryRun: boolean;
  failOn: FailOn;
  githubToken: string;
  comment: CommentMode;
  commentKey?: string;
  journalPath?: string;
  junitPath?: string;
  timeoutMinutes?: number;
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
  "fail-on",
  "github-token",
  "comment",
  "comment-key",
  "journal-path",
  "junit-path",
  "timeout-minutes",
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
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value);
  if (!match) return undefined;
  const factor = { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"];
  return Number(match[1]) * factor;
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

function oneOf<T extends string>(
  problems: string[],
  input: InputName,
  value: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === "") return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${input}: "${value}" is not one of ${allowed.join(", ")}`);
  return fallback;
}

function boolean(problems: string[], input: InputName, value: string): boolean {
  if (value === "") return false;
  // The same spellings as core.getBooleanInput (YAML 1.2 core schema).
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  problems.push(`${input}: "${value}" is not a boolean: use true or false`);
  return false;
}

function positiveNumber(problems: string[], input: InputName, value: string): number | undefined {
  if (value === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    problems.push(`${input}: "${value}" is not a positive number`);
    return undefined;
  }
  return number;
}

/** The pure check: every problem is collected, so a user fixes them all in one go. */
export function parseActionInputs(raw: RawInputs): ActionInputs {
  const problems: string[] = [];
  const cluster = oneOf(problems, "cluster", raw.cluster, CLUSTER_MODES, "existing");

  const waitFor: WorkloadRef[] = [];
  for (const item of list(raw["wait-for"])) {
    const ref = parseWorkloadRef(item);
    if (typeof ref === "string") problems.push(`wait-for: ${ref}`);
    else waitFor.push(ref);
  }
  let waitForTimeoutSeconds = 300;
  if (raw["wait-for-timeout"] !== "") {
    const seconds = parseDurationSeconds(raw["wait-for-timeout"]);
    if (seconds === undefined || seconds <= 0) {
      problems.push(
        `wait-for-timeout: "${raw["wait-for-timeout"]}" is not a duration: use e.g. 300, 90s or 5m`,
      );
    } else waitForTimeoutSeconds = seconds;
  }

  const vars = lines(raw.vars);
  for (const line of vars) {
    if (!/^[^=\s]+=/.test(line)) problems.push(`vars: "${line}" is not key=value`);
  }

  const maxAffected = optional(raw["max-affected"]);
  if (maxAffected !== undefined && !/^\d+%?$/.test(maxAffected)) {
    problems.push(`max-affected: "${maxAffected}" is not a count or a percentage (e.g. 1 or 25%)`);
  }

  const hypothesisStrategy = optional(raw["hypothesis-strategy"]);
  if (hypothesisStrategy !== undefined) {
    oneOf(problems, "hypothesis-strategy", hypothesisStrategy, HYPOTHESIS_STRATEGIES, "default");
  }
  const rollbackStrategy = optional(raw["rollback-strategy"]);
  if (rollbackStrategy !== undefined) {
    oneOf(problems, "rollback-strategy", rollbackStrategy, ROLLBACK_STRATEGIES, "default");
  }

  const kindOnly: InputName[] = ["kind-version", "kind-config"];
  if (cluster !== "kind") {
    for (const input of kindOnly) {
      if (raw[input] !== "")
        problems.push(`${input} is only used with cluster: kind (cluster is ${cluster})`);
    }
  }
  if (cluster === "kind" && raw.kubeconfig !== "") {
    problems.push(
      "kubeconfig: cluster: kind creates its own cluster; give a kubeconfig only with cluster: existing",
    );
  }
  if (cluster === "sim" && raw.kubeconfig !== "") {
    problems.push(
      "kubeconfig: cluster: sim runs the simulated cluster; give a kubeconfig only with cluster: existing",
    );
  }
  const kindVersion = optional(raw["kind-version"]);
  if (kindVersion !== undefined && !/^v\d+\.\d+\.\d+$/.test(kindVersion)) {
    problems.push(`kind-version: "${kindVersion}" is not a kind release tag such as v0.32.0`);
  }
  const clusterName = raw["cluster-name"] === "" ? "chaos-action" : raw["cluster-name"];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(clusterName)) {
    problems.push(`cluster-name: "${clusterName}" must be lower-case letters, digits and dashes`);
  }

  const inputs: ActionInputs = {
    experiments: list(raw.experiments).length > 0 ? list(raw.experiments) : ["experiments/"],
    cluster,
    kubeconfig: optional(raw.kubeconfig),
    context: optional(raw.context),
    kindVersion,
    kindConfig: optional(raw["kind-config"]),
    clusterName,
    manifests: list(raw.manifests),
    waitFor,
    waitForTimeoutSeconds,
    namespaces: list(raw.namespaces),
    maxAffected,
    vars,
    varFiles: list(raw["var-files"]),
    hypothesisStrategy,
    hypothesisFrequency: positiveNumber(problems, "hypothesis-frequency", raw["hypothesis-frequency"]),
    failFast: boolean(problems, "fail-fast", raw["fail-fast"]),
    rollbackStrategy,
    dryRun: boolean(problems, "dry-run", raw["dry-run"]),
    failOn: oneOf(problems, "fail-on", raw["fail-on"], FAIL_ON, "deviation"),
    githubToken: raw["github-token"],
    comment: oneOf(problems, "comment", raw.comment, COMMENT_MODES, "always"),
    commentKey: optional(raw["comment-key"]),
    journalPath: optional(raw["journal-path"]),
    junitPath: optional(raw["junit-path"]),
    timeoutMinutes: positiveNumber(problems, "timeout-minutes", raw["timeout-minutes"]),
  };
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

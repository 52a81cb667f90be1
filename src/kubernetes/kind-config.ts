// What a kind cluster is made of, decided before kind runs: digest-pinned node images, the cluster
// config of an upgrade rehearsal (control plane and upgraded workers on the new image, the previous
// workers on the old one), the default cluster name of a workflow run, and whether the runner can
// run kind at all. Pure.
import { createHash } from "node:crypto";

/** A node image pinned by digest: a tag can be moved to other content, a digest cannot. */
export interface NodeImage {
  /** As given: `kindest/node:v1.33.1@sha256:<64 hex>`. */
  reference: string;
  /** The tag when it is a Kubernetes version (`v1.33.1`). */
  kubernetesVersion?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAME = /^[a-z0-9]+([._/:-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const VERSION = /^v(\d+)\.(\d+)\.(\d+)/;

/** The image, or why it is refused (a sentence that names what was expected). */
export function parseNodeImage(text: string): NodeImage | string {
  const example = "kindest/node:v1.33.1@sha256:<64 hex digits>";
  const at = text.indexOf("@");
  if (at < 0) {
    return (
      `"${text}" is not pinned by digest: give the image with its digest, as kind's release notes list it ` +
      `(${example}); a tag can be moved to other content, a digest cannot`
    );
  }
  const name = text.slice(0, at);
  const digest = text.slice(at + 1);
  if (!DIGEST.test(digest))
    return `"${text}": the digest must be sha256: and 64 lower-case hex digits (${example})`;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repository = colon > slash ? name.slice(0, colon) : name;
  if (!NAME.test(repository) || (tag !== undefined && !TAG.test(tag))) {
    return `"${text}" is not an image reference such as ${example}`;
  }
  const version = tag === undefined ? undefined : VERSION.exec(tag)?.[0];
  return { reference: text, ...(version === undefined ? {} : { kubernetesVersion: version }) };
}

/** -1, 0 or 1 by major, minor and patch; undefined when either is not a version. */
export function compareKubernetesVersions(a: string, b: string): number | undefined {
  const pa = VERSION.exec(a);
  const pb = VERSION.exec(b);
  if (!pa || !pb) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** How many minor versions `newer` is ahead of `older` (same major), else undefined. */
export function minorVersionsApart(older: string, newer: string): number | undefined {
  const po = VERSION.exec(older);
  const pn = VERSION.exec(newer);
  if (!po || !pn || po[1] !== pn[1]) return undefined;
  return Number(pn[2]) - Number(po[2]);
}

/**
 * Problems of an upgrade from `from` to `to`, as sentences: the new image must be newer, and a
 * kubelet may be at most three minor versions older than its API server (Kubernetes' skew policy).
 */
export function upgradeProblems(from: NodeImage, to: NodeImage): string[] {
  if (from.reference === to.reference) return ["the upgrade's two node images are the same image"];
  if (!from.kubernetesVersion || !to.kubernetesVersion) return [];
  const order = compareKubernetesVersions(from.kubernetesVersion, to.kubernetesVersion);
  if (order !== undefined && order >= 0) {
    return [
      `the previous nodes' image (${from.kubernetesVersion}) must be older than the upgraded one (${to.kubernetesVersion})`,
    ];
  }
  const apart = minorVersionsApart(from.kubernetesVersion, to.kubernetesVersion);
  if (apart !== undefined && apart > 3) {
    return [
      `${from.kubernetesVersion} kubelets cannot join a ${to.kubernetesVersion} control plane: Kubernetes allows kubelets at most 3 minor versions older than the API server`,
    ];
  }
  return [];
}

/** The label a rehearsal puts on each worker, and its two values. */
export const UPGRADE_POOL_LABEL = "chaos-action/upgrade-pool";
export const PREVIOUS_POOL = "previous";
export const UPGRADED_POOL = "upgraded";
/** The label selector of the workers an upgrade rehearsal drains. */
export const PREVIOUS_WORKERS_SELECTOR = `${UPGRADE_POOL_LABEL}=${PREVIOUS_POOL}`;

export interface KindNode {
  role: "control-plane" | "worker";
  image?: string;
  labels?: Record<string, string>;
}

/** A kind cluster config (kind.x-k8s.io/v1alpha4); JSON-quoted scalars are YAML too. */
export function kindConfigYaml(nodes: readonly KindNode[]): string {
  const q = (value: string) => JSON.stringify(value);
  const lines = ["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "nodes:"];
  for (const node of nodes) {
    lines.push(`  - role: ${node.role}`);
    if (node.image !== undefined) lines.push(`    image: ${q(node.image)}`);
    const labels = Object.entries(node.labels ?? {});
    if (labels.length > 0) {
      lines.push("    labels:");
      for (const [key, value] of labels) lines.push(`      ${q(key)}: ${q(value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The nodes of an upgrade rehearsal: the control plane already on the new version (control planes
 * are upgraded first), `workers` workers still on the previous version and as many upgraded ones,
 * each labelled with its pool so the previous ones can be drained.
 */
export function upgradeRehearsalNodes(previous: NodeImage, upgraded: NodeImage, workers = 1): KindNode[] {
  const pool = (image: NodeImage, value: string): KindNode[] =>
    Array.from({ length: workers }, () => ({
      role: "worker",
      image: image.reference,
      labels: { [UPGRADE_POOL_LABEL]: value },
    }));
  return [
    { role: "control-plane", image: upgraded.reference },
    ...pool(previous, PREVIOUS_POOL),
    ...pool(upgraded, UPGRADED_POOL),
  ];
}

/** kind's own default, for runs outside GitHub Actions. */
export const FALLBACK_CLUSTER_NAME = "chaos-action";

/**
 * A cluster name no other run, attempt, job, step or matrix leg on the same machine uses:
 * `chaos-<run id>-<attempt>-<8 hex>`, the hex digest of the job, the step (GITHUB_ACTION tells two
 * steps of a job apart) and the runner (matrix legs on one machine run on different runners).
 * Short enough for kind's node container names (`<name>-control-plane`, at most 63 characters).
 */
export function defaultClusterName(env: NodeJS.ProcessEnv): string {
  const run = env.GITHUB_RUN_ID?.replace(/[^0-9]/g, "");
  if (!run) return FALLBACK_CLUSTER_NAME;
  const attempt = env.GITHUB_RUN_ATTEMPT?.replace(/[^0-9]/g, "") || "1";
  const where = [env.GITHUB_JOB, env.GITHUB_ACTION, env.RUNNER_NAME].map((part) => part ?? "").join("\n");
  const hash = createHash("sha256").update(where).digest("hex").slice(0, 8);
  return `chaos-${run.slice(-12)}-${attempt.slice(-3)}-${hash}`;
}

const OS_NAMES: Record<string, string> = { darwin: "macOS", win32: "Windows", linux: "Linux" };

/**
 * kind runs its nodes as Linux containers on the runner's Docker: GitHub's Linux runners (x64 or
 * arm64) have it, its macOS and Windows runners do not. Undefined when the runner can; else why not.
 */
export function unsupportedKindRunner(platform: string, arch: string): string | undefined {
  if (platform === "linux" && (arch === "x64" || arch === "arm64")) return undefined;
  const os = OS_NAMES[platform] ?? platform;
  return (
    `cluster: kind needs a Linux runner on x64 or arm64 with Docker; this runner is ${os} on ${arch}. ` +
    "Use runs-on: ubuntu-latest (or ubuntu-24.04-arm), or cluster: existing with a cluster the job can reach"
  );
}

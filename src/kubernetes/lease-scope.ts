// Which Leases a run takes, so two runs never work on the same target at once (DESIGN.md → "Undo
// survives the runner"): one in every namespace the experiment's Kubernetes activities work in or
// read, and its actions' resolved targets live in; and one for the whole cluster when it touches or
// reads nodes, namespaces or other cluster-scoped objects. Always in one sorted order, so two runs
// that need the same Leases cannot each hold one the other waits for; and who holds them. Pure.
import type { ActionTargets } from "./guard.ts";
import { activityNamespace, type KubernetesActivity, type SignatureShape } from "./scope.ts";

export interface LeaseRef {
  namespace: string;
  name: string;
}

/** The Lease of a namespace, in that namespace. */
export const NAMESPACE_LEASE_NAME = "chaos-action";

/**
 * Node faults (and other cluster-scoped objects): one Lease for the cluster. It lives in `default`,
 * which every cluster has: kube-system holds the control plane's leader-election Leases, which a
 * chaos run should have no right to update, and kube-node-lease belongs to the kubelets.
 */
export const CLUSTER_LEASE: LeaseRef = { namespace: "default", name: "chaos-action-nodes" };

/** Functions that act on or read cluster-scoped objects. */
const CLUSTER_MODULES = ["chaosk8s.node.", "chaosk8s.namespace."];

export const leaseKey = (lease: LeaseRef): string => `${lease.namespace}/${lease.name}`;

/**
 * The Leases of an experiment, sorted: its activities (hypothesis, method, rollbacks) name their
 * namespaces; its method actions' targets say where the faults land. An action with a cluster-scoped
 * target (a node) is covered by the cluster Lease alone: the pods a drain evicts may live anywhere,
 * kube-system included, and their controllers recreate them.
 */
export function leasesFor(
  activities: readonly KubernetesActivity[],
  targets: readonly ActionTargets[],
  signatures: readonly SignatureShape[],
): LeaseRef[] {
  const namespaces = new Set<string>();
  let cluster = false;
  for (const activity of activities) {
    if (CLUSTER_MODULES.some((prefix) => activity.module.startsWith(prefix))) cluster = true;
    const namespace = activityNamespace(activity, signatures);
    if (namespace !== undefined) namespaces.add(namespace);
  }
  for (const { targetSet } of targets) {
    if (targetSet.objects.some((object) => object.namespace === undefined)) {
      cluster = true;
      continue;
    }
    for (const object of targetSet.objects) if (object.namespace) namespaces.add(object.namespace);
  }
  const leases = [...namespaces].map((namespace) => ({ namespace, name: NAMESPACE_LEASE_NAME }));
  if (cluster) leases.push(CLUSTER_LEASE);
  return leases.sort((a, b) => (leaseKey(a) < leaseKey(b) ? -1 : leaseKey(a) > leaseKey(b) ? 1 : 0));
}

/** The namespaces Leases live in, for the RBAC preflight. */
export const leaseNamespaces = (leases: readonly LeaseRef[]): string[] => [
  ...new Set(leases.map((lease) => lease.namespace)),
];

/**
 * Who holds a Lease: the run. In a workflow, its run URL (and job), so a waiting run can name it;
 * the host, process and a random id keep matrix legs and local runs apart.
 */
export function holderIdentity(env: NodeJS.ProcessEnv, host: string, pid: number, id: string): string {
  const local = `${host} pid ${pid} id ${id}`;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return local;
  const url = `${server}/${repository}/actions/runs/${runId}/attempts/${env.GITHUB_RUN_ATTEMPT || "1"}`;
  return `${url} (${env.GITHUB_JOB ? `job ${env.GITHUB_JOB}, ` : ""}${local})`;
}

// Where a cluster connection came from (a kubeconfig, KUBERNETES_* settings, in-cluster), as logs,
// reports and error messages name it. Plain data: read by the connection and by cluster-errors.

export type ConnectionSourceKind =
  | "kubeconfig-flag"
  | "kubeconfig-content"
  | "env"
  | "kubeconfig-env"
  | "kubeconfig-home"
  | "in-cluster";

/** Where the connection came from, for logs and reports. Never holds a secret. */
export interface ConnectionSource {
  kind: ConnectionSourceKind;
  /** Kubeconfig file(s) read; several KUBECONFIG files are joined with the path delimiter. */
  path?: string;
  context?: string;
  /** Name of the cluster entry in the kubeconfig. */
  cluster?: string;
  server: string;
  user?: string;
  /** How requests authenticate, without the secret: "bearer token", "client certificate"... */
  auth: string;
  tlsVerify: boolean;
  /** For KUBERNETES_HOST: whether it came from the experiment's secrets or the environment. */
  settingsFrom?: "secrets" | "environment";
  /** The proxy requests go through (scheme, host and port only). */
  proxy?: string;
  /** For kubeconfig content: what it is, e.g. "the simulated cluster" or "the kubeconfig input". */
  label?: string;
}

/** "kubeconfig /home/me/.kube/config, context kind-chaos" — where the connection settings came from. */
export function sourceLabel(source: ConnectionSource): string {
  switch (source.kind) {
    case "kubeconfig-flag":
      return source.label
        ? `${source.label} (${source.path})`
        : `the kubeconfig given with --kubeconfig (${source.path})`;
    case "kubeconfig-content":
      return source.label ?? "the kubeconfig given as content";
    case "env":
      return source.settingsFrom === "secrets"
        ? "KUBERNETES_HOST in the experiment's secrets"
        : "the KUBERNETES_HOST environment variable";
    case "kubeconfig-env":
      return `KUBECONFIG (${source.path})`;
    case "kubeconfig-home":
      return `the kubeconfig ${source.path}`;
    case "in-cluster":
      return "the pod's service account (in-cluster)";
  }
}

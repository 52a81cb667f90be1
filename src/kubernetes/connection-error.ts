// Apart from cluster-errors.ts: the exit status of any failed command asks whether an error is this
// one, and that question must not load the explanations of the cluster's answers.

/**
 * The connection settings are wrong (a kubeconfig that cannot be read or parsed, an unknown context,
 * a file it names missing, a malformed server address): the run's input, not the cluster, is at
 * fault, so the run is `invalid` (exit 2). Found before any request is sent.
 */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

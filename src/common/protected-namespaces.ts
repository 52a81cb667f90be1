// The namespaces of the cluster itself: the blast-radius guard keeps actions out of them unless asked,
// and the report calls out every pod a drain evicted from them.
export const PROTECTED_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

export function isProtectedNamespace(namespace: string): boolean {
  return PROTECTED_NAMESPACES.includes(namespace);
}

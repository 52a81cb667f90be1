// Our own writes to the cluster, per resource (group and plural), as the transport sends them: a
// watch-fed cache of a resource (list-cache.ts) must not answer from a state older than a write we
// made to it. Every write is counted when it starts and when it ends; a cache remembers the count at
// its last list, and lists again once the count has moved. Pure bookkeeping, no I/O.

const METHODS_THAT_READ = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request with this HTTP method may change the cluster. */
export const isWrite = (method: string): boolean => !METHODS_THAT_READ.has(method.toUpperCase());

/** Deleting a namespace reaches every resource in it. */
const EVERYTHING = "*";

/**
 * The resource a request path writes, `group/plural` ("" group for the core API), e.g. "/pods",
 * "apps/deployments"; a subresource (`pods/NAME/eviction`, `deployments/NAME/scale`) writes its
 * resource. The server URL may carry a path prefix. Undefined for a path that is not a resource.
 */
export function writtenResource(pathname: string): string | undefined {
  const match = /(?:^|\/)(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^?]+)$/.exec(pathname);
  if (!match) return undefined;
  const group = match[1] ?? "";
  const segments = match[2]!.split("/").filter((segment) => segment !== "");
  if (segments[0] === "namespaces") {
    if (segments.length >= 3) return `${group}/${segments[2]}`;
    return group === "" ? EVERYTHING : undefined;
  }
  return segments[0] === undefined ? undefined : `${group}/${segments[0]}`;
}

export class WriteLog {
  private readonly counts = new Map<string, number>();
  private readonly pending = new Map<string, number>();

  /** Notes a request about to be sent; returns what to call when its answer (or failure) is in. */
  begin(method: string, url: string): () => void {
    if (!isWrite(method)) return () => {};
    let resource: string | undefined;
    try {
      resource = writtenResource(new URL(url).pathname);
    } catch {
      resource = undefined;
    }
    if (resource === undefined) return () => {};
    const key = resource;
    this.bump(key);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.pending.set(key, (this.pending.get(key) ?? 1) - 1);
      this.bump(key);
    };
  }

  /** Moves whenever a write to `resource` (`group/plural`) starts or ends. */
  generation(resource: string): number {
    return (this.counts.get(resource) ?? 0) + (this.counts.get(EVERYTHING) ?? 0);
  }

  /** A write to `resource` is on its way: its outcome is not known yet. */
  writing(resource: string): boolean {
    return (this.pending.get(resource) ?? 0) + (this.pending.get(EVERYTHING) ?? 0) > 0;
  }

  private bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

// Lists answered from a watch, for probes that run again and again (the hypothesis during the method,
// every `hypothesis-frequency` seconds): one list, then one watch per kind, namespace and selectors,
// instead of one list per probe per tick. Kept while the engine says so (ProviderCall.cacheUntil:
// the method's end, an abort, a signal), then every watch is closed.
//
// The rule that keeps answers those of a fresh list:
// - A cache answers only while its watch is open: the state it holds is the list's, plus every
//   change the watch delivered since (the watch resumes from the list's resourceVersion, so nothing
//   between the two is missed). A watch the server ended is reopened from the last resourceVersion
//   seen; meanwhile reads list again. A 410 Gone (that version is no longer kept) relists.
// - Our own writes (the method's actions, rollbacks, undo) are counted per resource by the transport
//   (write-log.ts). While a write to a resource is on its way, reads of that resource are fresh lists;
//   once one has ended, the next read lists again (and reopens the watch from there) before answering.
//   So a probe right after an action sees the action's effect, exactly as a list would. Changes made
//   by others (controllers replacing a pod) arrive through the watch, milliseconds after they happen.
// ResourceVersions are compared for equality only, never ordered: they are opaque.
import type { KubeConfig } from "@kubernetes/client-node";
import { raceAbort } from "../common/abort.ts";
import type { NativeContext } from "../providers/native.ts";
import { kubernetesServiceOf } from "./activities/cluster-context.ts";
import {
  collectionPath,
  type Json,
  type KindInfo,
  listObjects,
  listObjectsAt,
  type Selectors,
} from "./activities/object-access.ts";
import { clientNode, forActivity, writeLogOf } from "./cluster-client.ts";
import type { WriteLog } from "./write-log.ts";

/** Asked of the server, so a watch ends (and is reopened) before idle connections are dropped. */
const WATCH_SECONDS = 290;
/**
 * client-node ends a watch that sent nothing for 30 s, but an API server sends a bookmark about once a
 * minute: in a quiet cluster every watch would be reopened twice a minute. A broken connection is
 * still noticed within this.
 */
const WATCH_IDLE_MS = 90_000;
const REOPEN_DELAY_MS = 100;
const MAX_REOPEN_DELAY_MS = 30_000;

const keyOf = (object: Json): string => {
  const metadata = (object.metadata ?? {}) as Json;
  return `${String(metadata.namespace ?? "")}/${String(metadata.name ?? "")}`;
};

const resourceVersionOf = (object: unknown): string | undefined => {
  const version = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  return typeof version === "string" && version !== "" ? version : undefined;
};

/** One list + watch: the objects of a kind in a namespace that match the selectors. */
class WatchedList {
  private readonly kc: KubeConfig;
  private readonly kind: KindInfo;
  private readonly namespace: string | undefined;
  private readonly selectors: Selectors;
  private readonly writes: WriteLog;
  private readonly until: AbortSignal;
  private readonly resource: string;
  private items = new Map<string, Json>();
  /** `items` in the API server's order, kept until they change: probes read far more often than objects change. */
  private ordered: Json[] | undefined;
  private resourceVersion: string | undefined;
  /** The write generation when the last list started; undefined until listed (or after a 410). */
  private listedAt: number | undefined;
  private live = false;
  /** Events of any other stream than the current one are ignored. */
  private stream = 0;
  private request: AbortController | undefined;
  private syncing: Promise<void> | undefined;
  /** The server refused the watch (e.g. RBAC grants `list` but not `watch`): reads list, as without a cache. */
  private refused = false;
  private failuresInARow = 0;

  constructor(options: {
    kc: KubeConfig;
    kind: KindInfo;
    namespace: string | undefined;
    selectors: Selectors;
    writes: WriteLog;
    until: AbortSignal;
  }) {
    this.kc = options.kc;
    this.kind = options.kind;
    this.namespace = options.namespace;
    this.selectors = options.selectors;
    this.writes = options.writes;
    this.until = options.until;
    this.resource = `${options.kind.group}/${options.kind.plural}`;
  }

  /** The objects as a list made now would return them, in the API server's order (namespace, name). */
  async read(): Promise<Json[]> {
    if (this.refused || this.writes.writing(this.resource)) {
      // A write's outcome is not known yet: only the server knows whether it is applied.
      return listObjects(this.kc, this.kind, this.namespace, this.selectors);
    }
    if (!this.current()) await this.resync();
    this.ordered ??= [...this.items.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => object);
    return [...this.ordered];
  }

  close(): void {
    this.stream++;
    this.live = false;
    this.request?.abort();
    this.items.clear();
    this.ordered = undefined;
  }

  private current(): boolean {
    return (
      this.live && this.listedAt !== undefined && this.listedAt === this.writes.generation(this.resource)
    );
  }

  /** Lists, then watches from the list's resourceVersion; concurrent reads share one resync. */
  private resync(): Promise<void> {
    this.syncing ??= (async () => {
      const generation = this.writes.generation(this.resource);
      this.stream++;
      this.live = false;
      this.request?.abort();
      const listed = await listObjectsAt(this.kc, this.kind, this.namespace, this.selectors);
      this.items = new Map(listed.items.map((object) => [keyOf(object), object]));
      this.ordered = undefined;
      this.resourceVersion = listed.resourceVersion;
      this.listedAt = generation;
      await this.watch();
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Opens the watch from `resourceVersion`; resolves once the server has accepted it. */
  private async watch(): Promise<void> {
    if (this.until.aborted) return;
    const { Watch } = await clientNode();
    const stream = ++this.stream;
    let ended = false;
    // `requestTimeoutMs` is a plain field of the class, only marked private in its typings.
    const watch = new Watch(this.kc);
    Object.assign(watch, { requestTimeoutMs: WATCH_IDLE_MS });
    const request = await watch.watch(
      collectionPath(this.kind, this.namespace),
      {
        labelSelector: this.selectors.labelSelector || undefined,
        fieldSelector: this.selectors.fieldSelector || undefined,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: WATCH_SECONDS,
      },
      (type, object) => {
        if (stream !== this.stream) return;
        this.failuresInARow = 0;
        this.apply(type, object);
      },
      (error: unknown) => {
        ended = true;
        if (stream === this.stream) this.ended(error);
      },
    );
    if (stream !== this.stream || this.until.aborted) {
      request.abort();
      return;
    }
    this.request = request;
    this.live = !ended;
    if (this.live) this.failuresInARow = 0;
  }

  private apply(type: string, object: unknown): void {
    if (type === "ERROR") {
      // 410 Gone: the version we resumed from is no longer kept; the stream ends and we list again.
      if ((object as { code?: unknown } | null)?.code === 410) this.listedAt = undefined;
      this.live = false;
      return;
    }
    this.resourceVersion = resourceVersionOf(object) ?? this.resourceVersion;
    if (type === "BOOKMARK") return;
    const key = keyOf(object as Json);
    if (type === "DELETED") this.items.delete(key);
    else if (type === "ADDED" || type === "MODIFIED") this.items.set(key, object as Json);
    else return;
    this.ordered = undefined;
  }

  /** The server ended the stream (its timeout), or it broke: resume from the last version seen. */
  private ended(error: unknown): void {
    this.live = false;
    this.request = undefined;
    if (this.until.aborted) return;
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (status === 410) this.listedAt = undefined;
    else if (typeof status === "number" && status >= 400 && status < 500 && status !== 429) {
      this.refused = true;
      return;
    }
    if (error) this.failuresInARow++;
    const delay = Math.min(REOPEN_DELAY_MS * 2 ** this.failuresInARow, MAX_REOPEN_DELAY_MS);
    const stream = this.stream;
    setTimeout(() => {
      if (stream !== this.stream || this.until.aborted || this.syncing) return;
      const reopen = this.listedAt === undefined ? this.resync() : this.watch();
      // A failure leaves the cache not live: the next read lists, and reports the failure as a list would.
      reopen.catch(() => {});
    }, delay).unref();
  }
}

/** The caches of one run's repeated probes, per connection. */
const caches = new WeakMap<AbortSignal, WeakMap<KubeConfig, Map<string, WatchedList>>>();

function cacheFor(
  root: KubeConfig,
  writes: WriteLog,
  until: AbortSignal,
  kind: KindInfo,
  namespace: string | undefined,
  selectors: Selectors,
  binding: Record<string, unknown>,
): WatchedList {
  let byConnection = caches.get(until);
  if (!byConnection) {
    byConnection = new WeakMap();
    caches.set(until, byConnection);
  }
  let lists = byConnection.get(root);
  if (!lists) {
    const created = new Map<string, WatchedList>();
    lists = created;
    byConnection.set(root, created);
    until.addEventListener(
      "abort",
      () => {
        for (const list of created.values()) list.close();
        created.clear();
      },
      { once: true },
    );
  }
  const key = JSON.stringify([
    kind.group,
    kind.version,
    kind.plural,
    namespace ?? "",
    selectors.labelSelector ?? "",
    selectors.fieldSelector ?? "",
  ]);
  let list = lists.get(key);
  if (!list) {
    // Its requests outlive the probe that started it: they end with the cache, not with the activity.
    const kc = forActivity(root, { ...binding, signal: until });
    list = new WatchedList({ kc, kind, namespace, selectors, writes, until });
    lists.set(key, list);
  }
  return list;
}

/**
 * The objects a probe reads: from the run's watch-fed cache while the engine allows it
 * (`ctx.cacheUntil`), else a fresh list on `kc` (the activity's connection).
 */
export async function listForProbe(
  ctx: NativeContext,
  kc: KubeConfig,
  kind: KindInfo,
  namespace: string | undefined,
  selectors: Selectors = {},
): Promise<Json[]> {
  const until = ctx.cacheUntil;
  const connection = kubernetesServiceOf(ctx);
  if (!until || until.aborted || !connection) {
    return listObjects(kc, kind, namespace, selectors);
  }
  const root = await connection.connect(ctx.secrets);
  const writes = writeLogOf(root);
  // Without the count of our writes the cache could answer from before an action: list instead.
  if (!writes) return listObjects(kc, kind, namespace, selectors);
  const list = cacheFor(root, writes, until, kind, namespace, selectors, {
    ...((ctx.services.apiRetry as Record<string, unknown> | undefined) ?? {}),
  });
  // The activity's own deadline or interruption ends its wait, not the cache.
  return raceAbort(list.read(), ctx.signal);
}

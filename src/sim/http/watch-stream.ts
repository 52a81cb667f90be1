import type { ServerResponse } from "node:http";
import { ApiError } from "../api-errors.ts";
import type { KubeObject, ObjectStore, StoreEvent, WatchEventType } from "../object-store.ts";
import { apiVersionOf, type ResourceType, typeKey } from "../resource-types.ts";

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  matches: (obj: KubeObject) => boolean;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
}

/** One open watch: JSON lines of watch events until the timeout, the client leaving, or close(). */
export class WatchStream {
  private readonly res: ServerResponse;
  private readonly request: WatchRequest;
  private readonly store: ObjectStore;
  private unsubscribe: (() => void) | undefined;
  private timeout: NodeJS.Timeout | undefined;
  private bookmarks: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly onEnd: () => void;

  constructor(res: ServerResponse, store: ObjectStore, request: WatchRequest, onEnd: () => void) {
    this.res = res;
    this.store = store;
    this.request = request;
    this.onEnd = onEnd;
  }

  start(): void {
    const { request, res } = this;
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    res.flushHeaders();
    res.on("close", () => this.end());
    const rv = request.resourceVersion;
    if (rv && rv !== "0") {
      let missed: StoreEvent[];
      try {
        missed = this.store.eventsSince(Number(rv));
      } catch (error) {
        if (error instanceof ApiError) {
          this.send("ERROR", error.toStatus());
          this.end();
          return;
        }
        throw error;
      }
      for (const event of missed) this.forward(event);
    } else {
      for (const obj of this.store.list(request.type, request.namespace)) {
        if (request.matches(obj)) this.send("ADDED", obj);
      }
    }
    this.unsubscribe = this.store.subscribe((event) => this.forward(event));
    this.timeout = setTimeout(() => this.end(), request.timeoutSeconds * 1000);
    if (request.allowBookmarks) {
      this.bookmarks = setInterval(() => this.bookmark(), request.bookmarkIntervalMs);
    }
  }

  /** The plural of the watched resource. */
  get resource(): string {
    return this.request.type.plural;
  }

  /** Ends the watch by dropping its connection, as a broken network would. */
  reset(): void {
    this.res.socket?.destroy();
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe?.();
    clearTimeout(this.timeout);
    clearInterval(this.bookmarks);
    if (!this.res.writableEnded) this.res.end();
    this.onEnd();
  }

  private bookmark(): void {
    this.send("BOOKMARK", {
      kind: this.request.type.kind,
      apiVersion: apiVersionOf(this.request.type),
      metadata: { resourceVersion: String(this.store.resourceVersion) },
    });
  }

  private forward(event: StoreEvent): void {
    const { type, namespace, matches } = this.request;
    if (event.typeKey !== typeKey(type.group, type.plural)) return;
    if (namespace && type.namespaced && event.object.metadata.namespace !== namespace) return;
    const now = matches(event.object);
    const before = event.previous !== undefined && matches(event.previous);
    let kind: WatchEventType | undefined;
    if (event.type === "ADDED") kind = now ? "ADDED" : undefined;
    else if (event.type === "DELETED") kind = before ? "DELETED" : undefined;
    else if (now && before) kind = "MODIFIED";
    else if (now) kind = "ADDED";
    else if (before) kind = "DELETED";
    if (kind) this.send(kind, event.object);
  }

  private send(type: string, object: unknown): void {
    if (this.ended || this.res.writableEnded) return;
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }
}

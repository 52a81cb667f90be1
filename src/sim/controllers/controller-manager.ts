import type { ClusterState } from "../cluster-state.ts";
import type { StoreEvent } from "../object-store.ts";

export interface Controller {
  readonly name: string;
  /** Keys to reconcile after a write to the store. */
  keysFor(event: StoreEvent): string[];
  reconcile(key: string): void;
  /** Stops the controller's own timers (the state's TimerSet stops the rest). */
  close?(): void;
}

/** Runs controllers off store events through a deduplicated work queue, asynchronously like a real control plane. */
export class ControllerManager {
  private readonly state: ClusterState;
  private readonly controllers: Controller[];
  private readonly queue = new Map<string, { controller: Controller; key: string }>();
  private immediate: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(state: ClusterState, controllers: Controller[]) {
    this.state = state;
    this.controllers = controllers;
    this.unsubscribe = state.store.subscribe((event) => this.onEvent(event));
  }

  get idle(): boolean {
    return this.queue.size === 0 && this.immediate === undefined;
  }

  enqueue(controller: Controller, key: string): void {
    if (this.closed) return;
    this.queue.set(`${controller.name}\u0000${key}`, { controller, key });
    this.immediate ??= setImmediate(() => this.drain());
  }

  /** Reconciles every object of every controller once (at start-up). */
  resyncAll(events: StoreEvent[]): void {
    for (const event of events) this.onEvent(event);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.queue.clear();
    for (const c of this.controllers) c.close?.();
  }

  private onEvent(event: StoreEvent): void {
    for (const controller of this.controllers) {
      for (const key of controller.keysFor(event)) this.enqueue(controller, key);
    }
  }

  private drain(): void {
    this.immediate = undefined;
    const batch = [...this.queue.values()];
    this.queue.clear();
    for (const { controller, key } of batch) {
      if (this.closed) return;
      try {
        controller.reconcile(key);
      } catch (error) {
        this.state.errors.push(error);
      }
    }
  }
}

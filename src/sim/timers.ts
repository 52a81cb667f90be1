/** Every timer the simulated cluster starts, so `settled()` can tell when nothing is pending and `close()` can stop them all. */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly onError: (error: unknown) => void;
  private closed = false;

  constructor(onError: (error: unknown) => void) {
    this.onError = onError;
  }

  get pending(): number {
    return this.timers.size;
  }

  schedule(delayMs: number, run: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        run();
      } catch (error) {
        this.onError(error);
      }
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

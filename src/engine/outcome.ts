// How a run is going, as the engine learns it: the first failure and its cause, deviations, whether a
// fault was injected.
import type { RunStopped } from "./activity.ts";
import type { JournalStatus } from "./journal.ts";
import type { FailureCause } from "./strategies.ts";

/** How the run is going; turned into the journal's status, deviated flag and our reason at the end. */
export class Outcome {
  status: JournalStatus = "completed";
  cause: FailureCause | undefined;
  /** Why the run failed, in words. */
  failure: string | undefined;
  deviated = false;
  deviatedProbe: string | undefined;
  faultInjected = false;

  /** The first failure wins. */
  fail(cause: FailureCause, failure: string): void {
    if (this.status !== "completed") return;
    this.status = "failed";
    this.cause = cause;
    this.failure = failure;
  }

  /** A hypothesis probe raised after the method: Chaos Toolkit's journal says `failed` then. */
  probeRaisedAfter = false;
  deviatedDetail: string | undefined;

  deviate(probe: string | undefined, detail?: string): void {
    this.deviated = true;
    if (this.deviatedProbe === undefined) {
      this.deviatedProbe = probe;
      this.deviatedDetail = detail;
    }
  }

  /** Set when the system did not recover after our undo: "did not recover within 120 s". */
  notRecoveredReason: string | undefined;

  notRecovered(reason: string): void {
    this.notRecoveredReason = reason;
  }

  /** Activities still running after the grace period at the end: their changes may be unknown to the undo. */
  stillRunning = 0;
  /** Our undo steps left pending: changes still in the cluster. */
  leftChanged: string[] = [];

  /**
   * Our undo could not be completed: the run proved nothing and left harm, whatever the hypothesis
   * said (DESIGN.md → Failure kinds).
   */
  undoIncomplete(steps: string[]): void {
    this.leftChanged = steps;
    if (this.status === "completed") {
      this.status = "failed";
      this.cause = "undo";
    }
  }

  stopped(stop: RunStopped): void {
    // Fail-fast cuts only the method: the deviation that tripped it is the outcome.
    if (stop.kind === "fail-fast") return;
    if (stop.kind === "interrupted") {
      this.status = "interrupted";
      this.failure = stop.message;
    } else if (stop.kind === "safeguard") {
      if (this.status !== "completed") return;
      this.status = "aborted";
      this.failure = stop.message;
    } else {
      this.fail("timeout", stop.message);
    }
  }

  reason(): string {
    const base = this.mainReason();
    return this.stillRunning > 0
      ? `${base}; ${this.stillRunning} activity execution(s) still running when the undo started, their changes may be left (see the undo file)`
      : base;
  }

  private mainReason(): string {
    const base = this.reasonBeforeRecovery();
    const recovery = this.notRecoveredReason;
    if (recovery === undefined) return base;
    return base === "held" ? `deviated: ${recovery}` : `${base}; ${recovery}`;
  }

  private reasonBeforeRecovery(): string {
    if (this.leftChanged.length > 0) {
      const left = `our undo could not be completed, changes are left in the cluster (${this.leftChanged.join("; ")})`;
      const deviation = this.deviated ? `; deviated: ${this.deviatedProbe}` : "";
      return this.cause === "undo"
        ? `failed: ${left}${deviation}`
        : `failed: ${this.failure ?? this.status}; ${left}`;
    }
    if (this.status !== "completed") return `failed: ${this.failure ?? this.status}`;
    if (!this.deviated) return "held";
    return `deviated: ${this.deviatedProbe}${this.deviatedDetail ? ` (${this.deviatedDetail})` : ""}`;
  }
}

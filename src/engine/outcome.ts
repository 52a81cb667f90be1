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

  stopped(stop: RunStopped): void {
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
    if (this.status !== "completed") return `failed: ${this.failure ?? this.status}`;
    if (!this.deviated) return "held";
    return `deviated: ${this.deviatedProbe}${this.deviatedDetail ? ` (${this.deviatedDetail})` : ""}`;
  }
}

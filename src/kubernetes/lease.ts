// Taking, renewing and deleting the coordination.k8s.io/v1 Leases that keep two runs off the same
// target (which Leases: lease-scope.ts). A Lease held by another run is waited for, up to a bound; one
// whose holder stopped renewing it (renewTime + leaseDurationSeconds in the past) is taken over.
// Every write carries the resourceVersion it read, so of two runs racing for a Lease exactly one
// wins (the other gets 409 Conflict, reads again and waits). While held, the Leases are renewed in
// the background; release() stops that and deletes them.
import type { CoordinationV1Api, KubeConfig, V1Lease } from "@kubernetes/client-node";
import { errorMessage } from "../common/error-message.ts";
import type { Clock } from "../providers/native.ts";
import { clientNode } from "./cluster-client.ts";
import { explainClusterError, isApiException } from "./cluster-errors.ts";
import { type LeaseRef, leaseKey } from "./lease-scope.ts";

export type { LeaseRef } from "./lease-scope.ts";

/** A holder that has not renewed its Lease for this long has stopped; its Lease may be taken over. */
export const LEASE_DURATION_SECONDS = 30;
/** A third of the duration: two renewals may fail before the Lease expires. */
export const RENEW_INTERVAL_MS = 10_000;
/** How often a waiting run looks at a Lease again. */
const POLL_INTERVAL_MS = 2_000;
/** Conflicts on one Lease in a row before giving up (each means another writer won a race). */
const MAX_CONFLICTS = 20;

/** What a Lease says about its holder. */
export interface LeaseState {
  holder?: string;
  acquireTime?: string;
  renewTime?: string;
  durationSeconds?: number;
}

/** The spec's times as the API server sent them (the client leaves MicroTime fields as strings). */
const timeText = (value: unknown): string | undefined =>
  value instanceof Date ? value.toISOString() : typeof value === "string" ? value : undefined;

export function leaseState(lease: V1Lease): LeaseState {
  const spec = lease.spec ?? {};
  return {
    ...(spec.holderIdentity ? { holder: spec.holderIdentity } : {}),
    ...(timeText(spec.acquireTime) ? { acquireTime: timeText(spec.acquireTime) } : {}),
    ...(timeText(spec.renewTime) ? { renewTime: timeText(spec.renewTime) } : {}),
    ...(spec.leaseDurationSeconds === undefined ? {} : { durationSeconds: spec.leaseDurationSeconds }),
  };
}

/** Nobody holds it: no holder, or the holder stopped renewing it. */
export function isFree(state: LeaseState, nowMs: number): boolean {
  if (!state.holder) return true;
  const renewed = Date.parse(state.renewTime ?? state.acquireTime ?? "");
  if (Number.isNaN(renewed)) return true;
  return renewed + (state.durationSeconds ?? LEASE_DURATION_SECONDS) * 1000 < nowMs;
}

function describeHolder(state: LeaseState, nowMs: number): string {
  const since = state.acquireTime ? ` since ${state.acquireTime}` : "";
  const renewed = Date.parse(state.renewTime ?? "");
  const ago = Number.isNaN(renewed)
    ? ""
    : `, last renewed ${Math.max(0, Math.round((nowMs - renewed) / 1000))}s ago`;
  return `${state.holder}${since}${ago}`;
}

/** Another run held a Lease for longer than this run would wait: the run fails, naming it. */
export class LeaseNotObtained extends Error {
  override name = "LeaseNotObtained";
  readonly lease: LeaseRef;
  readonly holder: string | undefined;
  constructor(lease: LeaseRef, state: LeaseState, why: string, nowMs: number) {
    super(
      `Lease not obtained: Lease ${leaseKey(lease)} is held by another run, ${describeHolder(state, nowMs)}; ${why}. ` +
        "Two runs on one target would undo each other's faults; a workflow `concurrency:` group keeps runs apart before they start.",
    );
    this.lease = lease;
    this.holder = state.holder;
  }
}

export interface LeaseOptions {
  /** Who holds them (holderIdentity). */
  holder: string;
  /** How long to wait for Leases other runs hold; 0 fails at once. */
  waitSeconds: number;
  clock: Clock;
  /** Stops the wait (SIGINT, SIGTERM, cancellation). */
  signal?: AbortSignal;
  reporter: { info(message: string): void; warn(message: string): void };
  /** For tests: the Lease duration and renewal interval. */
  durationSeconds?: number;
  renewIntervalMs?: number;
}

export interface HeldLeases {
  readonly leases: readonly LeaseRef[];
  /** Stops renewing and deletes the Leases still ours; true when none is left behind. */
  release(): Promise<boolean>;
}

const isCode = (error: unknown, code: number) => isApiException(error) && error.code === code;

function explain(error: unknown, verb: string, lease: LeaseRef): Error {
  return explainClusterError(error, {
    verb,
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: lease.namespace,
    name: lease.name,
  });
}

async function coordinationApi(kc: KubeConfig): Promise<CoordinationV1Api> {
  return kc.makeApiClient((await clientNode()).CoordinationV1Api);
}

/** The API server keeps MicroTime: RFC 3339 with microseconds. */
async function microTime(ms: number) {
  const { V1MicroTime } = await clientNode();
  return new V1MicroTime(ms);
}

async function readLease(api: CoordinationV1Api, lease: LeaseRef): Promise<V1Lease | undefined> {
  try {
    return await api.readNamespacedLease(lease);
  } catch (error) {
    if (isCode(error, 404)) return undefined;
    throw explain(error, "get", lease);
  }
}

/** The Lease as ours from now: a new holder starts a transition, our own renewal keeps it. */
async function heldBy(
  current: V1Lease,
  holder: string,
  durationSeconds: number,
  nowMs: number,
): Promise<V1Lease> {
  const spec = current.spec ?? {};
  const now = await microTime(nowMs);
  const taken = spec.holderIdentity !== holder;
  return {
    ...current,
    spec: {
      ...spec,
      holderIdentity: holder,
      leaseDurationSeconds: durationSeconds,
      renewTime: now,
      ...(taken
        ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + (spec.holderIdentity ? 1 : 0) }
        : {}),
    },
  };
}

/**
 * Takes one Lease, waiting until `deadlineMs` while another run holds it. Undefined when its
 * namespace does not exist: there is nothing there to protect.
 */
async function takeLease(
  api: CoordinationV1Api,
  lease: LeaseRef,
  options: LeaseOptions & { deadlineMs: number; durationSeconds: number },
): Promise<V1Lease | undefined> {
  const { clock, holder, reporter } = options;
  let conflicts = 0;
  let announced = false;
  for (;;) {
    if (conflicts >= MAX_CONFLICTS) {
      throw new Error(`Lease ${leaseKey(lease)}: ${MAX_CONFLICTS} conflicting writes in a row; giving up`);
    }
    const now = clock.now();
    const current = await readLease(api, lease);
    if (current === undefined) {
      const body = await heldBy(
        {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { ...lease, labels: { "app.kubernetes.io/managed-by": "chaos-action" } },
        },
        holder,
        options.durationSeconds,
        now,
      );
      try {
        return await api.createNamespacedLease({ namespace: lease.namespace, body });
      } catch (error) {
        if (isCode(error, 404)) {
          reporter.info(`Namespace "${lease.namespace}" does not exist: no Lease taken there.`);
          return undefined;
        }
        if (isCode(error, 409)) {
          conflicts++;
          continue;
        }
        throw explain(error, "create", lease);
      }
    }
    const state = leaseState(current);
    if (state.holder === holder || isFree(state, now)) {
      if (state.holder && state.holder !== holder) {
        reporter.warn(
          `Taking over Lease ${leaseKey(lease)}: its holder stopped renewing it (${describeHolder(state, now)}).`,
        );
      }
      try {
        return await api.replaceNamespacedLease({
          ...lease,
          body: await heldBy(current, holder, options.durationSeconds, now),
        });
      } catch (error) {
        if (isCode(error, 409) || isCode(error, 404)) {
          conflicts++;
          continue;
        }
        throw explain(error, "update", lease);
      }
    }
    conflicts = 0;
    if (now >= options.deadlineMs) {
      const waited =
        options.waitSeconds === 0
          ? "lease wait is 0, so the run did not wait"
          : `waited ${options.waitSeconds}s`;
      throw new LeaseNotObtained(lease, state, waited, now);
    }
    if (!announced) {
      reporter.info(
        `Waiting up to ${Math.ceil((options.deadlineMs - now) / 1000)}s for Lease ${leaseKey(lease)}, held by ${describeHolder(state, now)}.`,
      );
      announced = true;
    }
    try {
      await clock.sleep(Math.min(POLL_INTERVAL_MS, options.deadlineMs - now), options.signal);
    } catch {
      throw new LeaseNotObtained(lease, state, "the run was interrupted while waiting", clock.now());
    }
  }
}

/** Deletes a Lease if we still hold it; false when it could not be (an API error, reported). */
async function deleteIfOurs(
  api: CoordinationV1Api,
  lease: LeaseRef,
  holder: string,
): Promise<"deleted" | "not ours" | "gone"> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const current = await readLease(api, lease);
    if (current === undefined) return "gone";
    if (current.spec?.holderIdentity !== holder) return "not ours";
    try {
      await api.deleteNamespacedLease({
        ...lease,
        body: { preconditions: { resourceVersion: current.metadata?.resourceVersion } },
      });
      return "deleted";
    } catch (error) {
      if (isCode(error, 404)) return "gone";
      if (!isCode(error, 409)) throw explain(error, "delete", lease);
    }
  }
  throw new Error(`Lease ${leaseKey(lease)}: ${MAX_CONFLICTS} conflicting writes in a row; not deleted`);
}

/** Deletes the Leases `holder` still holds (`chaos-action cleanup`, the action's post step). */
export async function deleteLeases(
  kc: KubeConfig,
  leases: readonly LeaseRef[],
  holder: string,
): Promise<Array<{ lease: LeaseRef; outcome: "deleted" | "not ours" | "gone" }>> {
  const api = await coordinationApi(kc);
  const results = [];
  for (const lease of [...leases].reverse())
    results.push({ lease, outcome: await deleteIfOurs(api, lease, holder) });
  return results;
}

/**
 * Takes every Lease in the given (sorted) order, waiting at most `waitSeconds` in all, and renews
 * them until release(). When one cannot be taken, those already taken are deleted and the error
 * (LeaseNotObtained, or the API's) is thrown.
 */
export async function acquireLeases(
  kc: KubeConfig,
  leases: readonly LeaseRef[],
  options: LeaseOptions,
): Promise<HeldLeases> {
  const api = await coordinationApi(kc);
  const { clock, holder, reporter } = options;
  const durationSeconds = options.durationSeconds ?? LEASE_DURATION_SECONDS;
  const deadlineMs = clock.now() + options.waitSeconds * 1000;
  const held = new Map<string, { lease: LeaseRef; object: V1Lease }>();
  const deleteHeld = async (): Promise<boolean> => {
    let clean = true;
    for (const { lease } of [...held.values()].reverse()) {
      try {
        await deleteIfOurs(api, lease, holder);
      } catch (error) {
        clean = false;
        reporter.warn(`Could not delete Lease ${leaseKey(lease)}: ${errorMessage(error)}`);
      }
    }
    held.clear();
    return clean;
  };
  try {
    for (const lease of leases) {
      const object = await takeLease(api, lease, { ...options, deadlineMs, durationSeconds });
      if (object) held.set(leaseKey(lease), { lease, object });
    }
  } catch (error) {
    await deleteHeld();
    throw error;
  }
  if (held.size > 0) reporter.info(`Holding Lease ${[...held.keys()].join(", ")} as ${holder}.`);

  const renew = async (entry: { lease: LeaseRef; object: V1Lease }) => {
    const { lease } = entry;
    try {
      try {
        entry.object = await api.replaceNamespacedLease({
          ...lease,
          body: await heldBy(entry.object, holder, durationSeconds, clock.now()),
        });
        return;
      } catch (error) {
        if (!isCode(error, 409) && !isCode(error, 404)) throw explain(error, "update", lease);
      }
      // Changed or deleted under us: ours again if nobody else took it meanwhile.
      const object = await takeLease(api, lease, {
        ...options,
        waitSeconds: 0,
        deadlineMs: 0,
        durationSeconds,
      });
      if (object) entry.object = object;
      else held.delete(leaseKey(lease));
    } catch (error) {
      if (error instanceof LeaseNotObtained) {
        held.delete(leaseKey(lease));
        reporter.warn(`Lost Lease ${leaseKey(lease)}: ${error.message}`);
      } else {
        reporter.warn(
          `Could not renew Lease ${leaseKey(lease)} (it expires ${durationSeconds}s after the last renewal): ${errorMessage(error)}`,
        );
      }
    }
  };
  const stop = new AbortController();
  const renewing = (async () => {
    const interval = options.renewIntervalMs ?? RENEW_INTERVAL_MS;
    while (held.size > 0) {
      try {
        await clock.sleep(interval, stop.signal);
      } catch {
        return;
      }
      for (const entry of [...held.values()]) await renew(entry);
    }
  })();

  return {
    leases: [...held.values()].map((entry) => entry.lease),
    async release() {
      stop.abort();
      await renewing;
      return deleteHeld();
    },
  };
}

export interface SimTiming {
  /** Delay from creation to the scheduler binding a pod to a node. */
  scheduleMs: number;
  /** Delay from binding to the containers running. */
  startMs: number;
  /** Delay from running to Ready, for containers that declare a readinessProbe. */
  readyMs: number;
  /** Relative jitter applied to every delay, 0..1. */
  jitter: number;
  /** Upper bound for the time a terminating pod stays listed. */
  deleteGraceMs: number;
  /** Delay from creating a CustomResourceDefinition to its resources being served (Established). */
  establishMs: number;
}

export interface SimDenyRule {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  subresource?: string;
}

export interface SimFault {
  method?: string;
  path?: RegExp | string;
  status: number;
  /** How many requests fail; unlimited when absent. */
  times?: number;
  message?: string;
  /**
   * The request is carried out first, then answered with the fault instead of its result: a
   * change the server applied before the client saw an error (e.g. 504 after the write).
   */
  afterApply?: boolean;
}

export type SimAuthMode = "token" | "client-cert" | "basic" | "none";

export interface SimOptions {
  manifests?: string | object[];
  nodes?: number;
  timing?: Partial<SimTiming>;
  latencyMs?: number;
  tls?: boolean;
  auth?: SimAuthMode;
  deny?: SimDenyRule[];
  faults?: SimFault[];
  seed?: number;
  /** Watch events kept for resuming watches; older resourceVersions answer 410 Gone. */
  watchHistory?: number;
  /** Server-side end of a watch that asked for no timeoutSeconds. */
  watchTimeoutSeconds?: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
}

export const defaultTiming: SimTiming = {
  scheduleMs: 300,
  startMs: 1200,
  readyMs: 1000,
  jitter: 0.3,
  deleteGraceMs: 2000,
  establishMs: 200,
};

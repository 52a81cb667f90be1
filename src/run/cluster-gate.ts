// The cluster a run talks to, composed once per run: where the connection comes from (kubeconfig,
// KUBERNETES_* variables, in-cluster, or the built-in simulated cluster), the gate every experiment
// passes before anything runs (reach the API server, RBAC preflight, blast-radius guard), the
// resolved targets a dry run prints, the Leases that keep other runs off the same targets, and the
// undo of our own changes. Modules that load
// @kubernetes/client-node are imported here lazily, so runs without Kubernetes activities never load it.
import { errorMessage } from "../common/error-message.ts";
import { systemClock } from "../engine/clock.ts";
import type { Advice, ChaosActionInfo, Journal } from "../engine/journal.ts";
import { createUndoLog, type UndoLog } from "../engine/undo.ts";
import type { Experiment } from "../experiment/format.ts";
import { forActivity } from "../kubernetes/cluster-client.ts";
import {
  type ConnectionInfo,
  createKubernetesService,
  formatConnectionInfo,
  type KubernetesService,
} from "../kubernetes/connection.ts";
import {
  type ActionTargets,
  BlastRadiusRefusal,
  checkBlastRadius,
  formatGuardRefusal,
  formatProtectedEvictions,
  formatTargets,
  guardRules,
  type MaxAffected,
  protectedEvictions,
  UnresolvedTargetsError,
} from "../kubernetes/guard.ts";
import { acquireLeases, deleteLeases, type HeldLeases } from "../kubernetes/lease.ts";
import { type LeaseRef, leaseKey, leaseNamespaces, leasesFor } from "../kubernetes/lease-scope.ts";
import {
  checkPermissions,
  formatMissingPermissions,
  leasePermissions,
  MissingPermissionsError,
  type PermissionNeed,
  permissionsFor,
  type SignatureWithPermissions,
  serviceProxyPermissions,
} from "../kubernetes/preflight.ts";
import { type KubernetesActivity, namespacesNamed } from "../kubernetes/scope.ts";
import type { TargetSet } from "../kubernetes/targets.ts";
import type { UndoDone, UndoStep } from "../providers/native.ts";
import type { NativeRegistry } from "../providers/registry.ts";
import type { SimOptions } from "../sim/index.ts";
import { type LeaseRecord, removeLeaseFile, writeLeaseFile } from "./lease-file.ts";

export interface ClusterRequest {
  /**
   * auto: --kubeconfig / KUBERNETES_* / KUBECONFIG / ~/.kube/config / in-cluster; in-cluster: the pod's
   * service account only; sim: the simulated cluster.
   */
  mode: "auto" | "in-cluster" | "sim";
  /** Path of a kubeconfig file. */
  kubeconfig?: string;
  /** How logs name that file when it is not the user's --kubeconfig (the action's input, a kind cluster). */
  kubeconfigLabel?: string;
  /** A kubeconfig's content (the action's `kubeconfig` input). */
  kubeconfigContent?: string;
  context?: string;
  /** Manifests loaded into the simulated cluster instead of the demo app. */
  simManifests?: string[];
  /** The simulated cluster's latency, injected API errors and RBAC denials. */
  sim?: Pick<SimOptions, "latencyMs" | "deny"> & {
    faults?: Array<{ status: number; method?: string; path?: string }>;
  };
  /** Lets actions touch kube-system, kube-public and kube-node-lease. */
  allowProtected?: boolean;
}

export interface GateRequest {
  namespaces?: string[];
  maxAffected?: MaxAffected;
  /** --allow-node-drain: drain_nodes may evict the pods of any namespace, protected ones included. */
  allowNodeDrain?: boolean;
  cluster: ClusterRequest;
}

/** One Kubernetes method action as a dry run resolves it, touching nothing. */
export interface ResolvedAction {
  activityName: string;
  module: string;
  func: string;
  /** Absent when its targets could not be resolved. */
  targetSet?: TargetSet;
  /** Why its targets could not be resolved. */
  unresolved?: string;
  /** A fault (terminate, delete, scale, drain...), as opposed to an action that creates or restores. */
  fault: boolean;
  /** A fault that would reach no object: why, as the real run would say it. */
  noTarget?: string;
}

/** What a dry run learns from the cluster, as data; run/dry-run.ts judges and renders it. */
export interface ClusterPlan {
  /** The RBAC the run lacks (formatted, with the rules that grant it); undefined when all is allowed. */
  missingPermissions?: string;
  /** Each Kubernetes action of the method, in the order the experiment lists them. */
  actions: ResolvedAction[];
  /** The blast-radius guard's refusal (formatted); undefined when it lets the run start. */
  guardRefusal?: string;
  /** The Leases a run would hold (namespace/name); a dry run takes none. */
  leases: string[];
}

export interface LeaseRequest {
  /** Who holds them: the run (lease.ts holderIdentity). */
  holder: string;
  /** How long to wait for Leases another run holds; 0 fails at once. */
  waitSeconds: number;
  /** Written before the first Lease is requested, removed once all are deleted (for `cleanup`). */
  leaseFile: string;
  signal?: AbortSignal;
}

export interface Cluster {
  /** Passed to native functions: `kubernetes` is the connection service. */
  services: Record<string, unknown>;
  /** For the journal; never a secret. Undefined until connected. */
  describe(): ChaosActionInfo["cluster"] | undefined;
  /**
   * Before anything runs: reach the API server, check RBAC, check the blast radius. Throws with the
   * reason; else returns the Leases the run must hold. The experiment and activities come with their
   * `${var}`s already substituted.
   */
  gate(
    experiment: Experiment,
    activities: KubernetesActivity[],
    request: GateRequest,
    registry: NativeRegistry,
  ): Promise<LeaseRef[]>;
  /** Takes the Leases (waiting up to the bound), renewed until release(); throws LeaseNotObtained. */
  holdLeases(leases: readonly LeaseRef[], request: LeaseRequest): Promise<HeldLeases>;
  /** Deletes the Leases a killed run still holds; one line per Lease. */
  deleteLeftoverLeases(record: LeaseRecord): Promise<string[]>;
  /** For --dry-run: missing permissions, each action's resolved targets, the guard's verdict and the Leases a run would hold, touching nothing. */
  plan(
    experiment: Experiment,
    activities: KubernetesActivity[],
    request: GateRequest,
    registry: NativeRegistry,
  ): Promise<ClusterPlan>;
  /**
   * Reads and checks the connection settings without contacting the cluster: a ConnectionError
   * (unreadable kubeconfig, unknown context, missing CA file, malformed server) means bad input.
   */
  checkConnection(): Promise<void>;
  undoLog(file: string, runId: string): UndoLog;
  /**
   * Reads the objects the experiment targeted, after its run, and returns the advice they give
   * (kubernetes/advice-reading.ts): read-only, bounded, optional (its RBAC is not preflighted);
   * never throws, a failure to read is advice "not available".
   */
  advise(experiment: Experiment, journal: Journal, signal?: AbortSignal): Promise<Advice>;
  /** Replays one undo step; a conflict says it left the object alone (it no longer holds what we set). */
  /** `signal`: the replay's attempt ends, and the step's requests with it. */
  executeUndo(step: UndoStep, signal?: AbortSignal): Promise<UndoDone | undefined>;
  close(): Promise<void>;
}

interface Reporter {
  info(message: string): void;
  warn(message: string): void;
}

export async function createCluster(
  request: ClusterRequest,
  options: {
    env: NodeJS.ProcessEnv;
    reporter: Reporter;
    cwd: string;
    /** Receives each connection's credentials before anything about it is printed. */
    onCredentials?: (credentials: string[]) => void;
  },
): Promise<Cluster> {
  const { reporter } = options;
  let closeSim: (() => Promise<void>) | undefined;
  let kubeconfigContent = request.kubeconfigContent;
  let contentLabel: string | undefined;
  if (request.mode === "sim") {
    const { startSimCluster, loadManifestFiles } = await import("../sim/index.ts");
    const manifests = request.simManifests?.length
      ? await loadManifestFiles(request.simManifests)
      : undefined;
    const sim = await startSimCluster({
      ...(manifests === undefined ? {} : { manifests }),
      ...(request.sim?.latencyMs === undefined ? {} : { latencyMs: request.sim.latencyMs }),
      ...(request.sim?.deny?.length ? { deny: request.sim.deny } : {}),
    });
    // The demo starts from a steady state: every workload scheduled, running and ready.
    await sim.settled(60_000);
    // Injected API errors start once the workloads are up; a fault's path is a regular expression.
    for (const fault of request.sim?.faults ?? []) {
      sim.addFault({ ...fault, ...(fault.path === undefined ? {} : { path: new RegExp(fault.path) }) });
    }
    reporter.info(`Started the simulated cluster at ${sim.url}; its workloads are ready`);
    closeSim = () => sim.close();
    kubeconfigContent = sim.kubeconfig;
    contentLabel = "the simulated cluster";
  }

  let info: ConnectionInfo | undefined;
  const service: KubernetesService = createKubernetesService({
    ...(request.mode === "sim" ? {} : { kubeconfig: request.kubeconfig }),
    ...(request.kubeconfigLabel === undefined ? {} : { kubeconfigLabel: request.kubeconfigLabel }),
    ...(kubeconfigContent === undefined ? {} : { kubeconfigContent }),
    ...(contentLabel === undefined ? {} : { kubeconfigContentLabel: contentLabel }),
    ...(request.context === undefined ? {} : { context: request.context }),
    ...(request.mode === "in-cluster" ? { inClusterOnly: true } : {}),
    env: options.env,
    ...(options.onCredentials
      ? { onCredentials: options.onCredentials, onExecCredentials: options.onCredentials }
      : {}),
    onConnect: (connected) => {
      info ??= connected;
      reporter.info(formatConnectionInfo(connected));
      for (const warning of connected.warnings) reporter.warn(warning);
    },
  });

  const methodActions = (
    experiment: Experiment,
    activities: KubernetesActivity[],
    registry: NativeRegistry,
  ) => {
    const inMethod = new Set(
      experiment.method.map((activity) => ("ref" in activity ? activity.ref : activity.name)),
    );
    return activities.filter(
      (activity) =>
        inMethod.has(activity.name) && registry.signature(activity.module, activity.func)?.kind === "action",
    );
  };

  const resolveAll = async (
    experiment: Experiment,
    activities: KubernetesActivity[],
    registry: NativeRegistry,
    onError: (message: string, activity: KubernetesActivity) => void,
  ): Promise<ActionTargets[]> => {
    const kc = await service.connect();
    const { resolveTargets } = await import("../kubernetes/targets.ts");
    const resolved: ActionTargets[] = [];
    for (const activity of methodActions(experiment, activities, registry)) {
      let targetSet: Awaited<ReturnType<typeof resolveTargets>>;
      try {
        targetSet = await resolveTargets(activity.module, activity.func, activity.args, kc);
      } catch (error) {
        const why = errorMessage(error);
        onError(
          `cannot resolve the targets of '${activity.name}' (${activity.module}.${activity.func}): ${why}`,
          activity,
        );
        continue;
      }
      if (targetSet) {
        resolved.push({
          activityName: activity.name,
          module: activity.module,
          func: activity.func,
          targetSet,
        });
      }
    }
    return resolved;
  };

  /**
   * What the activities need, what reaching Services through the API server's proxy needs, and what
   * holding the Leases in `leaseNamespaces` needs.
   */
  const missingPermissions = async (
    experiment: Experiment,
    activities: KubernetesActivity[],
    registry: NativeRegistry,
    namespaces: readonly string[],
  ) => {
    const kc = await service.connect();
    const needs: PermissionNeed[] = [
      ...permissionsFor(activities, registry.allSignatures() as readonly SignatureWithPermissions[]),
      ...serviceProxyPermissions(experiment),
      ...leasePermissions(namespaces),
    ];
    return checkPermissions(kc, needs);
  };

  /**
   * The Leases, once the targets are known; a namespace only the targets name (not the activities)
   * has its Lease permissions checked here.
   */
  const leasesOf = async (
    activities: KubernetesActivity[],
    targets: ActionTargets[],
    registry: NativeRegistry,
    checked: readonly string[],
  ) => {
    const leases = leasesFor(activities, targets, registry.allSignatures());
    const more = leaseNamespaces(leases).filter((namespace) => !checked.includes(namespace));
    const missing =
      more.length > 0 ? await checkPermissions(await service.connect(), leasePermissions(more)) : [];
    return { leases, missing };
  };

  const rulesFor = (experiment: Experiment, request_: GateRequest, registry: NativeRegistry) =>
    guardRules({
      namespaces: request_.namespaces,
      named: namespacesNamed(experiment, registry.allSignatures()),
      allowProtected: request_.cluster.allowProtected,
      allowNodeDrain: request_.allowNodeDrain,
      maxAffected: request_.maxAffected,
    });

  const executeUndo = async (step: UndoStep, signal?: AbortSignal) => {
    const { executeUndo: execute } = await import("../kubernetes/undo.ts");
    const kc = await service.connect();
    return execute(step, signal ? forActivity(kc, { signal }) : kc);
  };

  return {
    services: { kubernetes: service },
    describe: () =>
      info && {
        source: info.source.kind,
        ...(info.source.context ? { context: info.source.context } : {}),
        server: info.source.server,
        version: info.serverVersion,
        ...(info.source.user ? { user: info.source.user } : {}),
      },
    async gate(experiment, activities, request_, registry) {
      const named = leaseNamespaces(leasesFor(activities, [], registry.allSignatures()));
      // Both only read, so the targets are resolved while the permissions are checked (one round of
      // requests less); a missing permission is reported first, as it may be why a resolution failed.
      const unresolved: string[] = [];
      const [missing, targets] = await Promise.all([
        missingPermissions(experiment, activities, registry, named),
        resolveAll(experiment, activities, registry, (message) => unresolved.push(message)),
      ]);
      if (missing.length > 0) throw new MissingPermissionsError(missing, info?.source.user);
      if (unresolved.length > 0) throw new UnresolvedTargetsError(unresolved[0]);
      const rules = rulesFor(experiment, request_, registry);
      const violations = checkBlastRadius(targets, rules);
      if (violations.length > 0) throw new BlastRadiusRefusal(violations);
      if (targets.length > 0) reporter.info(formatTargets(targets));
      const evictions = protectedEvictions(targets, rules);
      if (evictions.length > 0) reporter.warn(formatProtectedEvictions(evictions));
      const leases = await leasesOf(activities, targets, registry, named);
      if (leases.missing.length > 0) throw new MissingPermissionsError(leases.missing, info?.source.user);
      return leases.leases;
    },
    async plan(experiment, activities, request_, registry) {
      const named = leaseNamespaces(leasesFor(activities, [], registry.allSignatures()));
      const { isFault, wouldReachNothing } = await import("../kubernetes/targets.ts");
      const unresolved = new Map<string, string>();
      const [missing, targets] = await Promise.all([
        missingPermissions(experiment, activities, registry, named),
        resolveAll(experiment, activities, registry, (message, activity) =>
          unresolved.set(activity.name, message),
        ),
      ]);
      const leases = await leasesOf(activities, targets, registry, named);
      missing.push(...leases.missing);
      const actions = methodActions(experiment, activities, registry).map((activity): ResolvedAction => {
        const base = {
          activityName: activity.name,
          module: activity.module,
          func: activity.func,
          fault: isFault(activity.module, activity.func),
        };
        const resolved = targets.find((target) => target.activityName === activity.name);
        if (!resolved) return { ...base, unresolved: unresolved.get(activity.name) ?? "no target resolver" };
        const noTarget = wouldReachNothing(activity.module, activity.func, activity.args, resolved.targetSet);
        return { ...base, targetSet: resolved.targetSet, ...(noTarget ? { noTarget } : {}) };
      });
      const violations = checkBlastRadius(targets, rulesFor(experiment, request_, registry));
      return {
        ...(missing.length > 0
          ? { missingPermissions: formatMissingPermissions(missing, info?.source.user) }
          : {}),
        actions,
        ...(violations.length > 0 ? { guardRefusal: formatGuardRefusal(violations) } : {}),
        leases: leases.leases.map(leaseKey),
      };
    },
    checkConnection: () => service.check(),
    async holdLeases(leases, request_) {
      const kc = await service.connect();
      await writeLeaseFile(request_.leaseFile, { holder: request_.holder, leases: [...leases] });
      let held: HeldLeases;
      try {
        held = await acquireLeases(kc, leases, {
          holder: request_.holder,
          waitSeconds: request_.waitSeconds,
          clock: systemClock,
          reporter,
          ...(request_.signal ? { signal: request_.signal } : {}),
        });
      } catch (error) {
        // acquireLeases deleted whatever it had taken.
        await removeLeaseFile(request_.leaseFile);
        throw error;
      }
      return {
        leases: held.leases,
        async release() {
          const clean = await held.release();
          if (clean) await removeLeaseFile(request_.leaseFile);
          return clean;
        },
      };
    },
    async deleteLeftoverLeases(record) {
      const results = await deleteLeases(await service.connect(), record.leases, record.holder);
      return results.map(({ lease, outcome }) =>
        outcome === "deleted"
          ? `Deleted Lease ${leaseKey(lease)}`
          : outcome === "gone"
            ? `Lease ${leaseKey(lease)} was already gone`
            : `Left Lease ${leaseKey(lease)}: another run holds it now`,
      );
    },
    async advise(experiment, journal, signal) {
      const { readAdvice } = await import("../kubernetes/advice-reading.ts");
      try {
        return await readAdvice(await service.connect(), experiment, journal, signal ? { signal } : {});
      } catch (error) {
        return { available: false, reason: errorMessage(error), read: [], findings: [] };
      }
    },
    undoLog: (file, runId) => createUndoLog({ file, runId, execute: executeUndo }),
    executeUndo,
    async close() {
      await closeSim?.();
    },
  };
}

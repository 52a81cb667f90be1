// The cluster a run talks to, composed once per run: where the connection comes from (kubeconfig,
// KUBERNETES_* variables, in-cluster, or the built-in simulated cluster), the gate every experiment
// passes before anything runs (reach the API server, RBAC preflight, blast-radius guard), the
// resolved targets a dry run prints, and the undo of our own changes. Modules that load
// @kubernetes/client-node are imported here lazily, so runs without Kubernetes activities never load it.
import { errorMessage } from "../common/error-message.ts";
import type { ChaosActionInfo } from "../engine/journal.ts";
import { createUndoLog, type UndoLog } from "../engine/undo.ts";
import type { Experiment } from "../experiment/format.ts";
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
  formatTargets,
  guardRules,
  type MaxAffected,
  UnresolvedTargetsError,
} from "../kubernetes/guard.ts";
import {
  checkPermissions,
  formatMissingPermissions,
  MissingPermissionsError,
  permissionsFor,
  type SignatureWithPermissions,
} from "../kubernetes/preflight.ts";
import { type KubernetesActivity, namespacesNamed } from "../kubernetes/scope.ts";
import type { TargetSet } from "../kubernetes/targets.ts";
import type { UndoStep } from "../providers/native.ts";
import type { NativeRegistry } from "../providers/registry.ts";
import type { SimOptions } from "../sim/index.ts";

export interface ClusterRequest {
  /** auto: --kubeconfig / KUBERNETES_* / KUBECONFIG / ~/.kube/config / in-cluster; sim: the simulated cluster. */
  mode: "auto" | "sim";
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
}

export interface Cluster {
  /** Passed to native functions: `kubernetes` is the connection service. */
  services: Record<string, unknown>;
  /** For the journal; never a secret. Undefined until connected. */
  describe(): ChaosActionInfo["cluster"] | undefined;
  /**
   * Before anything runs: reach the API server, check RBAC, check the blast radius. Throws with the
   * reason. The experiment and activities come with their `${var}`s already substituted.
   */
  gate(
    experiment: Experiment,
    activities: KubernetesActivity[],
    request: GateRequest,
    registry: NativeRegistry,
  ): Promise<void>;
  /** For --dry-run: missing permissions, each action's resolved targets and the guard's verdict, touching nothing. */
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
  executeUndo(step: UndoStep): Promise<void>;
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
    env: options.env,
    ...(options.onCredentials ? { onCredentials: options.onCredentials } : {}),
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

  const missingPermissions = async (activities: KubernetesActivity[], registry: NativeRegistry) => {
    const kc = await service.connect();
    const needs = permissionsFor(activities, registry.allSignatures() as readonly SignatureWithPermissions[]);
    return checkPermissions(kc, needs);
  };

  const rulesFor = (experiment: Experiment, request_: GateRequest, registry: NativeRegistry) =>
    guardRules({
      namespaces: request_.namespaces,
      named: namespacesNamed(experiment, registry.allSignatures()),
      allowProtected: request_.cluster.allowProtected,
      maxAffected: request_.maxAffected,
    });

  const executeUndo = async (step: UndoStep) => {
    const { executeUndo: execute } = await import("../kubernetes/undo.ts");
    await execute(step, await service.connect());
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
      const missing = await missingPermissions(activities, registry);
      if (missing.length > 0) {
        throw new MissingPermissionsError(missing, info?.source.user);
      }
      const targets = await resolveAll(experiment, activities, registry, (message) => {
        throw new UnresolvedTargetsError(message);
      });
      const violations = checkBlastRadius(targets, rulesFor(experiment, request_, registry));
      if (violations.length > 0) throw new BlastRadiusRefusal(violations);
      if (targets.length > 0) reporter.info(formatTargets(targets));
    },
    async plan(experiment, activities, request_, registry) {
      const missing = await missingPermissions(activities, registry);
      const { isFault, wouldReachNothing } = await import("../kubernetes/targets.ts");
      const unresolved = new Map<string, string>();
      const targets = await resolveAll(experiment, activities, registry, (message, activity) =>
        unresolved.set(activity.name, message),
      );
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
      };
    },
    checkConnection: () => service.check(),
    undoLog: (file, runId) => createUndoLog({ file, runId, execute: executeUndo }),
    executeUndo,
    async close() {
      await closeSim?.();
    },
  };
}

// An upgrade rehearsal: the experiments run twice against a cluster half-way through an upgrade.
// Phase 1 runs them with every node schedulable; then the nodes still on the previous version are
// cordoned and drained (drain_nodes: the Eviction API, PodDisruptionBudgets respected, held to the
// blast-radius guard under --allow-node-drain), the workloads are waited for, and phase 2 runs them
// again on the upgraded nodes alone; last the drained nodes are uncordoned. The drain's undo is in
// the run's undo file, so a killed run's post step or `cleanup` uncordons them. One result, both
// phases and the drain in it.
import { hostname } from "node:os";
import { join } from "node:path";
import { errorMessage } from "../common/error-message.ts";
import { randomHex } from "../common/random-id.ts";
import { systemClock } from "../engine/clock.ts";
import type { TouchRecord } from "../engine/journal.ts";
import { settleUndoFile, temporaryUndoFile } from "../engine/undo.ts";
import type { WorkloadRef } from "../kubernetes/apply.ts";
import type { KubernetesService } from "../kubernetes/connection.ts";
import {
  checkBlastRadius,
  describeTarget,
  formatGuardRefusal,
  formatProtectedEvictions,
  guardRules,
  isProtectedNamespace,
  protectedEvictions,
} from "../kubernetes/guard.ts";
import type { HeldLeases } from "../kubernetes/lease.ts";
import { CLUSTER_LEASE, holderIdentity } from "../kubernetes/lease-scope.ts";
import { type Cluster, createCluster } from "./cluster-gate.ts";
import { leaseFileOf } from "./lease-file.ts";
import { DEFAULT_LEASE_WAIT_SECONDS } from "./options.ts";
import type { ExperimentOutcome, RunResult } from "./outcome.ts";
import { type RunRequest, runPrepared } from "./pipeline.ts";
import type { Preparation } from "./prepare.ts";
import { redactingReporter, SecretRegistry } from "./secrets.ts";
import { combineVerdicts } from "./verdict.ts";

export interface RehearsalDrain {
  /** The nodes still on the previous version, e.g. `chaos-action/upgrade-pool=previous`. */
  labelSelector: string;
  /** How long the drain may take (PodDisruptionBudgets may hold evictions back). */
  timeoutSeconds: number;
  /** Workloads that must be ready again before phase 2 (the action's wait-for). */
  waitFor?: readonly WorkloadRef[];
  waitTimeoutSeconds?: number;
}

/** The file name under which the drain appears in the result (it has no experiment file). */
export const DRAIN_OUTCOME_FILE = "(upgrade rehearsal)";
export const PHASE_DIRECTORIES = ["1-before-drain", "2-drained"] as const;

const DRAIN_MODULE = "chaosk8s.node.actions";
const DRAIN_FUNC = "drain_nodes";

export function phaseTitle(title: string, phase: 1 | 2, selector: string): string {
  return phase === 1
    ? `${title} (phase 1: before the drain)`
    : `${title} (phase 2: nodes ${selector} cordoned and drained)`;
}

function inPhase(outcomes: readonly ExperimentOutcome[], phase: 1 | 2, selector: string) {
  return outcomes.map((outcome) => ({
    ...outcome,
    title: phaseTitle(outcome.title ?? outcome.journal?.experiment.title ?? outcome.file, phase, selector),
  }));
}

/** The journal directory of one phase, under the run's (the working directory when none is given). */
function phaseJournalPath(journalPath: string | undefined, phase: 1 | 2): string {
  const directory = phase === 1 ? PHASE_DIRECTORIES[0] : PHASE_DIRECTORIES[1];
  return `${join(journalPath ?? ".", directory)}/`;
}

/** "evicted 4 pods (2 of protected namespaces: pod kube-system/coredns-1, …)". */
function evictedText(touched: readonly TouchRecord[]): string {
  const pods = touched
    .filter((record) => record.after === "evicted")
    .flatMap((record) => record.objects.filter((object) => object.kind === "Pod"));
  const guarded = pods.filter((pod) => pod.namespace !== undefined && isProtectedNamespace(pod.namespace));
  const listed = guarded.map((pod) => `${pod.namespace}/${pod.name}`).join(", ");
  const protectedPart = guarded.length > 0 ? ` (${guarded.length} of protected namespaces: ${listed})` : "";
  return `evicted ${pods.length} pod${pods.length === 1 ? "" : "s"}${protectedPart}`;
}

interface DrainDone {
  outcome: ExperimentOutcome;
  drained: boolean;
}

async function drainPreviousNodes(
  cluster: Cluster,
  request: RunRequest,
  drain: RehearsalDrain,
  undoFile: string,
  runId: string,
): Promise<DrainDone> {
  const reporter = request.reporter;
  const title = `Upgrade rehearsal: cordon and drain the nodes ${drain.labelSelector}`;
  const base = { file: DRAIN_OUTCOME_FILE, title, issues: [] };
  let held: HeldLeases | undefined;
  const args = {
    label_selector: drain.labelSelector,
    timeout: drain.timeoutSeconds,
    // As `kubectl drain --delete-emptydir-data` before an upgrade: those pods are evicted too.
    delete_pods_with_local_storage: true,
  };
  try {
    const kc = await (cluster.services.kubernetes as KubernetesService).connect();
    const { resolveTargets } = await import("../kubernetes/targets.ts");
    const targetSet = await resolveTargets(DRAIN_MODULE, DRAIN_FUNC, args, kc);
    const nodes = targetSet?.objects.filter((object) => object.kind === "Node") ?? [];
    if (!targetSet || nodes.length === 0) {
      return {
        outcome: { ...base, verdict: "failed", reason: `failed: no node matches ${drain.labelSelector}` },
        drained: false,
      };
    }
    const actions = [
      { activityName: "drain-previous-nodes", module: DRAIN_MODULE, func: DRAIN_FUNC, targetSet },
    ];
    const rules = guardRules({
      namespaces: request.options.namespaces,
      named: [],
      ...(request.options.allowNodeDrain ? { allowNodeDrain: true } : {}),
    });
    const violations = checkBlastRadius(actions, rules);
    if (violations.length > 0) {
      return {
        outcome: { ...base, verdict: "failed", reason: `failed: ${formatGuardRefusal(violations)}` },
        drained: false,
      };
    }
    const evictions = protectedEvictions(actions, rules);
    if (evictions.length > 0) reporter.warn(formatProtectedEvictions(evictions));
    // Node faults of other runs wait for the drain, as for a drain_nodes in an experiment.
    held = await cluster.holdLeases([CLUSTER_LEASE], {
      holder: holderIdentity(request.env, hostname(), process.pid, runId),
      waitSeconds: request.options.leaseWaitSeconds ?? DEFAULT_LEASE_WAIT_SECONDS,
      leaseFile: leaseFileOf(undoFile),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    reporter.info(`Draining ${nodes.map(describeTarget).join(", ")} (${drain.labelSelector})`);

    const { chaosk8sSource } = await import("../kubernetes/catalog.ts");
    const implementation = await chaosk8sSource.load(DRAIN_MODULE, DRAIN_FUNC);
    const touched: TouchRecord[] = [];
    const drained = (await implementation(args, {
      signal: request.signal ?? new AbortController().signal,
      secrets: {},
      configuration: {},
      undo: cluster.undoLog(undoFile, runId),
      clock: systemClock,
      experimentDir: request.cwd,
      services: { ...cluster.services, record: (record: TouchRecord) => touched.push(record) },
    })) as string[];

    if (drain.waitFor && drain.waitFor.length > 0) {
      const { waitForWorkloads } = await import("../kubernetes/apply.ts");
      await waitForWorkloads(kc, drain.waitFor, {
        timeoutSeconds: drain.waitTimeoutSeconds ?? drain.timeoutSeconds,
        log: reporter,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    }
    return {
      outcome: {
        ...base,
        verdict: "passed",
        reason: `drained ${drained.join(", ")}: ${evictedText(touched)}`,
      },
      drained: true,
    };
  } catch (error) {
    return {
      outcome: { ...base, verdict: "failed", reason: `failed: ${errorMessage(error, { whole: true })}` },
      drained: true,
    };
  } finally {
    if (held && !(await held.release())) {
      reporter.warn(
        `The Lease ${CLUSTER_LEASE.namespace}/${CLUSTER_LEASE.name} could not be deleted; it expires on its own.`,
      );
    }
  }
}

/** The experiments of phase 2 that did not run, with the reason. */
function skippedPhase(phase1: RunResult, reason: string): ExperimentOutcome[] {
  return phase1.outcomes.map((outcome) => ({
    file: outcome.file,
    ...(outcome.title === undefined ? {} : { title: outcome.title }),
    verdict: "skipped",
    reason: `skipped: ${reason}`,
    issues: outcome.issues,
  }));
}

/** Phase 1, the drain, phase 2, the uncordon: one result. */
export async function runUpgradeRehearsal(
  preparation: Preparation,
  request: RunRequest,
  drain: RehearsalDrain,
): Promise<RunResult> {
  if (!preparation.usable) return preparation.result;
  const { options } = request;
  const selector = drain.labelSelector;
  const secrets = request.secrets ?? new SecretRegistry();
  const reporter = redactingReporter(request.reporter, secrets);
  const undoFile = options.undoFile ?? temporaryUndoFile();
  const phaseRequest = (phase: 1 | 2): RunRequest => ({
    ...request,
    secrets,
    options: { ...options, undoFile, journalPath: phaseJournalPath(options.journalPath, phase) },
  });

  reporter.info(`Upgrade rehearsal, phase 1: the experiments before the nodes ${selector} are drained`);
  const phase1 = await runPrepared(preparation, phaseRequest(1));
  if (phase1.verdict === "invalid") return phase1;

  const cluster = await createCluster(request.cluster, {
    env: preparation.env,
    reporter,
    cwd: request.cwd,
    onCredentials: (values) => secrets.add(values),
  });
  const runId = `rehearsal-${Date.now().toString(36)}-${randomHex(4)}`;
  let outcomes: ExperimentOutcome[];
  try {
    let done: DrainDone | undefined;
    let phase2: RunResult | undefined;
    if (phase1.undo) {
      phase2 = {
        verdict: "skipped",
        outcomes: skippedPhase(phase1, "phase 1 left changes in the cluster that could not be undone"),
      };
    } else if (
      phase1.outcomes.some((outcome) => outcome.journal?.chaos_action.recovery?.recovered === false)
    ) {
      // Draining nodes under a system still hurt would prove nothing about the upgrade.
      phase2 = {
        verdict: "skipped",
        outcomes: skippedPhase(
          phase1,
          "an experiment of phase 1 did not recover; the nodes were not drained",
        ),
      };
    } else if (request.signal?.aborted) {
      phase2 = { verdict: "skipped", outcomes: skippedPhase(phase1, "the run was interrupted") };
    } else {
      done = await drainPreviousNodes(cluster, { ...request, reporter }, drain, undoFile, runId);
      reporter.info(`${done.outcome.title}: ${secrets.redact(done.outcome.reason)}`);
      if (done.outcome.verdict === "passed") {
        reporter.info(`Upgrade rehearsal, phase 2: the experiments with the nodes ${selector} drained`);
        phase2 = await runPrepared(preparation, phaseRequest(2));
      } else {
        phase2 = {
          verdict: "skipped",
          outcomes: skippedPhase(phase1, "the drain of the previous nodes failed"),
        };
      }
    }
    outcomes = [
      ...inPhase(phase1.outcomes, 1, selector),
      ...(done ? [{ ...done.outcome, reason: secrets.redact(done.outcome.reason) }] : []),
      ...inPhase(phase2.outcomes, 2, selector),
    ];
    if (done?.drained) {
      // Uncordon: the drain's undo, replayed whatever happened in phase 2.
      const replayed = await cluster.undoLog(undoFile, runId).replay();
      for (const step of replayed) {
        reporter.info(`Undo ${step.description}: ${step.status}${step.error ? ` (${step.error})` : ""}`);
      }
    }
  } finally {
    await cluster.close();
  }
  const pending = await settleUndoFile(undoFile);
  const verdict = combineVerdicts(outcomes.map((outcome) => outcome.verdict));
  if (pending.length === 0) return { verdict, outcomes };
  return {
    verdict: combineVerdicts([verdict, "failed"]),
    outcomes,
    undo: { file: undoFile, pending: pending.map((entry) => secrets.redact(entry.description)) },
  };
}

// chaosk8s.pod.actions and chaosk8s.pod.probes.
// Pod deletion registers no undo: the pods' controllers recreate them (a bare pod stays deleted).
import { Writable } from "node:stream";
import { CoreV1Api, type KubeConfig, type V1Pod, type V1Status } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed, callApi, isNotFound } from "./activity-failed.ts";
import { type Args, bool, optArray, optInt, optObject, optString, reqInt, reqString } from "./arguments.ts";
import { kubeConfigOf, randomOf, recordTouch } from "./cluster-context.ts";
import { execClient, execFailure } from "./exec-connection.ts";
import { parseLast } from "./log-window.ts";
import { formatNameTemplate, listPods, type PodSelection, pythonRegex, selectPods } from "./selection.ts";
import { splitCommand } from "./shell-words.ts";

const ACTIONS = "chaosk8s.pod.actions";

export function podSelectionOf(args: Args): PodSelection {
  return {
    labelSelector: optString(args, "label_selector"),
    namePattern: optString(args, "name_pattern"),
    all: bool(args, "all"),
    rand: bool(args, "rand"),
    mode: optString(args, "mode") ?? "fixed",
    qty: optInt(args, "qty") ?? 1,
    order: optString(args, "order") ?? "alphabetic",
  };
}

const podName = (pod: V1Pod): string => pod.metadata?.name ?? "";

function touchedPods(pods: V1Pod[], namespace: string) {
  return pods.map((pod) => ({ kind: "Pod", namespace, name: podName(pod), uid: pod.metadata?.uid }));
}

async function terminatePods(
  args: Args,
  ctx: NativeContext,
  action = `${ACTIONS}.terminate_pods`,
): Promise<string[]> {
  const ns = optString(args, "ns") ?? "default";
  const gracePeriod = optInt(args, "grace_period") ?? -1;
  const kc = await kubeConfigOf(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const { chosen } = await selectPods(core, ns, podSelectionOf(args), randomOf(ctx));
  const deleted: V1Pod[] = [];
  for (const pod of chosen) {
    const name = podName(pod);
    try {
      await callApi({ verb: "delete", resource: "pods", namespace: ns, name }, () =>
        core.deleteNamespacedPod({
          name,
          namespace: ns,
          ...(gracePeriod >= 0 ? { gracePeriodSeconds: gracePeriod } : {}),
        }),
      );
      deleted.push(pod);
    } catch (error) {
      // Gone between the listing and the delete: nothing left to terminate.
      if (!(error instanceof Error && isNotFound(error.cause))) throw error;
    }
  }
  recordTouch(ctx, { action, objects: touchedPods(deleted, ns), after: "deleted" });
  return deleted.map(podName);
}

interface ExecResult {
  pod_name: string;
  exit_code: number;
  cmd: unknown;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

function exitCodeOf(status: V1Status | undefined): number {
  if (!status) return 1;
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

async function execInPod(
  ctx: NativeContext,
  kc: KubeConfig,
  pod: V1Pod,
  container: string,
  command: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const namespace = pod.metadata?.namespace ?? "default";
  const stdout = collector();
  const stderr = collector();
  let status: V1Status | undefined;
  const socket = await callApi({ verb: "create", resource: "pods/exec", namespace, name: podName(pod) }, () =>
    execClient(kc)
      .exec(namespace, podName(pod), container, command, stdout.stream, stderr.stream, null, false, (s) => {
        status = s;
      })
      .catch((error: unknown) => {
        throw execFailure(error);
      }),
  );
  // The command's deadline (request_timeout), on the injected clock; the run's abort ends it too.
  const finished = new AbortController();
  const expiry = ctx.clock.sleep(timeoutMs, AbortSignal.any([finished.signal, ctx.signal])).then(
    () => true,
    () => ctx.signal.aborted,
  );
  const closed = new Promise<boolean>((resolve) => {
    socket.on("close", () => resolve(false));
    if (socket.readyState === socket.CLOSED) resolve(false);
  });
  const timedOut = await Promise.race([expiry, closed]);
  finished.abort();
  if (timedOut) socket.terminate();
  ctx.signal.throwIfAborted();
  const message = status && status.status !== "Success" ? (status.message ?? "") : "";
  return {
    exitCode: timedOut && !status ? 1 : exitCodeOf(status),
    stdout: stdout.text(),
    stderr: stderr.text() || (timedOut && !status ? `timed out after ${timeoutMs / 1000}s` : message),
  };
}

async function execInPods(args: Args, ctx: NativeContext): Promise<ExecResult[]> {
  const cmd = args.cmd;
  const command =
    typeof cmd === "string" ? splitCommand(cmd) : Array.isArray(cmd) ? cmd.map((part) => String(part)) : [];
  if (command.length === 0)
    throw new ActivityFailed('argument "cmd" must be a command to run in the containers');
  const ns = optString(args, "ns") ?? "default";
  const containerName = optString(args, "container_name");
  const timeoutMs = (optInt(args, "request_timeout") ?? 60) * 1000;
  const kc = await kubeConfigOf(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const { chosen } = await selectPods(core, ns, podSelectionOf(args), randomOf(ctx));
  const results: ExecResult[] = [];
  const used: V1Pod[] = [];
  for (const pod of chosen) {
    const containers = (pod.spec?.containers ?? []).map((container) => container.name);
    // Upstream skips every pod when no container is named; we use the first container instead.
    const container = containerName ?? containers[0];
    if (!container || !containers.includes(container)) continue;
    used.push(pod);
    const outcome = await execInPod(ctx, kc, pod, container, command, timeoutMs);
    results.push({
      pod_name: podName(pod),
      exit_code: outcome.exitCode,
      cmd,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
    });
  }
  recordTouch(ctx, {
    action: `${ACTIONS}.exec_in_pods`,
    objects: touchedPods(used, ns),
    after: results.map((result) => ({ pod: result.pod_name, exit_code: result.exit_code })),
  });
  return results;
}

async function deletePods(args: Args, ctx: NativeContext): Promise<string[]> {
  return terminatePods(
    { name_pattern: optString(args, "name"), label_selector: optString(args, "label_selector"), ns: args.ns },
    ctx,
    `${ACTIONS}.delete_pods`,
  );
}

async function podsOf(ctx: NativeContext, ns: string, labelSelector: string | undefined): Promise<V1Pod[]> {
  const kc = await kubeConfigOf(ctx);
  return listPods(kc.makeApiClient(CoreV1Api), ns, { labelSelector });
}

/** Probes with a `raise_on_*` flag: fail, or answer false when the flag is off. */
function verdict(raise: boolean, message: string): false {
  if (raise) throw new ActivityFailed(message);
  return false;
}

const where = (ns: string, selector: string | undefined) =>
  `${selector ? `matching "${selector}" ` : ""}in namespace "${ns}"`;

async function readPodLogs(args: Args, ctx: NativeContext): Promise<Record<string, string>> {
  const ns = optString(args, "ns") ?? "default";
  const name = optString(args, "name");
  const selector = formatNameTemplate(optString(args, "label_selector") ?? "", name);
  const last = optString(args, "last");
  const sinceSeconds = last ? parseLast(last) : undefined;
  const container = optString(args, "container_name");
  const kc = await kubeConfigOf(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const pods = await listPods(core, ns, { labelSelector: selector });
  const logs: Record<string, string> = {};
  for (const pod of pods) {
    const name = podName(pod);
    logs[name] = await callApi({ verb: "get", resource: "pods/log", namespace: ns, name }, () =>
      core.readNamespacedPodLog({
        name,
        namespace: ns,
        timestamps: true,
        previous: bool(args, "from_previous"),
        ...(container ? { container } : {}),
        ...(sinceSeconds ? { sinceSeconds } : {}),
      }),
    );
  }
  return logs;
}

async function podsInPhase(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const selector = optString(args, "label_selector");
  const phase = optString(args, "phase") ?? "Running";
  const raise = bool(args, "raise_on_invalid_phase");
  const pods = await podsOf(ctx, ns, selector);
  if (pods.length === 0) return verdict(raise, `no pods ${where(ns, selector)} were found`);
  for (const pod of pods) {
    if (pod.status?.phase !== phase) {
      return verdict(
        raise,
        `pod ${ns}/${podName(pod)} is in phase "${pod.status?.phase}" but should be "${phase}"`,
      );
    }
  }
  return true;
}

async function podsNotInPhase(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const selector = optString(args, "label_selector");
  const phase = optString(args, "phase") ?? "Running";
  const raise = bool(args, "raise_on_in_phase");
  const pods = await podsOf(ctx, ns, selector);
  if (pods.length === 0) return verdict(raise, `no pods ${where(ns, selector)} were found`);
  const inPhase = pods.find((pod) => pod.status?.phase === phase);
  if (inPhase) return verdict(raise, `pod ${ns}/${podName(inPhase)} should not be in phase "${phase}"`);
  return true;
}

async function podsInConditions(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const selector = optString(args, "label_selector");
  const conditions = (optArray(args, "conditions") ?? []) as Array<Record<string, unknown>>;
  const raise = bool(args, "raise_on_invalid_conditions");
  const pods = await podsOf(ctx, ns, selector);
  if (pods.length === 0) return verdict(raise, `no pods ${where(ns, selector)} were found`);
  for (const pod of pods) {
    const present = pod.status?.conditions ?? [];
    for (const wanted of conditions) {
      const found = present.some(
        (condition) => condition.type === wanted.type && condition.status === wanted.status,
      );
      if (!found) {
        return verdict(
          raise,
          `pod ${ns}/${podName(pod)} does not have condition ${wanted.type}=${wanted.status}`,
        );
      }
    }
  }
  return true;
}

async function countPods(args: Args, ctx: NativeContext): Promise<number> {
  const ns = optString(args, "ns") ?? "default";
  const phase = optString(args, "phase");
  const pods = await podsOf(ctx, ns, optString(args, "label_selector"));
  return phase ? pods.filter((pod) => pod.status?.phase === phase).length : pods.length;
}

async function podIsNotAvailable(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const name = optString(args, "name");
  const selector = formatNameTemplate(optString(args, "label_selector") ?? "", name);
  const pods = await podsOf(ctx, ns, selector);
  const running = pods.find((pod) => pod.status?.phase === "Running");
  if (running)
    return verdict(
      bool(args, "raise_on_is_available"),
      `pod ${ns}/${podName(running)} ("${name}") is running`,
    );
  return true;
}

async function countMinPods(args: Args, ctx: NativeContext): Promise<boolean> {
  return (await countPods(args, ctx)) >= reqInt(args, "min_count");
}

async function shouldBeFoundInLogs(args: Args): Promise<boolean> {
  const pattern = pythonRegex(reqString(args, "pattern"), "pattern");
  const value = optObject(args, "value");
  if (!value || Object.keys(value).length === 0) throw new ActivityFailed("no logs to search from");
  const matched = Object.values(value).filter((logs) => pattern.test(String(logs)));
  if (bool(args, "all_containers")) return matched.length === Object.keys(value).length;
  return matched.length > 0;
}

async function allPodsHealthy(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = optString(args, "ns") ?? "default";
  const pods = await podsOf(ctx, ns, undefined);
  const unhealthy = pods.filter(
    (pod) => pod.status?.phase !== "Running" && pod.status?.phase !== "Succeeded",
  );
  if (unhealthy.length > 0) {
    const list = unhealthy.map((pod) => `${podName(pod)} (${pod.status?.phase ?? "no phase"})`).join(", ");
    return verdict(
      bool(args, "raise_on_any_unhealthy"),
      `the system is unhealthy: in namespace "${ns}", ${list}`,
    );
  }
  return true;
}

export const implementations: Record<string, NativeImplementation> = {
  terminate_pods: (args, ctx) => terminatePods(args, ctx),
  exec_in_pods: execInPods,
  delete_pods: deletePods,
  read_pod_logs: readPodLogs,
  pods_in_phase: podsInPhase,
  pods_not_in_phase: podsNotInPhase,
  pods_in_conditions: podsInConditions,
  count_pods: countPods,
  pod_is_not_available: podIsNotAvailable,
  count_min_pods: countMinPods,
  should_be_found_in_logs: shouldBeFoundInLogs,
  all_pods_healthy: allPodsHealthy,
};

// chaosk8s.pod.actions and chaosk8s.pod.probes.
// Pod deletion registers no undo: the pods' controllers recreate them (a bare pod stays deleted).
import { Writable } from "node:stream";
import type { KubeConfig, V1Pod, V1Status } from "@kubernetes/client-node";
import type { NativeContext } from "../../providers/native.ts";
import { coreApi } from "../cluster-client.ts";
import { listForProbe } from "../list-cache.ts";
import { ActivityFailed, callApi, isNotFound } from "./activity-failed.ts";
import {
  type Args,
  bool,
  optArray,
  optInt,
  optObject,
  optString,
  reqInt,
  reqString,
  str,
} from "./arguments.ts";
import { chaosk8sFunction, NAME_TEMPLATE, optional, Param, perm, required } from "./chaosk8s-function.ts";
import { kubeConfigOf, randomOf, recordTouch } from "./cluster-context.ts";
import { execClient, execFailure } from "./exec-connection.ts";
import { parseLast } from "./log-window.ts";
import { Kinds } from "./object-access.ts";
import {
  checkPodSelection,
  choosePodsWhileListing,
  forEachSelectedPod,
  formatNameTemplate,
  listPods,
  type PodSelection,
  pythonRegex,
  selectPods,
} from "./selection.ts";
import { splitCommand } from "./shell-words.ts";
import { LISTED_TARGETS, type TargetObject, type TargetSet, targetSet } from "./target-set.ts";

const ACTIONS = "chaosk8s.pod.actions";
const PROBES = "chaosk8s.pod.probes";

/** How terminate_pods and exec_in_pods choose pods, with upstream's defaults. */
const selectionParams = [
  Param.labelSelector,
  optional("name_pattern", "string"),
  optional("all", "boolean", false),
  optional("rand", "boolean", false),
  optional("mode", "string", "fixed"),
  optional("qty", "integer", 1),
];
const order = optional("order", "string", "alphabetic");

/** Arguments without `mode`, `qty` or `order` (delete_pods, kill_microservice) choose as their defaults do. */
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

/** Every pod a selection could hit in `ns` (all candidates when it picks at random). */
export async function podTargets(kc: KubeConfig, ns: string, selection: PodSelection): Promise<TargetSet> {
  const target = (pod: Named) => ({ kind: "Pod", namespace: ns, name: podName(pod) });
  if (selection.rand && selection.order === "alphabetic") {
    // Any candidate can be hit, in the listing's order: each becomes a target as it is listed (the
    // first LISTED_TARGETS by name, the rest counted).
    checkPodSelection(selection);
    const listed: TargetObject[] = [];
    let total = 0;
    await forEachSelectedPod(kc, ns, selection, "metadata", (pod) => {
      if (total++ < LISTED_TARGETS) listed.push(target(pod));
    });
    const set = targetSet(listed, total, [ns]);
    return total > listed.length ? { ...set, total } : set;
  }
  const { candidates, chosen } = await selectPods(kc, ns, selection, Math.random, "metadata");
  return targetSet((selection.rand ? candidates : chosen).map(target), candidates.length, [ns]);
}

/** A pod as listed (V1Pod) or as the API server sent it (selection's WirePod). */
type Named = { metadata?: { name?: string } };

const podName = (pod: Named): string => pod.metadata?.name ?? "";

function touchedPods(pods: V1Pod[], namespace: string) {
  return pods.map((pod) => ({ kind: "Pod", namespace, name: podName(pod), uid: pod.metadata?.uid }));
}

async function terminatePods(
  ctx: NativeContext,
  action: string,
  ns: string,
  selection: PodSelection,
  gracePeriod = -1,
): Promise<string[]> {
  const kc = await kubeConfigOf(ctx);
  const core = await coreApi(kc);
  const chosen = await choosePodsWhileListing(kc, ns, selection, randomOf(ctx), "metadata");
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
  const exec = await execClient(kc);
  const socket = await callApi({ verb: "create", resource: "pods/exec", namespace, name: podName(pod) }, () =>
    exec
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
  const ns = str(args, "ns");
  const containerName = optString(args, "container_name");
  const timeoutMs = reqInt(args, "request_timeout") * 1000;
  const kc = await kubeConfigOf(ctx);
  const chosen = await choosePodsWhileListing(kc, ns, podSelectionOf(args), randomOf(ctx));
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

/** delete_pods: terminate_pods with `name` as the name pattern and the selection's defaults. */
const deletePodsSelection = (args: Args) =>
  podSelectionOf({
    name_pattern: optString(args, "name"),
    label_selector: optString(args, "label_selector"),
  });

/** The pods the probes judge; from the run's watch-fed cache while the hypothesis repeats (list-cache.ts). */
async function podsOf(ctx: NativeContext, ns: string, labelSelector: string | undefined): Promise<V1Pod[]> {
  const kc = await kubeConfigOf(ctx);
  // The probes read names, phases and conditions, which the API server's JSON and V1Pod spell alike.
  if (ctx.cacheUntil) return (await listForProbe(ctx, kc, Kinds.Pod, ns, { labelSelector })) as V1Pod[];
  return listPods(await coreApi(kc), ns, { labelSelector });
}

/** Probes with a `raise_on_*` flag: fail, or answer false when the flag is off. */
function verdict(raise: boolean, message: string): false {
  if (raise) throw new ActivityFailed(message);
  return false;
}

const where = (ns: string, selector: string | undefined) =>
  `${selector ? `matching "${selector}" ` : ""}in namespace "${ns}"`;

async function readPodLogs(args: Args, ctx: NativeContext): Promise<Record<string, string>> {
  const ns = str(args, "ns");
  const name = optString(args, "name");
  const selector = formatNameTemplate(optString(args, "label_selector") ?? "", name);
  const last = optString(args, "last");
  const sinceSeconds = last ? parseLast(last) : undefined;
  const container = optString(args, "container_name");
  const kc = await kubeConfigOf(ctx);
  const core = await coreApi(kc);
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
  const ns = str(args, "ns");
  const selector = optString(args, "label_selector");
  const phase = str(args, "phase");
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
  const ns = str(args, "ns");
  const selector = optString(args, "label_selector");
  const phase = str(args, "phase");
  const raise = bool(args, "raise_on_in_phase");
  const pods = await podsOf(ctx, ns, selector);
  if (pods.length === 0) return verdict(raise, `no pods ${where(ns, selector)} were found`);
  const inPhase = pods.find((pod) => pod.status?.phase === phase);
  if (inPhase) return verdict(raise, `pod ${ns}/${podName(inPhase)} should not be in phase "${phase}"`);
  return true;
}

async function podsInConditions(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
  const phase = optString(args, "phase");
  const pods = await podsOf(ctx, ns, optString(args, "label_selector"));
  return phase ? pods.filter((pod) => pod.status?.phase === phase).length : pods.length;
}

async function podIsNotAvailable(args: Args, ctx: NativeContext): Promise<boolean> {
  const ns = str(args, "ns");
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
  const ns = str(args, "ns");
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

export const terminate_pods = chaosk8sFunction({
  module: ACTIONS,
  name: "terminate_pods",
  kind: "action",
  summary:
    "Delete pods chosen by label, name pattern, quantity or percentage (the controller recreates them).",
  params: [...selectionParams, optional("grace_period", "integer", -1), Param.ns, order],
  permissions: perm("list,delete", "pods"),
  fault: { reaches: "pod" },
  run: (args, ctx) =>
    terminatePods(
      ctx,
      `${ACTIONS}.terminate_pods`,
      str(args, "ns"),
      podSelectionOf(args),
      reqInt(args, "grace_period"),
    ),
  targets: (args, kc) => podTargets(kc, str(args, "ns"), podSelectionOf(args)),
});

export const exec_in_pods = chaosk8sFunction({
  module: ACTIONS,
  name: "exec_in_pods",
  kind: "action",
  summary: "Run a command in chosen pods (first container unless container_name is given).",
  params: [
    required("cmd", "string|array"),
    ...selectionParams,
    Param.ns,
    order,
    optional("container_name", "string"),
    optional("request_timeout", "integer", 60),
  ],
  // The WebSocket upgrade (a GET) is authorized as `create` since Kubernetes 1.30.
  permissions: [...perm("list", "pods"), ...perm("create", "pods/exec")],
  // What it runs is the fault (kill a process, fill a disk...): a pod it cannot reach injects nothing.
  fault: { reaches: "pod" },
  run: execInPods,
  targets: (args, kc) => podTargets(kc, str(args, "ns"), podSelectionOf(args)),
});

export const delete_pods = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_pods",
  kind: "action",
  summary: "Deprecated: terminate_pods with name as name_pattern.",
  params: [Param.optionalName, Param.ns, Param.labelSelector],
  permissions: perm("list,delete", "pods"),
  fault: { reaches: "pod" },
  run: (args, ctx) =>
    terminatePods(ctx, `${ACTIONS}.delete_pods`, str(args, "ns"), deletePodsSelection(args)),
  targets: (args, kc) => podTargets(kc, str(args, "ns"), deletePodsSelection(args)),
});

export const read_pod_logs = chaosk8sFunction({
  module: PROBES,
  name: "read_pod_logs",
  kind: "probe",
  summary: "Logs of the selected pods, by pod name.",
  params: [
    Param.optionalName,
    optional("last", "string"),
    Param.ns,
    optional("from_previous", "boolean", false),
    optional("label_selector", "string", NAME_TEMPLATE),
    optional("container_name", "string"),
  ],
  permissions: [...perm("list", "pods"), ...perm("get", "pods/log")],
  run: readPodLogs,
});

export const pods_in_phase = chaosk8sFunction({
  module: PROBES,
  name: "pods_in_phase",
  kind: "probe",
  summary: "Every selected pod is in the phase.",
  params: [
    required("label_selector", "string"),
    optional("phase", "string", "Running"),
    Param.ns,
    optional("raise_on_invalid_phase", "boolean", true),
  ],
  permissions: perm("list", "pods"),
  run: podsInPhase,
});

export const pods_in_conditions = chaosk8sFunction({
  module: PROBES,
  name: "pods_in_conditions",
  kind: "probe",
  summary: "Every selected pod has each of the conditions (type and status).",
  params: [
    required("label_selector", "string"),
    required("conditions", "array"),
    Param.ns,
    optional("raise_on_invalid_conditions", "boolean", true),
  ],
  permissions: perm("list", "pods"),
  run: podsInConditions,
});

export const pods_not_in_phase = chaosk8sFunction({
  module: PROBES,
  name: "pods_not_in_phase",
  kind: "probe",
  summary: "No selected pod is in the phase.",
  params: [
    required("label_selector", "string"),
    optional("phase", "string", "Running"),
    Param.ns,
    optional("raise_on_in_phase", "boolean", true),
  ],
  permissions: perm("list", "pods"),
  run: podsNotInPhase,
});

export const count_pods = chaosk8sFunction({
  module: PROBES,
  name: "count_pods",
  kind: "probe",
  summary: "How many pods match (in the phase, if given).",
  params: [required("label_selector", "string"), optional("phase", "string"), Param.ns],
  permissions: perm("list", "pods"),
  run: countPods,
});

export const pod_is_not_available = chaosk8sFunction({
  module: PROBES,
  name: "pod_is_not_available",
  kind: "probe",
  summary: "No selected pod is Running.",
  params: [
    Param.name,
    Param.ns,
    optional("label_selector", "string", NAME_TEMPLATE),
    optional("raise_on_is_available", "boolean", true),
  ],
  permissions: perm("list", "pods"),
  run: podIsNotAvailable,
});

export const count_min_pods = chaosk8sFunction({
  module: PROBES,
  name: "count_min_pods",
  kind: "probe",
  summary: "At least min_count pods match in the phase.",
  params: [
    required("label_selector", "string"),
    optional("phase", "string", "Running"),
    optional("min_count", "integer", 2),
    Param.ns,
  ],
  permissions: perm("list", "pods"),
  run: countMinPods,
});

export const should_be_found_in_logs = chaosk8sFunction({
  module: PROBES,
  name: "should_be_found_in_logs",
  kind: "probe",
  summary: "The pattern is found in the logs read_pod_logs returned (all of them, or any).",
  params: [
    required("pattern", "string"),
    optional("all_containers", "boolean", true),
    optional("value", "object"),
  ],
  permissions: [],
  // It only searches the value it is given.
  needsCluster: false,
  run: shouldBeFoundInLogs,
});

export const all_pods_healthy = chaosk8sFunction({
  module: PROBES,
  name: "all_pods_healthy",
  kind: "probe",
  summary: "Every pod of the namespace is Running or Succeeded.",
  params: [Param.ns, optional("raise_on_any_unhealthy", "boolean", true)],
  permissions: perm("list", "pods"),
  run: allPodsHealthy,
});

export const podFunctions = [
  terminate_pods,
  exec_in_pods,
  delete_pods,
  read_pod_logs,
  pods_in_phase,
  pods_in_conditions,
  pods_not_in_phase,
  count_pods,
  pod_is_not_available,
  count_min_pods,
  should_be_found_in_logs,
  all_pods_healthy,
];

import { type ApiError, invalid } from "./api-errors.ts";
import { matchesLabels, selectorFromObject } from "./label-selector.ts";
import type { KubeObject } from "./object-store.ts";
import type { SeededRandom } from "./random.ts";
import type { ResourceType } from "./resource-types.ts";

type Obj = Record<string, unknown>;

function asObj(value: unknown): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

function defaultContainer(container: Obj): Obj {
  const image = String(container.image ?? "");
  const tagged = /:[^/]+$/.test(image) && !image.endsWith(":latest");
  return {
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: tagged ? "IfNotPresent" : "Always",
    resources: {},
    ...container,
  };
}

/** Pod spec defaults the API server and admission add to every pod (and pod template). */
export function defaultPodSpec(spec: Obj, forPod: boolean): Obj {
  const out: Obj = {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
    ...spec,
  };
  out.containers = Array.isArray(spec.containers)
    ? spec.containers.map((c) => defaultContainer(asObj(c)))
    : spec.containers;
  if (Array.isArray(spec.initContainers))
    out.initContainers = spec.initContainers.map((c) => defaultContainer(asObj(c)));
  if (forPod) {
    out.serviceAccountName ??= "default";
    out.serviceAccount ??= out.serviceAccountName;
    out.enableServiceLinks ??= true;
    out.preemptionPolicy ??= "PreemptLowerPriority";
    out.priority ??= 0;
    const tolerations = Array.isArray(out.tolerations) ? [...(out.tolerations as Obj[])] : [];
    for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
      if (!tolerations.some((t) => t.key === key)) {
        tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
      }
    }
    out.tolerations = tolerations;
  }
  return out;
}

function defaultTemplate(spec: Obj): Obj {
  const template = asObj(spec.template);
  return {
    ...template,
    metadata: asObj(template.metadata),
    spec: defaultPodSpec(asObj(template.spec), false),
  };
}

export function nodeReadyStatus(name: string, index: number, now: string): Obj {
  return {
    capacity: { cpu: "4", memory: "16384Mi", pods: "110", "ephemeral-storage": "100Gi" },
    allocatable: { cpu: "4", memory: "16000Mi", pods: "110", "ephemeral-storage": "95Gi" },
    conditions: [
      {
        type: "MemoryPressure",
        status: "False",
        reason: "KubeletHasSufficientMemory",
        message: "kubelet has sufficient memory available",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      {
        type: "DiskPressure",
        status: "False",
        reason: "KubeletHasNoDiskPressure",
        message: "kubelet has no disk pressure",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      {
        type: "PIDPressure",
        status: "False",
        reason: "KubeletHasSufficientPID",
        message: "kubelet has sufficient PID available",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    addresses: [
      { type: "InternalIP", address: `10.0.0.${10 + index}` },
      { type: "Hostname", address: name },
    ],
    nodeInfo: {
      kubeletVersion: "v1.32.0",
      kubeProxyVersion: "v1.32.0",
      containerRuntimeVersion: "containerd://1.7.24",
      operatingSystem: "linux",
      architecture: "amd64",
      osImage: "Simulated Linux",
      kernelVersion: "6.1.0-sim",
      machineID: name,
      systemUUID: name,
      bootID: name,
    },
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
  };
}

/** Fills in the defaults a real API server adds on create. */
export function applyDefaults(
  type: ResourceType,
  obj: KubeObject,
  random: SeededRandom,
  nodeIndex: number,
): KubeObject {
  const key = `${type.group}/${type.plural}`;
  const spec = asObj(obj.spec);
  const out: KubeObject = { ...obj };
  switch (key) {
    case "/pods":
      out.spec = defaultPodSpec(spec, true);
      out.status = { phase: "Pending", qosClass: "BestEffort", ...asObj(obj.status) };
      break;
    case "apps/deployments":
      out.spec = {
        replicas: 1,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        ...spec,
        template: defaultTemplate(spec),
      };
      out.status = {};
      break;
    case "apps/replicasets":
      out.spec = { replicas: 1, ...spec, template: defaultTemplate(spec) };
      out.status = { replicas: 0 };
      break;
    case "apps/statefulsets":
      out.spec = {
        replicas: 1,
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        ...spec,
        template: defaultTemplate(spec),
      };
      out.status = { replicas: 0, availableReplicas: 0 };
      break;
    case "apps/daemonsets":
      out.spec = {
        revisionHistoryLimit: 10,
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        ...spec,
        template: defaultTemplate(spec),
      };
      out.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
      };
      break;
    case "/services": {
      const ports = Array.isArray(spec.ports)
        ? spec.ports.map((p) => {
            const port = asObj(p);
            return { protocol: "TCP", targetPort: port.port, ...port };
          })
        : [];
      const headless = spec.clusterIP === "None";
      const ip = headless
        ? "None"
        : `10.96.${Math.floor(random.next() * 250) + 1}.${Math.floor(random.next() * 250) + 1}`;
      out.spec = {
        type: "ClusterIP",
        sessionAffinity: "None",
        clusterIP: ip,
        clusterIPs: [ip],
        ipFamilies: ["IPv4"],
        ipFamilyPolicy: "SingleStack",
        internalTrafficPolicy: "Cluster",
        ...spec,
        ports,
      };
      out.status = { loadBalancer: {} };
      break;
    }
    case "/namespaces":
      out.metadata = {
        ...obj.metadata,
        labels: { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name },
      };
      out.spec = { finalizers: ["kubernetes"], ...spec };
      out.status = { phase: "Active" };
      break;
    case "/nodes":
      out.metadata = {
        ...obj.metadata,
        labels: {
          "kubernetes.io/hostname": obj.metadata.name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "beta.kubernetes.io/os": "linux",
          "beta.kubernetes.io/arch": "amd64",
          ...obj.metadata.labels,
        },
      };
      out.spec = { podCIDR: `10.244.${nodeIndex}.0/24`, podCIDRs: [`10.244.${nodeIndex}.0/24`], ...spec };
      out.status =
        obj.status ??
        nodeReadyStatus(
          obj.metadata.name,
          nodeIndex,
          obj.metadata.creationTimestamp || `${new Date().toISOString().slice(0, 19)}Z`,
        );
      break;
    case "/secrets": {
      const data: Record<string, string> = { ...(asObj(obj.data) as Record<string, string>) };
      for (const [k, v] of Object.entries(asObj(obj.stringData)))
        data[k] = Buffer.from(String(v)).toString("base64");
      const { stringData: _s, ...rest } = out;
      return { ...rest, type: obj.type ?? "Opaque", data } as KubeObject;
    }
    case "policy/poddisruptionbudgets":
      out.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
      break;
    default:
      break;
  }
  return out;
}

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface Cause {
  field: string;
  message: string;
  reason?: string;
}

function checkTemplated(spec: Obj, causes: Cause[]): void {
  if (spec.replicas !== undefined && (typeof spec.replicas !== "number" || spec.replicas < 0)) {
    causes.push({
      field: "spec.replicas",
      message: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`,
    });
  }
  const selector = spec.selector as Obj | undefined;
  if (
    !selector ||
    (Object.keys(asObj(selector.matchLabels)).length === 0 && !Array.isArray(selector.matchExpressions))
  ) {
    causes.push({ field: "spec.selector", message: "Required value", reason: "FieldValueRequired" });
  } else {
    const labels = asObj(asObj(asObj(spec.template).metadata).labels) as Record<string, string>;
    if (!matchesLabels(selectorFromObject(selector), labels)) {
      causes.push({
        field: "spec.template.metadata.labels",
        message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
      });
    }
  }
  checkContainers(asObj(asObj(spec.template).spec), "spec.template.spec", causes);
}

function checkContainers(podSpec: Obj, prefix: string, causes: Cause[]): void {
  const containers = podSpec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ field: `${prefix}.containers`, message: "Required value", reason: "FieldValueRequired" });
    return;
  }
  containers.forEach((c, i) => {
    const container = asObj(c);
    if (!container.name)
      causes.push({
        field: `${prefix}.containers[${i}].name`,
        message: "Required value",
        reason: "FieldValueRequired",
      });
    if (!container.image)
      causes.push({
        field: `${prefix}.containers[${i}].image`,
        message: "Required value",
        reason: "FieldValueRequired",
      });
  });
}

/** Returns a 422 Invalid error for what a real API server would reject, or undefined. */
export function validate(type: ResourceType, obj: KubeObject): ApiError | undefined {
  const causes: Cause[] = [];
  const name = obj.metadata.name;
  const dnsLabelOnly = type.plural === "namespaces" || type.plural === "services";
  if (!name) {
    causes.push({
      field: "metadata.name",
      message: "Required value: name or generateName is required",
      reason: "FieldValueRequired",
    });
  } else if (
    !type.custom &&
    (dnsLabelOnly ? !label.test(name) || name.length > 63 : !subdomain.test(name) || name.length > 253)
  ) {
    const rule = dnsLabelOnly
      ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
      : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    causes.push({ field: "metadata.name", message: `Invalid value: "${name}": ${rule}` });
  }
  const spec = asObj(obj.spec);
  switch (`${type.group}/${type.plural}`) {
    case "/pods":
      checkContainers(spec, "spec", causes);
      break;
    case "apps/deployments":
    case "apps/replicasets":
    case "apps/statefulsets":
    case "apps/daemonsets":
      checkTemplated(spec, causes);
      break;
    case "policy/poddisruptionbudgets":
      if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
        causes.push({
          field: "spec",
          message: "Invalid value: minAvailable and maxUnavailable cannot be both set",
        });
      }
      break;
    case "/services":
      if (Array.isArray(spec.ports)) {
        spec.ports.forEach((p, i) => {
          if (typeof asObj(p).port !== "number") {
            causes.push({
              field: `spec.ports[${i}].port`,
              message: "Required value",
              reason: "FieldValueRequired",
            });
          }
        });
      }
      break;
    default:
      break;
  }
  return causes.length > 0 ? invalid(type, name || obj.metadata.generateName || "", causes) : undefined;
}

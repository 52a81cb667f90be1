import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { ApiError } from "./api-errors.ts";
import { clientCommonName, simCertificates } from "./certificates.ts";
import { type ClusterSnapshot, snapshotOf, snapshotResources } from "./cluster-snapshot.ts";
import { ClusterState } from "./cluster-state.ts";
import { ControllerManager } from "./controllers/controller-manager.ts";
import { CrdEstablishingController, establishCrd } from "./controllers/crd-establishing.ts";
import { DaemonSetController } from "./controllers/daemonset.ts";
import { DeploymentController } from "./controllers/deployment.ts";
import { DisruptionController } from "./controllers/disruption.ts";
import { EndpointsController } from "./controllers/endpoints.ts";
import { NamespaceController } from "./controllers/namespace.ts";
import { NodeLifecycleController } from "./controllers/node-lifecycle.ts";
import { PodLifecycleController } from "./controllers/pod-lifecycle.ts";
import { ReplicaSetController } from "./controllers/replicaset.ts";
import { StatefulSetController } from "./controllers/statefulset.ts";
import { demoManifests } from "./demo-manifests.ts";
import { EventRecorder } from "./event-recorder.ts";
import { FaultRules, type SimFaultRule, type SimFaultRuleHandle } from "./fault-rules.ts";
import { ApiHandler, type ServedRequest } from "./http/api-handler.ts";
import { buildKubeconfig } from "./kubeconfig.ts";
import { ManifestError, parseManifests } from "./manifests.ts";
import {
  defaultTiming,
  type SimDenyRule,
  type SimFault,
  type SimOptions,
  type SimTiming,
} from "./options.ts";
import { Outages, type SimOutage } from "./outage.ts";
import { PodLogs } from "./pod-logs.ts";
import { groupOfApiVersion } from "./resource-types.ts";
import { ServiceAccountTokens } from "./service-account-tokens.ts";

export interface SimCluster {
  url: string;
  kubeconfig: string;
  credentials: {
    token?: string;
    caPem?: string;
    clientCertPem?: string;
    clientKeyPem?: string;
    username?: string;
    password?: string;
  };
  requests: ServedRequest[];
  apply(manifests: string | object[]): Promise<void>;
  get(kind: string, namespace: string | undefined, name: string): object | undefined;
  list(kind: string, namespace?: string): object[];
  setDeny(rules: SimDenyRule[]): void;
  /**
   * A token for a ServiceAccount, as `kubectl create token` (TokenRequest) issues it: accepted until it
   * expires (after `expirationSeconds`, fractions allowed), then answered 401; RBAC applies to it.
   */
  serviceAccountToken(
    namespace: string,
    name: string,
    expirationSeconds?: number,
  ): { token: string; expirationTimestamp: string };
  addFault(fault: SimFault): void;
  /** Adds a fault rule from now on (a verb on a resource, the Nth time or with a probability). */
  addFaultRule(rule: SimFaultRule): SimFaultRuleHandle;
  /** Removes every fault rule added with addFaultRule (faults from the options stay). */
  clearFaultRules(): void;
  /** How many watches are open (of one resource, e.g. "pods", or all). */
  openWatches(resource?: string): number;
  /** Ends the open watches (of one resource, e.g. "deployments"); answers how many. */
  dropWatches(options?: { resource?: string; abrupt?: boolean }): number;
  /** Makes the API unreachable for a while; resolves once it answers again. */
  unreachable(outage: SimOutage): Promise<void>;
  /** The state that matters for "restored", to compare with diffSnapshots. */
  snapshot(): ClusterSnapshot;
  /**
   * Resolves when no controller work, timer or request held back by injected latency is pending
   * (everything settled): a request whose client has gone still lands, as on a real API server.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Errors controllers or handlers hit inside the simulator (a bug in the simulator, not in the client). */
  internalErrors: unknown[];
  close(): Promise<void>;
}

const bootstrapNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

function applyAll(state: ClusterState, source: string | object[]): void {
  const manifests = parseManifests(source);
  const rank = (kind: string) => (kind === "Namespace" ? 0 : kind === "CustomResourceDefinition" ? 1 : 2);
  manifests.sort((a, b) => rank(a.kind) - rank(b.kind));
  for (const manifest of manifests) {
    const type = state.registry.byKind(manifest.apiVersion, manifest.kind);
    if (!type) {
      const { group } = groupOfApiVersion(manifest.apiVersion);
      const custom = group !== "" && !state.registry.all().some((t) => t.group === group && !t.custom);
      throw new ManifestError(
        `manifests: unknown kind ${manifest.kind} in ${manifest.apiVersion}` +
          (custom ? "; a custom resource needs its CustomResourceDefinition among the manifests" : ""),
      );
    }
    const meta = manifest.metadata;
    const namespace = type.namespaced ? String(meta.namespace ?? "default") : undefined;
    if (namespace && !state.get("", "namespaces", undefined, namespace)) {
      state.create(state.type("", "namespaces"), undefined, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace },
      });
    }
    const body = { ...manifest, metadata: { ...meta, ...(namespace ? { namespace } : {}) } };
    delete (body.metadata as Record<string, unknown>).resourceVersion;
    try {
      const written =
        typeof meta.name !== "string"
          ? state.create(type, namespace, body)
          : state.patch(type, namespace, meta.name, "application/apply-patch+yaml", body, {
              fieldManager: "sim-manifests",
              force: true,
            }).object;
      // Manifests describe the cluster as it is: their definitions are already established.
      if (type.group === "apiextensions.k8s.io") establishCrd(state, written);
    } catch (error) {
      if (error instanceof ApiError) {
        throw new ManifestError(
          `manifests: ${manifest.kind} ${namespace ? `${namespace}/` : ""}${String(meta.name)}: ${error.message}`,
        );
      }
      throw error;
    }
  }
}

/** Starts a simulated Kubernetes API server with controllers on 127.0.0.1. */
export async function startSimCluster(options: SimOptions = {}): Promise<SimCluster> {
  const timing: SimTiming = { ...defaultTiming, ...options.timing };
  const tls = options.tls ?? true;
  const auth = options.auth ?? "token";
  if (auth === "client-cert" && !tls) {
    throw new Error(
      'startSimCluster: auth "client-cert" needs tls: true (client certificates are a TLS feature)',
    );
  }
  const state = new ClusterState({
    seed: options.seed ?? 1,
    timing,
    watchHistory: options.watchHistory ?? 10_000,
  });
  const events = new EventRecorder(state);
  const logs = new PodLogs();
  const pods = new PodLifecycleController(state, events, logs);
  const manager = new ControllerManager(state, [
    pods,
    new ReplicaSetController(state, events),
    new DeploymentController(state, events),
    new StatefulSetController(state, events),
    new DaemonSetController(state, events),
    new EndpointsController(state),
    new DisruptionController(state),
    new NodeLifecycleController(state, events),
    new NamespaceController(state),
    new CrdEstablishingController(state),
  ]);
  let deny = [...(options.deny ?? [])];
  const faults = [...(options.faults ?? [])];
  const rules = new FaultRules();
  const requests: ServedRequest[] = [];

  for (const name of bootstrapNamespaces) {
    state.create(state.type("", "namespaces"), undefined, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    });
  }
  for (let i = 1; i <= (options.nodes ?? 3); i++) {
    const name = `sim-node-${i}`;
    state.create(state.type("", "nodes"), undefined, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name } },
      spec: {},
    });
  }
  try {
    applyAll(state, options.manifests ?? demoManifests);
  } catch (error) {
    manager.close();
    state.timers.close();
    throw error;
  }

  const certs = tls ? await simCertificates() : undefined;
  const credentials: SimCluster["credentials"] = {};
  if (certs) credentials.caPem = certs.caPem;
  if (auth === "token") credentials.token = `sim-${state.random.hex(40)}`;
  if (auth === "basic") {
    credentials.username = "sim-user";
    credentials.password = state.random.hex(24);
  }
  if (auth === "client-cert" && certs) {
    credentials.clientCertPem = certs.clientCertPem;
    credentials.clientKeyPem = certs.clientKeyPem;
  }

  const tokens = new ServiceAccountTokens((length) => state.random.hex(length));
  let address = "127.0.0.1:0";
  const handler = new ApiHandler({
    state,
    logs,
    pods,
    auth,
    credentials: {
      token: credentials.token,
      username: credentials.username,
      password: credentials.password,
      clientCommonName,
    },
    deny: () => deny,
    tokens,
    faults,
    rules,
    latencyMs: options.latencyMs ?? 0,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 1800,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    serverAddress: () => address,
    requests,
  });
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handler.handle(req, res);
  };
  const server: Server = certs
    ? createHttpsServer(
        {
          key: certs.serverKeyPem,
          cert: certs.serverCertPem,
          ca: [certs.caPem],
          requestCert: auth === "client-cert",
          rejectUnauthorized: false,
        },
        listener,
      )
    : createHttpServer(listener);
  server.on("upgrade", (req, socket, head) => handler.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const outages = new Outages(server, () => port);
  const url = `${tls ? "https" : "http"}://${address}`;

  const lookup = (kind: string) => {
    const type = state.registry.byLooseName(kind);
    if (!type) throw new Error(`sim cluster: unknown kind "${kind}"`);
    return type;
  };
  let closed = false;

  return {
    url,
    kubeconfig: buildKubeconfig({ url, caPem: certs?.caPem, auth, ...credentials }),
    credentials,
    requests,
    internalErrors: state.errors,
    async apply(manifests) {
      applyAll(state, manifests);
    },
    get(kind, namespace, name) {
      const obj = state.store.get(lookup(kind), namespace, name);
      return obj ? structuredClone(obj) : undefined;
    },
    list(kind, namespace) {
      return state.store.list(lookup(kind), namespace).map((o) => structuredClone(o));
    },
    setDeny(rules) {
      deny = [...rules];
    },
    serviceAccountToken(namespace, name, expirationSeconds = 3600) {
      if (!state.store.get(lookup("ServiceAccount"), namespace, name)) {
        throw new Error(`sim cluster: no ServiceAccount ${namespace}/${name}`);
      }
      return tokens.issue(namespace, name, expirationSeconds);
    },
    addFault(fault) {
      faults.push({ ...fault });
    },
    addFaultRule(rule) {
      return rules.add(rule);
    },
    clearFaultRules() {
      rules.clear();
    },
    openWatches(resource) {
      return handler.openWatches(resource);
    },
    dropWatches(options) {
      return handler.dropWatches(options);
    },
    unreachable(outage) {
      return outages.start(outage);
    },
    snapshot() {
      const objects = snapshotResources.flatMap(({ group, plural }) => {
        const type = state.registry.all().find((t) => t.group === group && t.plural === plural);
        return type ? state.store.list(type) : [];
      });
      return snapshotOf(objects);
    },
    async settled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let quietRounds = 0;
      while (quietRounds < 2) {
        if (manager.idle && state.timers.pending === 0 && handler.heldRequests === 0) quietRounds++;
        else quietRounds = 0;
        if (Date.now() > deadline) {
          throw new Error(
            `sim cluster: still busy after ${timeoutMs} ms (${state.timers.pending} timers pending, ${handler.heldRequests} requests held)`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, quietRounds > 0 ? 1 : 5));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      outages.close();
      handler.close();
      manager.close();
      state.timers.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

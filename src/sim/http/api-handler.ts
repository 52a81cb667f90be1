import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import { ApiError, badRequest, methodNotAllowed, notFound } from "../api-errors.ts";
import type { ClusterState, DeleteOptions } from "../cluster-state.ts";
import { checkEviction } from "../controllers/disruption.ts";
import type { PodLifecycleController } from "../controllers/pod-lifecycle.ts";
import type { FaultDecision, FaultRules, SimRequestFacts } from "../fault-rules.ts";
import { matchesFields, parseFieldSelector } from "../field-selector.ts";
import { matchesLabels, parseLabelSelector } from "../label-selector.ts";
import type { KubeObject } from "../object-store.ts";
import type { SimAuthMode, SimDenyRule, SimFault } from "../options.ts";
import type { PodLogs } from "../pod-logs.ts";
import { podContainers } from "../pod-status.ts";
import type { ResourceType } from "../resource-types.ts";
import type { ServiceAccountTokens } from "../service-account-tokens.ts";
import {
  authenticate,
  type Credentials,
  forbidden,
  forbiddenPath,
  isAllowed,
  type RequestAttributes,
  type UserInfo,
} from "./access-control.ts";
import { accessReview } from "./access-review.ts";
import { apiGroup, apiGroupList, apiVersions, resourceList, serverVersion } from "./discovery.ts";
import { ExecServer } from "./exec-session.ts";
import { listResponse, wantsMetadataOnly } from "./list-response.ts";
import { containerOf, podLog } from "./pod-subresources.ts";
import { rbacAllows } from "./rbac-authorizer.ts";
import {
  decodeDeleteOptions,
  decodePatchBody,
  parseJson,
  queryBool,
  queryNumber,
  readBody,
} from "./request-decoding.ts";
import { notFoundPath, parseTarget, type RequestTarget } from "./request-target.ts";
import { scaleSubresource } from "./scale-subresource.ts";
import { parseServiceProxy, ServiceProxy, type ServiceProxyTarget } from "./service-proxy.ts";
import { WatchStream } from "./watch-stream.ts";

export interface ServedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface ApiHandlerConfig {
  state: ClusterState;
  logs: PodLogs;
  pods: PodLifecycleController;
  auth: SimAuthMode;
  credentials: Credentials;
  deny: () => SimDenyRule[];
  /** Service-account tokens the server issued (TokenRequest) and accepts until they expire. */
  tokens: ServiceAccountTokens;
  faults: SimFault[];
  /** Run-time fault rules: matched on verb and resource once the request is parsed. */
  rules: FaultRules;
  latencyMs: number;
  watchTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  serverAddress: () => string;
  requests: ServedRequest[];
}

type Obj = Record<string, unknown>;
type ResourceTarget = Extract<RequestTarget, { kind: "resource" }>;

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

function json(status: number, body: unknown): Reply {
  return { status, body };
}

function success(status: number, details?: Obj): Obj {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(details ? { details } : {}),
    code: status,
  };
}

function verbFor(method: string, target: ResourceTarget, query: URLSearchParams): string {
  const watching = query.get("watch") === "true" || query.get("watch") === "1";
  switch (method) {
    case "GET":
    case "HEAD":
      if (target.subresource === "exec") return "create";
      if (watching) return "watch";
      return target.name ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return target.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

/** The Kubernetes REST API over the cluster state. */
export class ApiHandler {
  private readonly config: ApiHandlerConfig;
  private readonly watches = new Set<WatchStream>();
  private readonly delays = new Set<NodeJS.Timeout>();
  private readonly served = new WeakMap<ServerResponse, ServedRequest>();
  readonly exec = new ExecServer();
  private readonly proxy: ServiceProxy;

  constructor(config: ApiHandlerConfig) {
    this.config = config;
    this.proxy = new ServiceProxy(config.state);
  }

  /** Requests held back by injected latency, which the cluster has yet to act on. */
  get heldRequests(): number {
    return this.delays.size;
  }

  close(): void {
    for (const w of [...this.watches]) w.end();
    for (const d of this.delays) clearTimeout(d);
    this.delays.clear();
    this.exec.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    // Recorded before the response is written, so a client that has its answer finds its request logged.
    this.served.set(res, { method, path: url.pathname, query: url.search.slice(1), status: 0 });
    try {
      await this.latency();
      const body = await readBody(req);
      const user = this.authenticate(req, url.pathname);
      this.injectFault(method, url.pathname);
      const proxied = parseServiceProxy(url.pathname);
      if (proxied) {
        await this.serviceProxy(res, method, proxied, user);
        return;
      }
      const target = parseTarget(url.pathname, this.config.state.registry);
      if (target.kind !== "resource") {
        if (target.kind !== "version" && target.kind !== "health" && user.username === "system:anonymous") {
          throw forbiddenPath(user, url.pathname);
        }
        const decision = await this.applyRules(res, { method, path: url.pathname, verb: "get" });
        if (!decision) return;
        this.answer(res, decision, () => this.discovery(target));
        return;
      }
      const attrs = this.attributes(method, target, url.searchParams);
      const decision = await this.applyRules(res, {
        method,
        path: url.pathname,
        verb: attrs.verb,
        group: attrs.group,
        resource: attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource,
        namespace: attrs.namespace,
        name: attrs.name,
      });
      if (!decision) return;
      if (!this.allowed(user, attrs)) throw forbidden(user, attrs);
      const verb = attrs.verb;
      if (verb === "watch") {
        if (decision.effect) {
          this.answer(res, decision, () => json(200, {}));
          return;
        }
        this.startWatch(res, target, url.searchParams);
        return;
      }
      this.answer(res, decision, () => {
        const reply = this.dispatch(
          method,
          target,
          url.searchParams,
          body,
          req.headers["content-type"] ?? "",
          user,
          req.headers.accept ?? "",
        );
        // A static fault with `afterApply`: the change is made, then the answer is the fault.
        this.injectFault(method, url.pathname, true);
        return reply;
      });
    } catch (error) {
      this.sendError(res, error);
    }
  }

  /** `services/proxy`: authorized as the HTTP method's verb on that subresource, as RBAC does. */
  private async serviceProxy(
    res: ServerResponse,
    method: string,
    target: ServiceProxyTarget,
    user: UserInfo,
  ): Promise<void> {
    const verbs: Record<string, string> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };
    const attrs: RequestAttributes = {
      verb: verbs[method] ?? "get",
      group: "",
      resource: "services",
      subresource: "proxy",
      namespace: target.namespace,
      name: target.segment,
    };
    const decision = await this.applyRules(res, {
      method,
      path: `/api/v1/namespaces/${target.namespace}/services/${target.segment}/proxy`,
      verb: attrs.verb,
      group: "",
      resource: "services/proxy",
      namespace: target.namespace,
      name: target.segment,
    });
    if (!decision) return;
    if (!this.allowed(user, attrs)) throw forbidden(user, attrs);
    const answer = this.proxy.route(target);
    await this.latency(answer.latencyMs);
    this.answer(res, decision, () => ({
      status: answer.status,
      body: answer.body,
      contentType: "text/plain; charset=utf-8",
      headers: { "X-Sim-Pod": answer.pod },
    }));
  }

  /** WebSocket upgrades: only pods/exec. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://sim");
    const record = (status: number) =>
      this.config.requests.push({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.search.slice(1),
        status,
      });
    try {
      const user = this.authenticate(req, url.pathname);
      this.injectFault(req.method ?? "GET", url.pathname);
      const target = parseTarget(url.pathname, this.config.state.registry);
      if (target.kind !== "resource" || target.subresource !== "exec" || !target.name) throw notFoundPath();
      const attrs = this.attributes("GET", target, url.searchParams);
      if (!this.allowed(user, attrs)) throw forbidden(user, attrs);
      if (!this.exec.hasSupportedProtocol(req)) {
        throw badRequest(
          "exec needs a WebSocket with one of the subprotocols v5.channel.k8s.io, v4.channel.k8s.io",
        );
      }
      const pod = this.config.state.store.get(target.type, target.namespace, target.name);
      if (!pod) throw notFound(target.type, target.name);
      const container = containerOf(pod, url.searchParams.get("container"));
      // A terminating pod's containers run until its grace period ends: exec still reaches them.
      if (pod.status?.phase !== "Running") {
        throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
      }
      const command = url.searchParams.getAll("command");
      if (command.length === 0) throw badRequest("you must specify at least 1 command");
      const env: Record<string, string> = {
        HOSTNAME: pod.metadata.name,
        KUBERNETES_SERVICE_HOST: "10.96.0.1",
      };
      for (const c of podContainers(pod)) {
        if (c.name !== container) continue;
        for (const e of (c.env ?? []) as Array<{ name: string; value?: string }>) env[e.name] = e.value ?? "";
      }
      this.exec.run(
        req,
        socket,
        head,
        {
          command,
          stdout: queryBool(url.searchParams, "stdout"),
          stderr: queryBool(url.searchParams, "stderr"),
          context: {
            podName: pod.metadata.name,
            namespace: pod.metadata.namespace!,
            container,
            env,
            killMainProcess: () => {
              const current = this.config.state.store.get(target.type, target.namespace, target.name!);
              if (current) this.config.pods.restartContainer(current, container);
            },
          },
        },
        () => record(101),
      );
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, String(error), "InternalError");
      record(apiError.code);
      ExecServer.refuse(socket, apiError);
    }
  }

  private async latency(ms = this.config.latencyMs): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.add(timer);
    });
  }

  /**
   * Asks the fault rules about a request and waits out any latency they add. Answers undefined when
   * the request is done with (its connection reset); throws the status a rule answers instead.
   */
  private async applyRules(
    res: ServerResponse,
    request: SimRequestFacts,
  ): Promise<FaultDecision | undefined> {
    const decision = this.config.rules.decide(request);
    await this.latency(decision.latencyMs);
    const effect = decision.effect;
    if (effect?.kind === "status") {
      const retry = effect.retryAfterSeconds;
      throw new ApiError(
        effect.status,
        effect.message ?? `injected fault: ${request.method} ${request.path} answers ${effect.status}`,
        undefined,
        retry === undefined ? undefined : { retryAfterSeconds: retry },
      );
    }
    if (effect?.kind === "reset") {
      this.reset(res);
      return undefined;
    }
    return decision;
  }

  /** Sends the reply `apply` builds, unless a rule says the change is applied and then the answer lost. */
  private answer(res: ServerResponse, decision: FaultDecision, apply: () => Reply): void {
    const reply = apply();
    const effect = decision.effect;
    if (effect?.kind !== "applied-then-failed") {
      this.send(res, reply);
      return;
    }
    if (effect.answer === "reset") {
      this.reset(res);
      return;
    }
    const what = effect.answer === 504 ? "the request timed out" : "an internal error occurred";
    this.sendError(res, new ApiError(effect.answer, `injected fault: ${what} after the change was applied`));
  }

  /** Drops the connection without an answer, as a crashed server or a broken network would. */
  private reset(res: ServerResponse): void {
    this.log(res, 0);
    const socket = res.socket;
    if (!socket) return;
    // A TLS socket cannot send a TCP reset itself: destroying it drops the connection unannounced.
    if (socket instanceof TLSSocket) socket.destroy();
    else socket.resetAndDestroy();
  }

  /** How many watches are open (on `resource`, all when absent). */
  openWatches(resource?: string): number {
    return [...this.watches].filter((watch) => resource === undefined || watch.resource === resource).length;
  }

  /** Ends the open watches on `resource` (all when absent): cleanly, or by resetting their connections. */
  dropWatches(options: { resource?: string; abrupt?: boolean } = {}): number {
    let dropped = 0;
    for (const watch of [...this.watches]) {
      if (options.resource !== undefined && watch.resource !== options.resource) continue;
      if (options.abrupt) watch.reset();
      else watch.end();
      dropped++;
    }
    return dropped;
  }

  /** Throws the first matching fault: those answered instead of the request, or (`afterApply`) after it. */
  private injectFault(method: string, path: string, afterApply = false): void {
    const faults = this.config.faults;
    const index = faults.findIndex(
      (f) =>
        (f.afterApply === true) === afterApply &&
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.path === undefined || (typeof f.path === "string" ? path.includes(f.path) : f.path.test(path))),
    );
    if (index < 0) return;
    const fault = faults[index]!;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(index, 1);
    }
    throw new ApiError(
      fault.status,
      fault.message ?? `injected fault: ${method} ${path} answers ${fault.status}`,
    );
  }

  /** Who is calling: the configured credentials, or a service-account token the server issued. */
  private authenticate(req: IncomingMessage, path: string): UserInfo {
    const { auth, credentials, tokens } = this.config;
    return authenticate(req, auth, credentials, path, tokens);
  }

  /** The sim's deny rules (for every user), then RBAC over the stored roles and bindings. */
  private allowed(user: UserInfo, attrs: RequestAttributes): boolean {
    if (!isAllowed(this.config.deny(), user, attrs)) return false;
    const state = this.config.state;
    return rbacAllows(
      { list: (plural, namespace) => state.list("rbac.authorization.k8s.io", plural, namespace) },
      user,
      attrs,
    );
  }

  private attributes(method: string, target: ResourceTarget, query: URLSearchParams): RequestAttributes {
    return {
      verb: verbFor(method, target, query),
      group: target.type.group,
      resource: target.type.plural,
      subresource: target.subresource,
      namespace: target.type.namespaced ? target.namespace : undefined,
      name: target.name,
    };
  }

  private discovery(target: Exclude<RequestTarget, ResourceTarget>): Reply {
    const registry = this.config.state.registry;
    switch (target.kind) {
      case "version":
        return json(200, serverVersion);
      case "health":
        return { status: 200, body: "ok", contentType: "text/plain" };
      case "api-versions":
        return json(200, apiVersions(this.config.serverAddress()));
      case "api-groups":
        return json(200, apiGroupList(registry));
      case "api-group": {
        const group = apiGroup(registry, target.group);
        if (!group) throw notFoundPath();
        return json(200, group);
      }
      case "group-version":
        return json(200, resourceList(registry, target.group, target.version));
    }
  }

  private dispatch(
    method: string,
    target: ResourceTarget,
    query: URLSearchParams,
    body: Buffer,
    contentType: string,
    user: UserInfo,
    accept = "",
  ): Reply {
    const { type, namespace, name, subresource } = target;
    const state = this.config.state;
    const dryRun = query.getAll("dryRun").includes("All");
    if (!type.stored) {
      if (method !== "POST" || name) throw methodNotAllowed();
      return json(
        201,
        accessReview(type, parseJson(body), user, (who, attrs) => this.allowed(who, attrs)),
      );
    }
    if (subresource)
      return this.subresource(method, target as ResourceTarget & { name: string }, query, body, contentType);
    switch (method) {
      case "GET":
      case "HEAD": {
        if (!name) {
          const store = this.config.state.store;
          return json(200, listResponse(store, type, namespace, query, wantsMetadataOnly(accept)));
        }
        const obj = state.store.get(type, namespace, name);
        if (!obj) throw notFound(type, name);
        return json(200, obj);
      }
      case "POST":
        if (name) throw methodNotAllowed();
        return json(201, state.create(type, namespace, parseJson(body), { dryRun }));
      case "PUT":
        if (!name) throw methodNotAllowed();
        return json(200, state.update(type, namespace, name, parseJson(body), undefined, { dryRun }));
      case "PATCH": {
        if (!name) throw methodNotAllowed();
        const { object, created } = state.patch(
          type,
          namespace,
          name,
          contentType,
          decodePatchBody(contentType, body),
          {
            fieldManager: query.get("fieldManager") ?? undefined,
            force: queryBool(query, "force"),
            dryRun,
          },
        );
        return json(created ? 201 : 200, object);
      }
      case "DELETE": {
        const options = decodeDeleteOptions(query, body);
        if (!name) return json(200, this.deleteCollection(type, namespace, query, options));
        if (dryRun) {
          const existing = state.store.get(type, namespace, name);
          if (!existing) throw notFound(type, name);
          return json(200, existing);
        }
        const result = state.delete(type, namespace, name, options);
        if (type.plural === "pods" || !result.removed) return json(200, result.object);
        return json(
          200,
          success(200, { name, group: type.group, kind: type.plural, uid: result.object.metadata.uid }),
        );
      }
      default:
        throw methodNotAllowed();
    }
  }

  private deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    query: URLSearchParams,
    options: DeleteOptions,
  ): Obj {
    const listed = listResponse(this.config.state.store, type, namespace, query);
    const state = this.config.state;
    const items: unknown[] = [];
    for (const item of listed.items as KubeObject[]) {
      try {
        items.push(state.delete(type, item.metadata.namespace, item.metadata.name, options).object);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    return { ...listed, items };
  }

  private subresource(
    method: string,
    target: ResourceTarget & { name: string },
    query: URLSearchParams,
    body: Buffer,
    contentType: string,
  ): Reply {
    const { type, namespace, name, subresource } = target;
    const state = this.config.state;
    const obj = state.store.get(type, namespace, name);
    if (!obj) throw notFound(type, name);
    switch (subresource) {
      case "status":
      case "ephemeralcontainers":
        if (method === "GET") return json(200, obj);
        if (method === "PUT")
          return json(200, state.update(type, namespace, name, parseJson(body), subresource));
        if (method === "PATCH") {
          const { object } = state.patch(
            type,
            namespace,
            name,
            contentType,
            decodePatchBody(contentType, body),
            {
              fieldManager: query.get("fieldManager") ?? undefined,
            },
            subresource,
          );
          return json(200, object);
        }
        throw methodNotAllowed();
      case "scale":
        return scaleSubresource(state, method, type, obj, body, contentType);
      case "log":
        if (method !== "GET") throw methodNotAllowed();
        return { status: 200, body: podLog(this.config.logs, obj, query), contentType: "text/plain" };
      case "token": {
        if (method !== "POST") throw methodNotAllowed();
        const spec = ((parseJson(body) ?? {}) as Obj).spec as Obj | undefined;
        const seconds = typeof spec?.expirationSeconds === "number" ? spec.expirationSeconds : 3600;
        const issued = this.config.tokens.issue(namespace!, name, seconds);
        return json(201, {
          kind: "TokenRequest",
          apiVersion: "authentication.k8s.io/v1",
          metadata: { name, namespace, creationTimestamp: state.now() },
          spec: { audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: seconds },
          status: issued,
        });
      }
      case "eviction": {
        if (method !== "POST") throw methodNotAllowed();
        const eviction = (parseJson(body) ?? {}) as Obj;
        checkEviction(state, obj);
        const options = (eviction.deleteOptions ?? {}) as Obj;
        state.delete(type, namespace, name, {
          ...(typeof options.gracePeriodSeconds === "number"
            ? { gracePeriodSeconds: options.gracePeriodSeconds }
            : {}),
        });
        return json(201, success(201));
      }
      case "binding": {
        if (method !== "POST") throw methodNotAllowed();
        const binding = (parseJson(body) ?? {}) as Obj;
        const nodeName = String(((binding.target ?? {}) as Obj).name ?? "");
        if (obj.spec?.nodeName)
          throw new ApiError(
            409,
            `pod ${name} is already assigned to node "${String(obj.spec.nodeName)}"`,
            "Conflict",
          );
        state.write("", "pods", { ...obj, spec: { ...obj.spec, nodeName } });
        return json(201, success(201));
      }
      case "exec":
        throw badRequest(
          "exec needs a WebSocket upgrade (Connection: Upgrade) with a channel.k8s.io subprotocol",
        );
      default:
        throw notFoundPath();
    }
  }

  private startWatch(res: ServerResponse, target: ResourceTarget, query: URLSearchParams): void {
    const labels = parseLabelSelector(query.get("labelSelector") ?? undefined);
    const fields = parseFieldSelector(query.get("fieldSelector") ?? undefined, target.type);
    const name = target.name;
    const stream = new WatchStream(
      res,
      this.config.state.store,
      {
        type: target.type,
        namespace: target.namespace,
        matches: (o) =>
          (!name || o.metadata.name === name) &&
          matchesLabels(labels, o.metadata.labels) &&
          matchesFields(fields, o as unknown as Obj),
        resourceVersion: query.get("resourceVersion") ?? undefined,
        allowBookmarks: queryBool(query, "allowWatchBookmarks"),
        timeoutSeconds: queryNumber(query, "timeoutSeconds") ?? this.config.watchTimeoutSeconds,
        bookmarkIntervalMs: this.config.bookmarkIntervalMs,
      },
      () => this.watches.delete(stream),
    );
    this.watches.add(stream);
    this.log(res, 200);
    stream.start();
  }

  private log(res: ServerResponse, status: number): void {
    const entry = this.served.get(res);
    if (!entry) return;
    this.served.delete(res);
    this.config.requests.push({ ...entry, status });
  }

  private send(res: ServerResponse, reply: Reply): void {
    this.log(res, reply.status);
    const text =
      typeof reply.body === "string" && reply.contentType ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...reply.headers,
      "Content-Type": reply.contentType ?? "application/json",
      "Content-Length": Buffer.byteLength(text),
    });
    res.end(text);
  }

  private sendError(res: ServerResponse, error: unknown): void {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(
            500,
            `internal error: ${error instanceof Error ? error.message : String(error)}`,
            "InternalError",
          );
    if (apiError.code >= 500 && !(error instanceof ApiError)) this.config.state.errors.push(error);
    if (res.headersSent) {
      this.log(res, res.statusCode);
      res.end();
      return;
    }
    const retry = apiError.details?.retryAfterSeconds;
    this.send(res, {
      ...json(apiError.code, apiError.toStatus()),
      ...(retry === undefined ? {} : { headers: { "Retry-After": String(retry) } }),
    });
  }
}

// Choosing the objects an activity acts on, shared by the actions and by their target resolvers (dry),
// so the blast-radius guard sees exactly what the action would pick. Pure choice + one listing each;
// pods are filtered page by page as the listing streams in, and only what the choice needs is kept.
import type { CoreV1Api, KubeConfig, ResponseContext, V1Node, V1Pod } from "@kubernetes/client-node";
import { clientNode } from "../cluster-client.ts";
import { ActivityFailed, callApi } from "./activity-failed.ts";

const PAGE_SIZE = 500;

interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

type PageFetch<T> = (token: string | undefined) => Promise<Page<T>>;

/** The pages of a list as they arrive, following `continue` tokens. */
export async function* pagesOf<T>(fetchPage: PageFetch<T>): AsyncGenerator<T[]> {
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield page.items;
    token = page.metadata?._continue || undefined;
  } while (token);
}

/** Every item of a list, following `continue` tokens. */
export async function listAll<T>(fetchPage: PageFetch<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagesOf(fetchPage)) for (const item of page) items.push(item);
  return items;
}

interface PodSelectors {
  labelSelector?: string;
  fieldSelector?: string;
}

function podPages(core: CoreV1Api, namespace: string, selectors: PodSelectors): PageFetch<V1Pod> {
  return (token) =>
    core.listNamespacedPod({
      namespace,
      labelSelector: selectors.labelSelector || undefined,
      fieldSelector: selectors.fieldSelector || undefined,
      limit: PAGE_SIZE,
      _continue: token,
    });
}

export async function listPods(
  core: CoreV1Api,
  namespace: string,
  selectors: PodSelectors = {},
): Promise<V1Pod[]> {
  return callApi({ verb: "list", resource: "pods", namespace }, () =>
    listAll(podPages(core, namespace, selectors)),
  );
}

export async function listNodes(
  core: CoreV1Api,
  selectors: { labelSelector?: string; fieldSelector?: string } = {},
): Promise<V1Node[]> {
  return callApi({ verb: "list", resource: "nodes" }, () =>
    listAll((token) =>
      core.listNode({
        labelSelector: selectors.labelSelector || undefined,
        fieldSelector: selectors.fieldSelector || undefined,
        limit: PAGE_SIZE,
        _continue: token,
      }),
    ),
  );
}

/** Upstream selectors such as `name in ({name})` are templates filled with the `name` argument. */
export function formatNameTemplate(selector: string, name: string | undefined): string {
  return selector.replaceAll("{name}", name ?? "None");
}

/** A Python `re` pattern as a JavaScript RegExp (named groups differ in syntax). */
export function pythonRegex(pattern: string, argument: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>"));
  } catch (error) {
    throw new ActivityFailed(
      `argument "${argument}" is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

/** `random.sample`: `count` distinct items in random order. */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    const index = Math.floor(random() * pool.length);
    picked.push(...pool.splice(index, 1));
  }
  return picked;
}

export interface PodSelection {
  labelSelector?: string;
  namePattern?: string;
  all: boolean;
  rand: boolean;
  mode: string;
  qty: number;
  order: string;
}

export interface Selected<T> {
  /** Every object that matched the selector (and could be hit by a random pick). */
  candidates: T[];
  chosen: T[];
}

export function checkPodSelection(selection: PodSelection): void {
  if (selection.qty < 0) throw new ActivityFailed(`cannot select pods: qty ${selection.qty} is negative`);
  if (selection.mode !== "fixed" && selection.mode !== "percentage") {
    throw new ActivityFailed(
      `cannot select pods: mode "${selection.mode}" is invalid (expected "fixed" or "percentage")`,
    );
  }
  if (selection.order !== "alphabetic" && selection.order !== "oldest") {
    throw new ActivityFailed(
      `cannot select pods: order "${selection.order}" is invalid (expected "alphabetic" or "oldest")`,
    );
  }
}

/** A Date already when it came from a listing: sorting 100,000 pods makes millions of these calls. */
function creationTime(pod: V1Pod): number {
  const created = pod.metadata?.creationTimestamp;
  if (created instanceof Date) return created.getTime();
  return created ? new Date(created).getTime() : 0;
}

function namePatternOf(selection: Pick<PodSelection, "namePattern">): RegExp | undefined {
  return selection.namePattern ? pythonRegex(selection.namePattern, "name_pattern") : undefined;
}

/** Chaos Toolkit's pod choice: name filter, optional oldest-first, then all / first n / n random. */
export function pickPods(pods: V1Pod[], selection: PodSelection, random: () => number): Selected<V1Pod> {
  checkPodSelection(selection);
  const pattern = namePatternOf(selection);
  return choosePods(
    pattern ? pods.filter((pod) => pattern.test(pod.metadata?.name ?? "")) : [...pods],
    selection,
    random,
  );
}

/** The choice among the pods that passed the name filter (sorted in place for `oldest`). */
function choosePods(candidates: V1Pod[], selection: PodSelection, random: () => number): Selected<V1Pod> {
  if (selection.order === "oldest") candidates.sort((a, b) => creationTime(a) - creationTime(b));
  if (selection.all) return { candidates, chosen: [...candidates] };
  const wanted =
    selection.mode === "percentage" ? Math.ceil((selection.qty * candidates.length) / 100) : selection.qty;
  const count = Math.min(wanted, candidates.length);
  const chosen = selection.rand ? sample(candidates, count, random) : candidates.slice(0, count);
  return { candidates, chosen };
}

/** A pod as the API server sends it: the part of it selection reads. */
export interface WirePod {
  metadata?: { name?: string; namespace?: string; uid?: string; creationTimestamp?: string };
  spec?: { containers?: Array<{ name: string }>; nodeName?: string };
}

interface WirePodList {
  items: WirePod[];
  metadata?: { continue?: string };
}

type CoreV1ApiClass = new (configuration: unknown) => CoreV1Api;

let wirePodsClasses: Promise<{ parsed: CoreV1ApiClass; text: CoreV1ApiClass }> | undefined;

/** CoreV1Api classes whose pod listings answer the API server's JSON (`parsed`) or its text (`text`). */
function wirePodsApiClasses() {
  wirePodsClasses ??= Promise.all([
    clientNode(),
    import("@kubernetes/client-node/dist/gen/apis/CoreV1Api.js"),
  ]).then(([client, { CoreV1ApiResponseProcessor }]) => {
    const readingListsAs = (read: (text: string) => unknown): CoreV1ApiClass => {
      class WirePodListing extends CoreV1ApiResponseProcessor {
        override async listNamespacedPodWithHttpInfo(response: ResponseContext) {
          const status = response.httpStatusCode;
          if (status < 200 || status > 299) return super.listNamespacedPodWithHttpInfo(response);
          const list = read(await response.body.text());
          return new client.HttpInfo(status, response.headers, response.body, list as never);
        }
      }
      return class WirePodsApi extends client.CoreV1Api {
        constructor(configuration: unknown) {
          super(configuration as never, undefined, new WirePodListing());
        }
      };
    };
    return { parsed: readingListsAs((text) => JSON.parse(text)), text: readingListsAs((text) => text) };
  });
  return wirePodsClasses;
}

/**
 * A CoreV1Api (same configuration: authentication, retrying transport, the activity's signal) whose
 * pod listings stay the JSON the API server sent: building typed V1Pods costs ~55 µs a pod, 5 s for
 * 100,000. Failures are the typed client's own: only a 2xx answer is read differently.
 */
export async function wirePodsApi(kc: KubeConfig): Promise<CoreV1Api> {
  return kc.makeApiClient((await wirePodsApiClasses()).parsed);
}

/** As wirePodsApi, but a pod listing answers its body's text, unparsed (readPodListText reads it). */
async function podListTextsApi(kc: KubeConfig): Promise<CoreV1Api> {
  return kc.makeApiClient((await wirePodsApiClasses()).text);
}

/** A page of a listing whose next page can be asked for before its items are parsed. */
export interface PodListText {
  continueToken: string | undefined;
  items: () => WirePod[];
}

type PodListTextFetch = (token: string | undefined) => Promise<PodListText>;

/** The head of a list as the API server writes it: kind and apiVersion, the ListMeta, then the items. */
const LIST_HEAD = /^\{(?:"(?:kind|apiVersion)":"[^"\\]*",)*"metadata":(\{[^{}]*\}),"items":/;

/**
 * A pod list's text, its continue token read from the head alone. The match is the top-level ListMeta
 * or nothing: kind and apiVersion are whole strings without escapes, so `"metadata":` is a top-level
 * key, and a metadata object holding a brace (in a string: ListMeta has no nested object) either
 * fails the match or is cut inside that string, which JSON.parse refuses. Any other text is parsed
 * whole first: correct, only the next page waits for it.
 */
export function readPodListText(text: string): PodListText {
  const head = LIST_HEAD.exec(text);
  if (head?.[1] !== undefined) {
    try {
      const metadata = JSON.parse(head[1]) as WirePodList["metadata"];
      return {
        continueToken: metadata?.continue || undefined,
        items: () => (JSON.parse(text) as WirePodList).items,
      };
    } catch {
      // Not the ListMeta after all: read below.
    }
  }
  const list = JSON.parse(text) as WirePodList;
  return { continueToken: list.metadata?.continue || undefined, items: () => list.items };
}

/**
 * The pages of a listing, each next page asked for once the current one's continue token is known,
 * before the current one is parsed and handed on: the server writes a page while this process parses
 * and visits the one before. At most one page ahead.
 */
async function* prefetchedPagesOf(fetchPage: PodListTextFetch): AsyncGenerator<WirePod[]> {
  const fetchAhead = (token: string) => {
    const page = fetchPage(token);
    // Its failure is awaited (and thrown) below, once the pages before it are visited; until then,
    // or if the consumer stops before, it is no unhandled rejection.
    page.catch(() => {});
    return page;
  };
  let next: Promise<PodListText> | undefined = fetchPage(undefined);
  while (next) {
    const page: PodListText = await next;
    next = page.continueToken ? fetchAhead(page.continueToken) : undefined;
    // The request goes out only once the promise callbacks queued behind fetchPage have run (the
    // client, the transport): let them run before the synchronous parse, or the server would wait.
    if (next) await new Promise((resolve) => setImmediate(resolve));
    yield page.items();
  }
}

/**
 * What a listing asks for when only the pods' metadata is read: the API server's
 * PartialObjectMetadataList (an eighth of the bytes of whole pods), else, from a server that does not
 * offer it, the whole pods.
 */
const METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json";

async function wirePodPages(
  core: CoreV1Api,
  namespace: string,
  labelSelector: string | undefined,
  detail: PodDetail,
): Promise<PodListTextFetch> {
  const options =
    detail === "metadata" ? (await clientNode()).setHeaderOptions("Accept", METADATA_ONLY) : undefined;
  return async (token) => {
    const text = (await core.listNamespacedPod(
      {
        namespace,
        labelSelector: labelSelector || undefined,
        limit: PAGE_SIZE,
        _continue: token,
      },
      options,
    )) as unknown as string;
    return readPodListText(text);
  };
}

/** What a chosen pod keeps of the listing: enough to act on it, record it and order it. */
function slim(pod: WirePod): V1Pod {
  const { name, namespace, uid, creationTimestamp } = pod.metadata ?? {};
  const containers = (pod.spec?.containers ?? []).map((container) => ({ name: container.name }));
  return {
    metadata: {
      name,
      namespace,
      uid,
      creationTimestamp: creationTimestamp ? new Date(creationTimestamp) : undefined,
    },
    spec: { containers, nodeName: pod.spec?.nodeName },
  };
}

/**
 * What the caller reads of the chosen pods: their metadata only (name, uid, creation time: deleting,
 * naming them), or their spec too (containers, node: exec).
 */
export type PodDetail = "metadata" | "spec";

/**
 * Lists the namespace's pods page by page and hands `visit` each one the selector and the name
 * pattern match, as the API server sent it: a namespace of 100,000 pods never sits in memory whole.
 * With `metadata`, the listing asks for the pods' metadata only; their spec is then absent.
 */
export async function forEachSelectedPod(
  kc: KubeConfig,
  namespace: string,
  selection: Pick<PodSelection, "labelSelector" | "namePattern">,
  detail: PodDetail,
  visit: (pod: WirePod) => void,
): Promise<void> {
  const pattern = namePatternOf(selection);
  const core = await podListTextsApi(kc);
  const pages = await wirePodPages(core, namespace, selection.labelSelector, detail);
  await callApi({ verb: "list", resource: "pods", namespace }, async () => {
    for await (const page of prefetchedPagesOf(pages))
      for (const pod of page) if (!pattern || pattern.test(pod.metadata?.name ?? "")) visit(pod);
  });
}

/** Lists the pods the selection matches, keeping each one slimmed, then chooses among them. */
export async function selectPods(
  kc: KubeConfig,
  namespace: string,
  selection: PodSelection,
  random: () => number,
  detail: PodDetail = "spec",
): Promise<Selected<V1Pod>> {
  checkPodSelection(selection);
  const candidates: V1Pod[] = [];
  await forEachSelectedPod(kc, namespace, selection, detail, (pod) => candidates.push(slim(pod)));
  return choosePods(candidates, selection, random);
}

/** A choice made one listed pod at a time, keeping only the pods it may still choose. */
export interface StreamingChoice {
  offer(pod: WirePod): void;
  chosen(): V1Pod[];
}

/**
 * A fixed quantity chosen as the pods stream in, keeping at most that many of them instead of every
 * candidate: the first ones, the oldest ones (a stable sort, as pickPods), or a uniform random
 * sample (reservoir sampling: the distribution of Python's `random.sample`). `all` and percentages
 * need every candidate: undefined.
 */
export function streamingChoice(selection: PodSelection, random: () => number): StreamingChoice | undefined {
  checkPodSelection(selection);
  if (selection.all || selection.mode === "percentage") return undefined;
  const wanted = selection.qty;
  const kept: V1Pod[] = [];
  if (selection.rand) {
    let offered = 0;
    return {
      offer(pod) {
        offered += 1;
        // Each of the pods offered so far stays kept with probability wanted / offered.
        if (kept.length < wanted) kept.push(slim(pod));
        else {
          const slot = Math.floor(random() * offered);
          if (slot < wanted) kept[slot] = slim(pod);
        }
      },
      chosen: () => kept,
    };
  }
  if (selection.order === "oldest") {
    const oldestFirst = () => {
      kept.sort((a, b) => creationTime(a) - creationTime(b));
      kept.length = Math.min(kept.length, wanted);
    };
    return {
      offer(pod) {
        kept.push(slim(pod));
        if (kept.length >= 2 * wanted + PAGE_SIZE) oldestFirst();
      },
      chosen() {
        oldestFirst();
        return kept;
      },
    };
  }
  return {
    offer(pod) {
      if (kept.length < wanted) kept.push(slim(pod));
    },
    chosen: () => kept,
  };
}

/**
 * The pods an action acts on, chosen while the listing streams in (streamingChoice); through
 * selectPods when the choice needs every candidate.
 */
export async function choosePodsWhileListing(
  kc: KubeConfig,
  namespace: string,
  selection: PodSelection,
  random: () => number,
  detail: PodDetail = "spec",
): Promise<V1Pod[]> {
  const choice = streamingChoice(selection, random);
  if (!choice) return (await selectPods(kc, namespace, selection, random, detail)).chosen;
  await forEachSelectedPod(kc, namespace, selection, detail, (pod) => choice.offer(pod));
  return choice.chosen();
}

export interface NodeSelection {
  name?: string;
  labelSelector?: string;
  /** Pick this many distinct nodes at random. */
  count?: number;
  podLabelSelector?: string;
  podNamespace?: string;
  /** Only the first matching node. */
  first?: boolean;
}

/** Nodes by name and/or label, optionally only those hosting matching pods; none found is a failure. */
export async function selectNodes(
  core: CoreV1Api,
  selection: NodeSelection,
  random: () => number,
): Promise<Selected<V1Node>> {
  const nodes = await listNodes(core, {
    labelSelector: selection.labelSelector,
    fieldSelector: selection.name ? `metadata.name=${selection.name}` : undefined,
  });
  let candidates = nodes;
  if (selection.podLabelSelector && selection.podNamespace) {
    const pods = await listPods(core, selection.podNamespace, { labelSelector: selection.podLabelSelector });
    const hosts = new Set(pods.map((pod) => pod.spec?.nodeName));
    candidates = nodes.filter((node) => hosts.has(node.metadata?.name));
  }
  if (candidates.length === 0) {
    const criteria = [
      selection.name && `name "${selection.name}"`,
      selection.labelSelector && `labels "${selection.labelSelector}"`,
      selection.podLabelSelector &&
        selection.podNamespace &&
        `hosting pods "${selection.podLabelSelector}" of namespace "${selection.podNamespace}"`,
    ].filter(Boolean);
    throw new ActivityFailed(
      `no node matches ${criteria.length > 0 ? criteria.join(", ") : "(the cluster has no nodes)"}`,
    );
  }
  if (selection.first) return { candidates, chosen: candidates.slice(0, 1) };
  if (selection.count !== undefined)
    return { candidates, chosen: sample(candidates, selection.count, random) };
  return { candidates, chosen: [...candidates] };
}

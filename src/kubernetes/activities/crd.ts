// chaosk8s.crd.actions and chaosk8s.crd.probes: custom objects, answered as the API's JSON.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { KubeConfig, V1APIResourceList } from "@kubernetes/client-node";
import type { NativeContext } from "../../providers/native.ts";
import { customObjectsApi } from "../cluster-client.ts";
import { ActivityFailed, explainApiError, isNotFound } from "./activity-failed.ts";
import { type Args, optObject, optString, reqString, str } from "./arguments.ts";
import {
  type Chaosk8sFunction,
  chaosk8sFunction,
  optional,
  Param,
  perm,
  required,
} from "./chaosk8s-function.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import {
  type Json,
  type KindInfo,
  listObjects,
  type ObjectRef,
  patchObject,
  readObject,
  replaceObject,
} from "./object-access.ts";
import { created, createdName, existing, type TargetSet, targetSet } from "./target-set.ts";
import { changeTracked, createTracked, deleteTracked } from "./tracked-changes.ts";

const ACTIONS = "chaosk8s.crd.actions";
const PROBES = "chaosk8s.crd.probes";

const parseYaml = async (text: string): Promise<unknown> => (await import("yaml")).parse(text);

function kindOf(args: Args, kind = "custom object"): KindInfo {
  return {
    group: reqString(args, "group"),
    version: reqString(args, "version"),
    plural: reqString(args, "plural"),
    kind,
  };
}

function refOf(args: Args, namespaced: boolean): ObjectRef {
  const name = reqString(args, "name");
  return namespaced ? { ...kindOf(args), name, namespace: str(args, "ns") } : { ...kindOf(args), name };
}

/** `resource` (a mapping, or for JSON Patch a list) or the YAML file `resource_as_yaml_file`. */
async function bodyOf(args: Args, ctx: NativeContext): Promise<unknown> {
  const resource = args.resource;
  if (resource !== undefined && resource !== null) return resource;
  const file = optString(args, "resource_as_yaml_file");
  if (!file) throw new ActivityFailed("either resource or resource_as_yaml_file must be set");
  const path = resolve(ctx.experimentDir, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ActivityFailed(`path '${path}' is not a valid resource file`);
  }
  try {
    return await parseYaml(text);
  } catch (error) {
    throw new ActivityFailed(
      `resource file ${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

async function create(args: Args, ctx: NativeContext, namespaced: boolean, func: string): Promise<Json> {
  const body = await bodyOf(args, ctx);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ActivityFailed('argument "resource" must be a mapping describing the object to create');
  }
  const kind = kindOf(args, String((body as Json).kind ?? "custom object"));
  const kc = await kubeConfigOf(ctx);
  return createTracked(
    { ctx, kc, action: `${ACTIONS}.${func}` },
    namespaced ? { ...kind, namespace: str(args, "ns") } : kind,
    body as Json,
    { existingIsFine: true },
  );
}

async function remove(args: Args, ctx: NativeContext, namespaced: boolean, func: string): Promise<Json> {
  const ref = refOf(args, namespaced);
  const kc = await kubeConfigOf(ctx);
  const object = await readObject(kc, ref);
  const tracked = { ...ref, kind: String(object.kind ?? ref.kind) };
  await deleteTracked({ ctx, kc, action: `${ACTIONS}.${func}` }, tracked, object, { recreate: true });
  return object;
}

async function patch(args: Args, ctx: NativeContext, namespaced: boolean, func: string): Promise<Json> {
  const ref = refOf(args, namespaced);
  const body = await bodyOf(args, ctx);
  const kc = await kubeConfigOf(ctx);
  return changeTracked({ ctx, kc, action: `${ACTIONS}.${func}` }, ref, () =>
    patchObject(kc, ref, body, "json"),
  );
}

async function replace(args: Args, ctx: NativeContext, namespaced: boolean, func: string): Promise<Json> {
  const ref = refOf(args, namespaced);
  const body = (await bodyOf(args, ctx)) as Json;
  const kc = await kubeConfigOf(ctx);
  return changeTracked({ ctx, kc, action: `${ACTIONS}.${func}` }, ref, (current) => {
    // Replacing needs the current resourceVersion unless the body brings its own.
    const metadata = { ...((body.metadata ?? {}) as Json) };
    if (metadata.resourceVersion === undefined)
      metadata.resourceVersion = (current.metadata as Json).resourceVersion;
    return replaceObject(kc, ref, { ...body, metadata });
  });
}

async function applyFrom(args: Args, ctx: NativeContext, format: "json" | "yaml"): Promise<Json> {
  const text = optString(args, "resource") ?? "";
  let object: unknown;
  try {
    object = format === "json" ? JSON.parse(text) : await parseYaml(text);
  } catch (error) {
    throw new ActivityFailed(
      `argument "resource" is not valid ${format.toUpperCase()}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    throw new ActivityFailed(`argument "resource" must describe one object`);
  }
  const resource = object as Json;
  const apiVersion = typeof resource.apiVersion === "string" ? resource.apiVersion : "";
  const kind = typeof resource.kind === "string" ? resource.kind : "";
  if (!apiVersion) throw new ActivityFailed("missing apiVersion in resource");
  if (!kind) throw new ActivityFailed("missing kind in resource");
  const slash = apiVersion.lastIndexOf("/");
  if (slash < 0)
    throw new ActivityFailed(
      `apiVersion "${apiVersion}" has no group: apply_from_* creates custom objects only`,
    );
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const served = await servedResource(await kubeConfigOf(ctx), group, version, kind);
  const namespace = ((resource.metadata ?? {}) as Json).namespace;
  // Chaos Toolkit sends the raw string as the body, to the plural its naive pluralisation guesses
  // (NetworkChaos → networkchaoses: a 404 on a real cluster); we send the parsed object to the
  // resource the API server's discovery names.
  return create(
    {
      group,
      version,
      plural: served.name,
      ns: typeof namespace === "string" ? namespace : "default",
      resource,
    },
    ctx,
    served.namespaced,
    format === "json" ? "apply_from_json" : "apply_from_yaml",
  );
}

/** The resource (plural, scope) the API server serves a kind as, from its discovery document. */
async function servedResource(
  kc: KubeConfig,
  group: string,
  version: string,
  kind: string,
): Promise<{ name: string; namespaced: boolean }> {
  const missing = () =>
    new ActivityFailed(
      `the cluster serves no kind ${kind} in ${group}/${version}; is its CustomResourceDefinition installed?`,
    );
  let list: V1APIResourceList;
  try {
    list = await (await customObjectsApi(kc)).getAPIResources({ group, version });
  } catch (error) {
    if (isNotFound(error)) throw missing();
    throw explainApiError(error, { verb: "get", resource: "apis", name: `${group}/${version}` });
  }
  // Subresources (`<plural>/status`) are listed with the same kind.
  const served = list.resources.find((resource) => resource.kind === kind && !resource.name.includes("/"));
  if (!served) throw missing();
  return { name: served.name, namespaced: served.namespaced };
}

async function getObject(args: Args, ctx: NativeContext, namespaced: boolean): Promise<Json> {
  const kc = await kubeConfigOf(ctx);
  return readObject(kc, refOf(args, namespaced));
}

async function listAllObjects(args: Args, ctx: NativeContext, namespaced: boolean): Promise<Json> {
  const kind = kindOf(args);
  const kc = await kubeConfigOf(ctx);
  const items = await listObjects(kc, kind, namespaced ? str(args, "ns") : undefined);
  return { apiVersion: `${kind.group}/${kind.version}`, kind: "List", metadata: {}, items };
}

/** apply_from_*: the object the string describes (unnamed when it does not parse: the action reports that). */
async function appliedTarget(args: Args, format: "json" | "yaml"): Promise<TargetSet> {
  const text = optString(args, "resource") ?? "";
  let object: Json = {};
  try {
    object = (format === "json" ? JSON.parse(text) : await parseYaml(text)) as Json;
  } catch {
    // The action reports the syntax error; the target stays unnamed.
  }
  const metadata = (object?.metadata ?? {}) as Json;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
  return targetSet(
    [{ kind: String(object?.kind ?? "custom object"), namespace, name: createdName(args, object) }],
    1,
    [namespace],
  );
}

const gvp = [required("group", "string"), required("version", "string"), required("plural", "string")];
const body = [optional("resource", "object"), optional("resource_as_yaml_file", "string")];
const custom = (verbs: string) => perm(verbs, "{plural}", "{group}");
const plural = (args: Args) => reqString(args, "plural");
/** Targets of custom objects are named by their plural, as the guard and the dry run print them. */
const targetKind = (args: Args): KindInfo => ({ ...kindOf(args), kind: plural(args) });

export const apply_from_json = chaosk8sFunction({
  module: ACTIONS,
  name: "apply_from_json",
  kind: "action",
  summary: "Create the custom object given as a JSON string (deleted again by the undo).",
  params: [optional("resource", "string")],
  permissions: [],
  fault: null,
  run: (args, ctx) => applyFrom(args, ctx, "json"),
  targets: (args) => appliedTarget(args, "json"),
});

export const apply_from_yaml = chaosk8sFunction({
  module: ACTIONS,
  name: "apply_from_yaml",
  kind: "action",
  summary: "Create the custom object given as a YAML string (deleted again by the undo).",
  params: [optional("resource", "string")],
  permissions: [],
  fault: null,
  run: (args, ctx) => applyFrom(args, ctx, "yaml"),
  targets: (args) => appliedTarget(args, "yaml"),
});

export const create_custom_object = chaosk8sFunction({
  module: ACTIONS,
  name: "create_custom_object",
  kind: "action",
  summary:
    "Create a namespaced custom object (an existing one is returned as is; a new one is deleted by the undo).",
  params: [...gvp, Param.ns, ...body],
  // `get`: an existing object (409) is read and returned as is.
  permissions: custom("create,get,delete"),
  fault: null,
  run: (args, ctx) => create(args, ctx, true, "create_custom_object"),
  targets: async (args) => created(plural(args), args, optObject(args, "resource")),
});

export const delete_custom_object = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_custom_object",
  kind: "action",
  summary: "Delete a namespaced custom object (recreated by the undo).",
  params: [...gvp, Param.name, Param.ns],
  permissions: custom("get,delete,create"),
  fault: { reaches: "custom object" },
  run: (args, ctx) => remove(args, ctx, true, "delete_custom_object"),
  targets: (args, kc) => existing(kc, targetKind(args), args),
});

export const create_cluster_custom_object = chaosk8sFunction({
  module: ACTIONS,
  name: "create_cluster_custom_object",
  kind: "action",
  summary: "Create a cluster-scoped custom object (a new one is deleted by the undo).",
  params: [...gvp, ...body],
  // `get`: an existing object (409) is read and returned as is.
  permissions: custom("create,get,delete"),
  fault: null,
  run: (args, ctx) => create(args, ctx, false, "create_cluster_custom_object"),
  targets: async (args) =>
    targetSet([{ kind: plural(args), name: createdName(args, optObject(args, "resource")) }], 1),
});

export const delete_cluster_custom_object = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_cluster_custom_object",
  kind: "action",
  summary: "Delete a cluster-scoped custom object (recreated by the undo).",
  params: [...gvp, Param.name],
  permissions: custom("get,delete,create"),
  fault: { reaches: "custom object" },
  run: (args, ctx) => remove(args, ctx, false, "delete_cluster_custom_object"),
  targets: (args, kc) => existing(kc, targetKind(args), args, undefined, false),
});

/** patch_ and replace_ (custom_object, cluster_custom_object): the undo restores the previous content. */
function change(verb: "patch" | "replace", namespaced: boolean): Chaosk8sFunction {
  const name = `${verb}_${namespaced ? "" : "cluster_"}custom_object`;
  return chaosk8sFunction({
    module: ACTIONS,
    name,
    kind: "action",
    summary:
      verb === "patch"
        ? "JSON-Patch a custom object (its previous content is restored by the undo)."
        : "Replace a custom object (its previous content is restored by the undo).",
    params: [
      ...gvp,
      Param.name,
      ...(namespaced ? [Param.ns] : []),
      optional("force", "boolean", false),
      ...body,
    ],
    // replace: `patch` adds the run annotation after the replacement.
    permissions: custom(verb === "patch" ? "get,patch,update" : "get,update,patch"),
    fault: { reaches: "custom object" },
    run: (args, ctx) => (verb === "patch" ? patch : replace)(args, ctx, namespaced, name),
    targets: (args, kc) => existing(kc, targetKind(args), args, undefined, namespaced),
  });
}

export const patch_custom_object = change("patch", true);
export const replace_custom_object = change("replace", true);
export const patch_cluster_custom_object = change("patch", false);
export const replace_cluster_custom_object = change("replace", false);

export const get_custom_object = chaosk8sFunction({
  module: PROBES,
  name: "get_custom_object",
  kind: "probe",
  summary: "A namespaced custom object.",
  params: [...gvp, Param.name, Param.ns],
  permissions: custom("get"),
  run: (args, ctx) => getObject(args, ctx, true),
});

export const list_custom_objects = chaosk8sFunction({
  module: PROBES,
  name: "list_custom_objects",
  kind: "probe",
  summary: "The namespaced custom objects.",
  params: [...gvp, Param.ns],
  permissions: custom("list"),
  run: (args, ctx) => listAllObjects(args, ctx, true),
});

export const get_cluster_custom_object = chaosk8sFunction({
  module: PROBES,
  name: "get_cluster_custom_object",
  kind: "probe",
  summary: "A cluster custom object.",
  params: [...gvp, Param.name],
  permissions: custom("get"),
  run: (args, ctx) => getObject(args, ctx, false),
});

export const list_cluster_custom_objects = chaosk8sFunction({
  module: PROBES,
  name: "list_cluster_custom_objects",
  kind: "probe",
  summary: "The cluster custom objects.",
  params: gvp,
  permissions: custom("list"),
  run: (args, ctx) => listAllObjects(args, ctx, false),
});

export const crdFunctions = [
  apply_from_json,
  apply_from_yaml,
  create_custom_object,
  delete_custom_object,
  create_cluster_custom_object,
  delete_cluster_custom_object,
  patch_custom_object,
  replace_custom_object,
  patch_cluster_custom_object,
  replace_cluster_custom_object,
  get_custom_object,
  list_custom_objects,
  get_cluster_custom_object,
  list_cluster_custom_objects,
];

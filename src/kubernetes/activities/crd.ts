// chaosk8s.crd.actions and chaosk8s.crd.probes: custom objects, answered as the API's JSON.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  type V1APIResourceList,
} from "@kubernetes/client-node";
import { parse } from "yaml";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed, explainApiError, isNotFound } from "./activity-failed.ts";
import { type Args, optString, reqString } from "./arguments.ts";
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
import { changeTracked, createTracked, deleteTracked } from "./tracked-changes.ts";

const ACTIONS = "chaosk8s.crd.actions";

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
  return namespaced
    ? { ...kindOf(args), name, namespace: optString(args, "ns") ?? "default" }
    : { ...kindOf(args), name };
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
    return parse(text) as unknown;
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
    namespaced ? { ...kind, namespace: optString(args, "ns") ?? "default" } : kind,
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
    patchObject(kc, ref, body, PatchStrategy.JsonPatch),
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
    object = format === "json" ? JSON.parse(text) : parse(text);
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
    list = await kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version });
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
  const items = await listObjects(kc, kind, namespaced ? (optString(args, "ns") ?? "default") : undefined);
  return { apiVersion: `${kind.group}/${kind.version}`, kind: "List", metadata: {}, items };
}

export const implementations: Record<string, NativeImplementation> = {
  apply_from_json: (args, ctx) => applyFrom(args, ctx, "json"),
  apply_from_yaml: (args, ctx) => applyFrom(args, ctx, "yaml"),
  create_custom_object: (args, ctx) => create(args, ctx, true, "create_custom_object"),
  create_cluster_custom_object: (args, ctx) => create(args, ctx, false, "create_cluster_custom_object"),
  delete_custom_object: (args, ctx) => remove(args, ctx, true, "delete_custom_object"),
  delete_cluster_custom_object: (args, ctx) => remove(args, ctx, false, "delete_cluster_custom_object"),
  patch_custom_object: (args, ctx) => patch(args, ctx, true, "patch_custom_object"),
  patch_cluster_custom_object: (args, ctx) => patch(args, ctx, false, "patch_cluster_custom_object"),
  replace_custom_object: (args, ctx) => replace(args, ctx, true, "replace_custom_object"),
  replace_cluster_custom_object: (args, ctx) => replace(args, ctx, false, "replace_cluster_custom_object"),
  get_custom_object: (args, ctx) => getObject(args, ctx, true),
  get_cluster_custom_object: (args, ctx) => getObject(args, ctx, false),
  list_custom_objects: (args, ctx) => listAllObjects(args, ctx, true),
  list_cluster_custom_objects: (args, ctx) => listAllObjects(args, ctx, false),
};

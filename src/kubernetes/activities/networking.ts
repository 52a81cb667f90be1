// chaosk8s.networking.actions and chaosk8s.networking.probes.
import type { NativeContext } from "../../providers/native.ts";
import { listForProbe } from "../list-cache.ts";
import { ActivityFailed } from "./activity-failed.ts";
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
import { type Json, Kinds, patchObject, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { created, existing, named } from "./target-set.ts";
import { changeTracked, createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField } from "./workloads.ts";

const ACTIONS = "chaosk8s.networking.actions";
const networking = "networking.k8s.io";

/** The policies the deny/allow helpers create, by the names Chaos Toolkit gives them. */
const HelperPolicies = {
  denyAllIngress: "chaostoolkit-deny-all-ingress",
  denyAllEgress: "chaostoolkit-deny-all-egress",
  allowDns: "chaostoolkit-allow-dns",
} as const;

async function createIngress(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const manifest = await readSpecFile(reqString(args, "spec_path"), ctx.experimentDir);
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.create_ingress` },
    { ...Kinds.Ingress, namespace: ns },
    manifest,
  );
  return null;
}

async function deleteRecreatable(
  args: Args,
  ctx: NativeContext,
  kind: typeof Kinds.Ingress,
  name: string,
  func: string,
) {
  const ns = str(args, "ns");
  const ref = refTo(kind, name, ns);
  const kc = await kubeConfigOf(ctx);
  const object = await readObject(kc, ref);
  const deleted = await deleteTracked({ ctx, kc, action: `${ACTIONS}.${func}` }, ref, object, {
    recreate: true,
  });
  if (!deleted) throw new ActivityFailed(`${kind.kind} "${ns}/${name}" was not found`);
  return null;
}

async function updateIngress(args: Args, ctx: NativeContext): Promise<null> {
  const ns = str(args, "ns");
  const ref = refTo(Kinds.Ingress, reqString(args, "name"), ns);
  const patch = optObject(args, "spec") ?? {};
  const kc = await kubeConfigOf(ctx);
  await changeTracked(
    { ctx, kc, action: `${ACTIONS}.update_ingress` },
    ref,
    () => patchObject(kc, ref, patch, "strategic"),
    ["spec"],
  );
  return null;
}

async function createNetworkPolicy(
  args: Args,
  ctx: NativeContext,
  func = "create_network_policy",
): Promise<null> {
  const ns = str(args, "ns");
  const spec = optObject(args, "spec");
  const specPath = optString(args, "spec_path");
  if (!spec && !specPath) throw new ActivityFailed("create_network_policy needs either spec or spec_path");
  const manifest = spec ?? (await readSpecFile(specPath ?? "", ctx.experimentDir));
  const kc = await kubeConfigOf(ctx);
  await createTracked(
    { ctx, kc, action: `${ACTIONS}.${func}` },
    { ...Kinds.NetworkPolicy, namespace: ns },
    manifest,
  );
  return null;
}

function podSelector(args: Args): Json {
  const labels = optObject(args, "label_selectors");
  return labels && Object.keys(labels).length > 0 ? { matchLabels: labels } : {};
}

function helperPolicy(func: string, args: Args): Json {
  switch (func) {
    case "deny_all_ingress":
      return {
        metadata: { name: HelperPolicies.denyAllIngress },
        spec: { podSelector: podSelector(args), policyTypes: ["Ingress"], ingress: [] },
      };
    case "deny_all_egress":
      return {
        metadata: { name: HelperPolicies.denyAllEgress },
        spec: { podSelector: podSelector(args), policyTypes: ["Egress"] },
      };
    default:
      return {
        metadata: { name: HelperPolicies.allowDns },
        spec: {
          podSelector: podSelector(args),
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ namespaceSelector: {} }],
              ports: [
                { port: 53, protocol: "UDP" },
                { port: 53, protocol: "TCP" },
              ],
            },
          ],
        },
      };
  }
}

async function ingressExists(args: Args, ctx: NativeContext): Promise<boolean> {
  const kc = await kubeConfigOf(ctx);
  const found = await listForProbe(ctx, kc, Kinds.Ingress, str(args, "ns"), {
    fieldSelector: nameField(reqString(args, "name")),
  });
  return found.length > 0;
}

export const create_ingress = chaosk8sFunction({
  module: ACTIONS,
  name: "create_ingress",
  kind: "action",
  summary: "Create an Ingress from a JSON or YAML file (deleted again by the undo).",
  params: [Param.specPath, Param.ns],
  permissions: perm("create,delete", "ingresses", networking),
  fault: null,
  run: createIngress,
  targets: async (args) => created("Ingress", args),
});

export const delete_ingress = chaosk8sFunction({
  module: ACTIONS,
  name: "delete_ingress",
  kind: "action",
  summary: "Delete an Ingress (recreated by the undo).",
  params: [Param.name, Param.ns],
  permissions: perm("get,delete,create", "ingresses", networking),
  fault: { reaches: "ingress" },
  run: (args, ctx) => deleteRecreatable(args, ctx, Kinds.Ingress, reqString(args, "name"), "delete_ingress"),
  targets: (args, kc) => existing(kc, Kinds.Ingress, args),
});

export const update_ingress = chaosk8sFunction({
  module: ACTIONS,
  name: "update_ingress",
  kind: "action",
  summary: "Patch an Ingress (its previous spec is restored by the undo).",
  params: [Param.name, required("spec", "object"), Param.ns],
  permissions: perm("get,patch,update", "ingresses", networking),
  fault: { reaches: "ingress" },
  run: updateIngress,
  targets: (args, kc) => existing(kc, Kinds.Ingress, args),
});

export const create_network_policy = chaosk8sFunction({
  module: ACTIONS,
  name: "create_network_policy",
  kind: "action",
  summary: "Create a NetworkPolicy from a mapping or a file (deleted again by the undo).",
  params: [optional("spec", "object"), optional("spec_path", "string"), Param.ns],
  permissions: perm("create,delete", "networkpolicies", networking),
  // A partition: the policy it creates is the fault.
  fault: { reaches: "network policy" },
  run: (args, ctx) => createNetworkPolicy(args, ctx),
  targets: async (args) => created("NetworkPolicy", args, optObject(args, "spec")),
});

export const remove_network_policy = chaosk8sFunction({
  module: ACTIONS,
  name: "remove_network_policy",
  kind: "action",
  summary: "Delete a NetworkPolicy (recreated by the undo).",
  params: [Param.name, Param.ns],
  permissions: perm("get,delete,create", "networkpolicies", networking),
  fault: { reaches: "network policy" },
  run: (args, ctx) =>
    deleteRecreatable(args, ctx, Kinds.NetworkPolicy, reqString(args, "name"), "remove_network_policy"),
  targets: (args, kc) => existing(kc, Kinds.NetworkPolicy, args),
});

/** deny_all_ingress, deny_all_egress, allow_dns_access: a NetworkPolicy of a fixed name, deleted by the undo. */
function helper(name: "deny_all_ingress" | "deny_all_egress" | "allow_dns_access", summary: string) {
  const policy = (args: Args) => helperPolicy(name, args);
  return chaosk8sFunction({
    module: ACTIONS,
    name,
    kind: "action",
    summary,
    params: [optional("label_selectors", "object"), Param.ns],
    permissions: perm("create,delete", "networkpolicies", networking),
    // deny_all_*: a partition; allow_dns_access opens traffic again.
    fault: name === "allow_dns_access" ? null : { reaches: "network policy" },
    run: (args, ctx) => createNetworkPolicy({ ...args, spec: policy(args) }, ctx, name),
    targets: async (args) => named("NetworkPolicy", args, String((policy(args).metadata as Json).name)),
  });
}

/** remove_<helper>: deletes the helper's NetworkPolicy (recreated by the undo). */
function removeHelper(name: string, policy: string): Chaosk8sFunction {
  return chaosk8sFunction({
    module: ACTIONS,
    name,
    kind: "action",
    summary: `Delete the NetworkPolicy ${name.replace("remove_", "").replaceAll("_", "-")} created earlier (recreated by the undo).`,
    params: [Param.ns],
    permissions: perm("get,delete,create", "networkpolicies", networking),
    // It removes what deny_all_*/allow_dns_access created earlier in the experiment.
    fault: null,
    run: (args, ctx) => deleteRecreatable(args, ctx, Kinds.NetworkPolicy, policy, name),
    targets: async (args) => named("NetworkPolicy", args, policy),
  });
}

export const deny_all_ingress = helper(
  "deny_all_ingress",
  "Deny all ingress traffic to the selected pods (NetworkPolicy, deleted by the undo).",
);
export const deny_all_egress = helper(
  "deny_all_egress",
  "Deny all egress traffic from the selected pods (NetworkPolicy, deleted by the undo).",
);
export const allow_dns_access = helper(
  "allow_dns_access",
  "Allow DNS egress from the selected pods (NetworkPolicy, deleted by the undo).",
);
export const remove_deny_all_ingress = removeHelper("remove_deny_all_ingress", HelperPolicies.denyAllIngress);
export const remove_deny_all_egress = removeHelper("remove_deny_all_egress", HelperPolicies.denyAllEgress);
export const remove_allow_dns_access = removeHelper("remove_allow_dns_access", HelperPolicies.allowDns);

export const ingress_exists = chaosk8sFunction({
  module: "chaosk8s.networking.probes",
  name: "ingress_exists",
  kind: "probe",
  summary: "The Ingress exists.",
  params: [Param.name, Param.ns],
  permissions: perm("list", "ingresses", networking),
  run: ingressExists,
});

export const networkingFunctions = [
  create_ingress,
  delete_ingress,
  update_ingress,
  create_network_policy,
  remove_network_policy,
  deny_all_ingress,
  deny_all_egress,
  allow_dns_access,
  remove_deny_all_ingress,
  remove_deny_all_egress,
  remove_allow_dns_access,
  ingress_exists,
];

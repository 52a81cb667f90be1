// chaosk8s.networking.actions and chaosk8s.networking.probes.
import { PatchStrategy } from "@kubernetes/client-node";
import type { NativeContext, NativeImplementation } from "../../providers/native.ts";
import { ActivityFailed } from "./activity-failed.ts";
import { type Args, optObject, optString, reqString } from "./arguments.ts";
import { kubeConfigOf } from "./cluster-context.ts";
import { type Json, Kinds, listObjects, patchObject, readObject, refTo } from "./object-access.ts";
import { readSpecFile } from "./spec-file.ts";
import { changeTracked, createTracked, deleteTracked } from "./tracked-changes.ts";
import { nameField } from "./workloads.ts";

const ACTIONS = "chaosk8s.networking.actions";

/** The policies the deny/allow helpers create, by the names Chaos Toolkit gives them. */
export const HelperPolicies = {
  denyAllIngress: "chaostoolkit-deny-all-ingress",
  denyAllEgress: "chaostoolkit-deny-all-egress",
  allowDns: "chaostoolkit-allow-dns",
} as const;

async function createIngress(args: Args, ctx: NativeContext): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
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
  const ns = optString(args, "ns") ?? "default";
  const ref = refTo(Kinds.Ingress, reqString(args, "name"), ns);
  const patch = optObject(args, "spec") ?? {};
  const kc = await kubeConfigOf(ctx);
  await changeTracked(
    { ctx, kc, action: `${ACTIONS}.update_ingress` },
    ref,
    () => patchObject(kc, ref, patch, PatchStrategy.StrategicMergePatch),
    ["spec"],
  );
  return null;
}

async function createNetworkPolicy(
  args: Args,
  ctx: NativeContext,
  func = "create_network_policy",
): Promise<null> {
  const ns = optString(args, "ns") ?? "default";
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

export function helperPolicy(func: string, args: Args): Json {
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

const helper =
  (func: string): NativeImplementation =>
  (args, ctx) =>
    createNetworkPolicy({ ...args, spec: helperPolicy(func, args) }, ctx, func);

const removeHelper =
  (func: string, name: string): NativeImplementation =>
  (args, ctx) =>
    deleteRecreatable(args, ctx, Kinds.NetworkPolicy, name, func);

async function ingressExists(args: Args, ctx: NativeContext): Promise<boolean> {
  const kc = await kubeConfigOf(ctx);
  const found = await listObjects(kc, Kinds.Ingress, optString(args, "ns") ?? "default", {
    fieldSelector: nameField(reqString(args, "name")),
  });
  return found.length > 0;
}

export const implementations: Record<string, NativeImplementation> = {
  create_ingress: createIngress,
  delete_ingress: (args, ctx) =>
    deleteRecreatable(args, ctx, Kinds.Ingress, reqString(args, "name"), "delete_ingress"),
  update_ingress: updateIngress,
  create_network_policy: (args, ctx) => createNetworkPolicy(args, ctx),
  remove_network_policy: (args, ctx) =>
    deleteRecreatable(args, ctx, Kinds.NetworkPolicy, reqString(args, "name"), "remove_network_policy"),
  deny_all_ingress: helper("deny_all_ingress"),
  remove_deny_all_ingress: removeHelper("remove_deny_all_ingress", HelperPolicies.denyAllIngress),
  deny_all_egress: helper("deny_all_egress"),
  remove_deny_all_egress: removeHelper("remove_deny_all_egress", HelperPolicies.denyAllEgress),
  allow_dns_access: helper("allow_dns_access"),
  remove_allow_dns_access: removeHelper("remove_allow_dns_access", HelperPolicies.allowDns),
  ingress_exists: ingressExists,
};

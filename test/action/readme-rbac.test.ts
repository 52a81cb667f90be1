// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${name}" is Chaos Toolkit's placeholder syntax.
// The README's least-privilege RBAC for `cluster: existing`: it must grant everything the seed
// experiment's activities and its Lease need (the preflight would refuse the run otherwise), and
// nothing more.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { Experiment } from "../../src/experiment/format.ts";
import { chaosk8sSource } from "../../src/kubernetes/catalog.ts";
import { leaseNamespaces, leasesFor } from "../../src/kubernetes/lease-scope.ts";
import { leasePermissions, type PermissionNeed, permissionsFor } from "../../src/kubernetes/preflight.ts";
import { kubernetesActivities } from "../../src/kubernetes/scope.ts";

const root = join(import.meta.dirname, "..", "..");

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

function readmeRbac(): RbacObject[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Least privilege for `cluster: existing`"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return parseAllDocuments(yaml).map((document) => document.toJS() as RbacObject);
}

/** The seed experiment with its namespace set to the Role's: its activities and its Lease. */
function seedNeeds(namespace: string): PermissionNeed[] {
  const text = readFileSync(join(root, "experiments", "terminate-pod.yaml"), "utf8")
    .replaceAll("${namespace}", namespace)
    .replaceAll("${selector}", "app=web");
  const activities = kubernetesActivities(parse(text) as Experiment);
  const leases = leasesFor(activities, [], chaosk8sSource.signatures);
  return [
    ...permissionsFor(activities, chaosk8sSource.signatures),
    ...leasePermissions(leaseNamespaces(leases)),
  ];
}

const grants = (rule: Rule, need: PermissionNeed) =>
  rule.apiGroups.includes(need.group) &&
  rule.resources.includes(need.subresource ? `${need.resource}/${need.subresource}` : need.resource) &&
  rule.verbs.includes(need.verb);

describe("the README's RBAC manifest", () => {
  const objects = readmeRbac();
  const role = objects.find((object) => object.kind === "Role");
  const namespace = role?.metadata.namespace ?? "";
  const needs = seedNeeds(namespace);

  it("binds its Role and ClusterRole to the service account", () => {
    const account = objects.find((object) => object.kind === "ServiceAccount");
    expect(account?.metadata.namespace).toBe(namespace);
    for (const [binding, ref] of [
      ["RoleBinding", "Role"],
      ["ClusterRoleBinding", "ClusterRole"],
    ] as const) {
      const bound = objects.find((object) => object.kind === binding);
      const granted = objects.find((object) => object.kind === ref);
      expect(bound?.roleRef, binding).toMatchObject({ kind: ref, name: granted?.metadata.name });
      expect(bound?.subjects).toEqual([{ kind: "ServiceAccount", name: account?.metadata.name, namespace }]);
    }
  });

  it("grants every permission the seed experiment needs, in its namespace", () => {
    expect(needs.length).toBeGreaterThan(0);
    for (const need of needs) {
      expect(need.namespace, JSON.stringify(need)).toBe(namespace);
      expect(
        role?.rules?.some((rule) => grants(rule, need)),
        JSON.stringify(need),
      ).toBe(true);
    }
  });

  it("grants nothing more in the namespace", () => {
    for (const rule of role?.rules ?? []) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          for (const verb of rule.verbs) {
            const needed = needs.some(
              (need) => need.group === group && need.resource === resource && need.verb === verb,
            );
            expect(needed, `${verb} ${group}/${resource}`).toBe(true);
          }
        }
      }
    }
  });
});

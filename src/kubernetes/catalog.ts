// The chaosk8s catalog (chaostoolkit-kubernetes 0.39): every function, as the record its family
// module declares (signature, implementation, target resolver, RBAC), collected in one index.
// Importing it loads no cluster client: the family modules use @kubernetes/client-node only as
// types until an activity runs (see cluster-client.ts).
import type { NativeModuleSource } from "../providers/native.ts";
import type { Chaosk8sFunction } from "./activities/chaosk8s-function.ts";
import { crdFunctions } from "./activities/crd.ts";
import { daemonsetFunctions } from "./activities/daemonset.ts";
import { deploymentFunctions } from "./activities/deployment.ts";
import { deprecatedFunctions } from "./activities/deprecated.ts";
import { eventFunctions } from "./activities/event.ts";
import { namespaceFunctions } from "./activities/namespace.ts";
import { networkingFunctions } from "./activities/networking.ts";
import { nodeFunctions } from "./activities/node.ts";
import { podFunctions } from "./activities/pod.ts";
import { replicasetFunctions } from "./activities/replicaset.ts";
import { secretFunctions } from "./activities/secret.ts";
import { serviceFunctions } from "./activities/service.ts";
import { statefulsetFunctions } from "./activities/statefulset.ts";

const functions: readonly Chaosk8sFunction[] = [
  ...podFunctions,
  ...deploymentFunctions,
  ...nodeFunctions,
  ...statefulsetFunctions,
  ...serviceFunctions,
  ...replicasetFunctions,
  ...daemonsetFunctions,
  ...namespaceFunctions,
  ...secretFunctions,
  ...networkingFunctions,
  ...crdFunctions,
  ...eventFunctions,
  ...deprecatedFunctions,
];

const byName = new Map(
  functions.map((record) => [`${record.signature.module}.${record.signature.func}`, record]),
);

/** The record `module.func` names (an alias shares its source's implementation and resolver). */
export function chaosk8sFunctionOf(module: string, func: string): Chaosk8sFunction | undefined {
  return byName.get(`${module}.${func}`);
}

export const chaosk8sSource: NativeModuleSource = {
  signatures: functions.map((record) => record.signature),
  async load(module, func) {
    const record = chaosk8sFunctionOf(module, func);
    if (!record) throw new Error(`${module}.${func} is not a chaosk8s function chaos-action knows`);
    return record.run;
  },
};

/** The simulated Kubernetes cluster: an API server with controllers, in-process on 127.0.0.1. */
export { type ClusterSnapshot, diffSnapshots } from "./cluster-snapshot.ts";
export { demoManifests } from "./demo-manifests.ts";
export type { SimFaultEffect, SimFaultRule, SimFaultRuleHandle, SimRequestFacts } from "./fault-rules.ts";
export { loadManifestFiles, ManifestError } from "./manifests.ts";
export type { SimAuthMode, SimDenyRule, SimFault, SimOptions, SimTiming } from "./options.ts";
export type { OutageMode, SimOutage } from "./outage.ts";
export { type SimCluster, startSimCluster } from "./server.ts";

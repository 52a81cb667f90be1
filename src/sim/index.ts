/** The simulated Kubernetes cluster: an API server with controllers, in-process on 127.0.0.1. */
export { demoManifests } from "./demo-manifests.ts";
export { loadManifestFiles, ManifestError } from "./manifests.ts";
export type { SimAuthMode, SimDenyRule, SimFault, SimOptions, SimTiming } from "./options.ts";
export { type SimCluster, startSimCluster } from "./server.ts";

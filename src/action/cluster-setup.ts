// The cluster the action runs against, set up before the run: an existing one (the kubeconfig input,
// else what the runner's environment names), a kind cluster this action creates, or the simulated
// cluster; then the manifests applied and the workloads waited for. What the post step needs to undo
// it is saved in the action's state.
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import type { KubeConfig } from "@kubernetes/client-node";
import { errorMessage } from "../common/error-message.ts";
import type { ClusterRequest } from "../run/cluster-gate.ts";
import type { SecretRegistry } from "../run/secrets.ts";
import { ActionInputError, type ActionInputs } from "./inputs.ts";
import { info } from "./log.ts";

export const STATE_KIND = "kind-cluster";
export const STATE_KUBECONFIG = "kubeconfig-file";

export interface SetupContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the kubeconfig file for the post step is written (RUNNER_TEMP). */
  tempDir: string;
  /** The run's identity in file names, so two jobs on one self-hosted runner do not collide. */
  tag: string;
  signal: AbortSignal;
  /** The connection's credentials join it before anything about the connection is logged. */
  secrets: SecretRegistry;
  /** The runner's OS and CPU; default process.platform and process.arch. */
  platform?: string;
  arch?: string;
}

/** What a kind cluster this step created leaves for later steps. */
export interface KindClusterInfo {
  name: string;
  context: string;
  kubeconfigFile: string;
  /** The directory of the kind binary when it is not on PATH (the tool cache). */
  kindDirectory?: string;
}

async function writeKubeconfig(content: string, context: SetupContext): Promise<string> {
  const file = join(context.tempDir, `chaos-action-kubeconfig-${context.tag}`);
  await writeFile(file, content, { mode: 0o600 });
  core.saveState(STATE_KUBECONFIG, file);
  return file;
}

async function connectForSetup(cluster: ClusterRequest, context: SetupContext): Promise<KubeConfig> {
  const { resolveConnection, describeConnection } = await import("../kubernetes/connection.ts");
  const resolved = await resolveConnection({
    kubeconfig: cluster.kubeconfig,
    context: cluster.context,
    ...(cluster.kubeconfigLabel === undefined ? {} : { kubeconfigLabel: cluster.kubeconfigLabel }),
    env: context.env,
  });
  // Masked before the connection's line and warnings are printed.
  context.secrets.add(resolved.credentials);
  info(context.secrets.redact(describeConnection(resolved.source)));
  for (const warning of resolved.warnings) core.warning(context.secrets.redact(warning));
  return resolved.kc;
}

/** The kind config file: the user's, or the upgrade rehearsal's (an image per node), written to tempDir. */
async function kindConfigFile(inputs: ActionInputs, context: SetupContext): Promise<string | undefined> {
  if (inputs.upgradeFromImage && inputs.nodeImage) {
    const { kindConfigYaml, upgradeRehearsalNodes } = await import("../kubernetes/kind-config.ts");
    const content = kindConfigYaml(upgradeRehearsalNodes(inputs.upgradeFromImage, inputs.nodeImage));
    const file = join(context.tempDir, `chaos-action-kind-config-${context.tag}.yaml`);
    await writeFile(file, content);
    info(`Upgrade rehearsal cluster (kind config ${file}):\n${content.trimEnd()}`);
    return file;
  }
  const config = inputs.kindConfig ? resolve(context.cwd, inputs.kindConfig) : undefined;
  if (config && !existsSync(config)) {
    throw new ActionInputError([`kind-config: ${config} does not exist`]);
  }
  return config;
}

async function createKind(
  inputs: ActionInputs,
  context: SetupContext,
): Promise<{ cluster: ClusterRequest; kind: KindClusterInfo }> {
  const { unsupportedKindRunner } = await import("../kubernetes/kind-config.ts");
  const unsupported = unsupportedKindRunner(
    context.platform ?? process.platform,
    context.arch ?? process.arch,
  );
  if (unsupported) throw new ActionInputError([unsupported]);
  const config = await kindConfigFile(inputs, context);
  const kind = await import("../kubernetes/kind.ts");
  const toolCache = await import("@actions/tool-cache");
  const binary = await kind.findKind({
    version: inputs.kindVersion,
    toolCache,
    log: { info, warn: core.warning },
  });
  if (inputs.nodeImage && binary.source === "PATH") {
    core.warning(
      `node-image: kind from PATH (${binary.path}) is used; node images belong to the kind release that built them, so set kind-version to the release whose notes list ${inputs.nodeImage.reference}`,
    );
  }
  if (await kind.kindClusterExists(binary.path, inputs.clusterName)) {
    throw new Error(
      `cluster-name: a kind cluster named "${inputs.clusterName}" already exists on this runner; ` +
        "choose another cluster-name (this action deletes only clusters it created)",
    );
  }
  // Saved before creating: a cancel during creation still leaves the post step a cluster to delete.
  core.saveState(STATE_KIND, JSON.stringify({ kind: binary.path, name: inputs.clusterName }));
  const content = await core.group(`Creating kind cluster ${inputs.clusterName}`, () =>
    kind.createKindCluster({
      kind: binary.path,
      name: inputs.clusterName,
      config,
      // In a rehearsal the config gives each node its image; --image would override them all.
      ...(inputs.nodeImage && !inputs.upgradeFromImage ? { image: inputs.nodeImage.reference } : {}),
      log: { info, warn: core.warning },
      signal: context.signal,
    }),
  );
  const file = await writeKubeconfig(content, context);
  info(
    `Connecting with the kubeconfig of kind cluster ${inputs.clusterName}, kept in ${file} for the post step`,
  );
  const kubeContext = `kind-${inputs.clusterName}`;
  core.setOutput("kubeconfig", file);
  core.setOutput("cluster-name", inputs.clusterName);
  core.setOutput("context", kubeContext);
  return {
    cluster: {
      mode: "auto",
      kubeconfig: file,
      kubeconfigLabel: `the kubeconfig of kind cluster ${inputs.clusterName}`,
      context: kubeContext,
    },
    kind: {
      name: inputs.clusterName,
      context: kubeContext,
      kubeconfigFile: file,
      ...(binary.source === "PATH" ? {} : { kindDirectory: dirname(binary.path) }),
    },
  };
}

/**
 * boot-only: the cluster stays for the job's later steps. KUBECONFIG makes kubectl, helm and a later
 * `cluster: existing` step use it; KIND_CLUSTER_NAME makes `kind load docker-image` load into it;
 * kind joins PATH when it came from the tool cache. The post step of this step deletes it.
 */
export function exportForLaterSteps(kind: KindClusterInfo): void {
  core.exportVariable("KUBECONFIG", kind.kubeconfigFile);
  core.exportVariable("KIND_CLUSTER_NAME", kind.name);
  if (kind.kindDirectory) core.addPath(kind.kindDirectory);
  info(
    `Kind cluster ${kind.name} is up for the next steps: KUBECONFIG=${kind.kubeconfigFile} (context ${kind.context}), KIND_CLUSTER_NAME=${kind.name}. Gate in a later step with cluster: existing; this step's post step deletes the cluster.`,
  );
}

/**
 * Sets up the cluster the inputs name; returns how the run connects to it (never a secret) and, for
 * cluster: kind, what later steps need of the cluster.
 */
export async function setUpCluster(
  inputs: ActionInputs,
  context: SetupContext,
): Promise<{ cluster: ClusterRequest; kind?: KindClusterInfo }> {
  if (inputs.cluster === "sim") {
    if (inputs.waitFor.length > 0) {
      core.warning(
        "wait-for is ignored with cluster: sim; the simulated cluster starts its workloads itself",
      );
    }
    return {
      cluster: { mode: "sim", ...(inputs.manifests.length > 0 ? { simManifests: inputs.manifests } : {}) },
    };
  }
  let cluster: ClusterRequest;
  let kind: KindClusterInfo | undefined;
  if (inputs.cluster === "kind") ({ cluster, kind } = await createKind(inputs, context));
  else if (inputs.kubeconfig) {
    // A file, not the content: the post step needs the same cluster and state must hold no secret.
    const file = await writeKubeconfig(inputs.kubeconfig, context);
    info(`Connecting with the kubeconfig input, kept in ${file} for the post step`);
    cluster = {
      mode: "auto",
      kubeconfig: file,
      kubeconfigLabel: "the kubeconfig input",
      context: inputs.context,
    };
  } else cluster = { mode: "auto", context: inputs.context };

  const needsClient = inputs.cluster === "kind" || inputs.manifests.length > 0 || inputs.waitFor.length > 0;
  if (needsClient) {
    const apply = await import("../kubernetes/apply.ts");
    const kubeConfig = await connectForSetup(cluster, context);
    const wait = {
      timeoutSeconds: inputs.waitForTimeoutSeconds,
      log: { info },
      signal: context.signal,
    };
    if (inputs.cluster === "kind") await apply.waitForNodesReady(kubeConfig, wait);
    if (inputs.manifests.length > 0) {
      await core.group("Applying manifests", () =>
        apply.applyManifests(kubeConfig, inputs.manifests, { cwd: context.cwd, log: { info } }),
      );
    }
    if (inputs.waitFor.length > 0) {
      await core.group("Waiting for workloads", () =>
        apply.waitForWorkloads(kubeConfig, inputs.waitFor, wait),
      );
    }
  }
  return kind ? { cluster, kind } : { cluster };
}

/** The post step's half: delete the kind cluster this action created, and the kubeconfig file it wrote. */
export async function tearDownCluster(): Promise<void> {
  const kindState = core.getState(STATE_KIND);
  if (kindState) {
    try {
      const { kind, name } = JSON.parse(kindState) as { kind: string; name: string };
      const { deleteKindCluster } = await import("../kubernetes/kind.ts");
      await deleteKindCluster(kind, name, { info, warn: core.warning });
      info(`Deleted kind cluster ${name}`);
    } catch (error) {
      core.warning(`Could not delete the kind cluster: ${errorMessage(error, { whole: true })}`);
    }
  }
  const kubeconfigFile = core.getState(STATE_KUBECONFIG);
  if (kubeconfigFile) await rm(kubeconfigFile, { force: true });
}

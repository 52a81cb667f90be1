// Loading manifests: multi-document YAML, parsed objects, files and directories, clear errors.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoManifests, loadManifestFiles, ManifestError, startSimCluster } from "../../src/sim/index.ts";
import { parseManifests } from "../../src/sim/manifests.ts";
import { fastTiming } from "./sim-client.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sim-manifests-"));
  await mkdir(join(dir, "apps"));
  await writeFile(join(dir, "apps", "b.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  await writeFile(
    join(dir, "apps", "a.yml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n",
  );
  await writeFile(join(dir, "apps", "notes.txt"), "not a manifest");
  await writeFile(join(dir, "broken.yaml"), "apiVersion: v1\nkind: [\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("manifests", () => {
  it("the demo app is a 3-replica web Deployment, its Service and a PodDisruptionBudget", () => {
    expect(parseManifests(demoManifests).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Deployment/web",
      "Service/web",
      "PodDisruptionBudget/web",
    ]);
  });

  it("loads directories (sorted, YAML only) into one multi-document text", async () => {
    const text = await loadManifestFiles([join(dir, "apps")]);
    expect(parseManifests(text).map((m) => m.metadata.name)).toEqual(["a", "s", "b"]);
  });

  it("names the file and the problem when a manifest is broken or missing", async () => {
    await expect(loadManifestFiles([join(dir, "broken.yaml")])).rejects.toThrow(ManifestError);
    await expect(loadManifestFiles([join(dir, "broken.yaml")])).rejects.toThrow(/broken\.yaml: invalid YAML/);
    await expect(loadManifestFiles([join(dir, "absent.yaml")])).rejects.toThrow(
      /absent\.yaml does not exist/,
    );
    expect(() => parseManifests("kind: Pod\nmetadata: {name: x}\n")).toThrow(/needs apiVersion and kind/);
  });

  it("starts a cluster from loaded files and applies more later; namespaces are created as needed", async () => {
    const sim = await startSimCluster({
      manifests: await loadManifestFiles([join(dir, "apps")]),
      timing: fastTiming,
    });
    try {
      expect(sim.get("Secret", "default", "s")).toMatchObject({ type: "Opaque", data: { k: "dg==" } });
      await sim.apply([
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", namespace: "team" }, data: {} },
      ]);
      expect(sim.get("Namespace", undefined, "team")).toBeDefined();
      expect(sim.get("ConfigMap", "team", "late")).toBeDefined();
      await sim.apply([
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "late", namespace: "team" },
          data: { x: "1" },
        },
      ]);
      expect(sim.get("ConfigMap", "team", "late")).toMatchObject({ data: { x: "1" } });
      await expect(
        sim.apply([
          { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "bad" }, spec: { template: {} } },
        ]),
      ).rejects.toThrow(/Deployment default\/bad: .*spec.selector: Required value/);
    } finally {
      await sim.close();
    }
  });
});

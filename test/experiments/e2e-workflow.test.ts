// The kind workflow cannot run here; this reads it as GitHub would and checks that each gating step
// names files that exist, and that the library's steps deploy what their experiments need: the
// namespace they are pointed at, a Service `web` with port `http`, a Deployment `web`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const root = join(import.meta.dirname, "..", "..");

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}

const workflow = parse(readFileSync(join(root, ".github", "workflows", "e2e.yml"), "utf8")) as {
  jobs: Record<string, { steps: Step[] }>;
};
const gates = Object.values(workflow.jobs)
  .flatMap((job) => job.steps)
  .filter((step) => step.uses === "./");
const lines = (value: string | undefined) =>
  (value ?? "")
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** Every object of the manifests of a step (files or directories). */
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    ports?: Array<{ name?: string }>;
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

function manifestObjects(paths: string[]): Manifest[] {
  return paths.flatMap((path) => {
    const full = join(root, path);
    const files = path.endsWith("/") ? readdirSync(full).map((name) => join(full, name)) : [full];
    return files.flatMap((file) =>
      parseAllDocuments(readFileSync(file, "utf8")).map((doc) => doc.toJS() as Manifest),
    );
  });
}

describe("the kind workflow", () => {
  it("names experiments and manifests that exist", () => {
    expect(gates.length).toBeGreaterThan(0);
    for (const step of gates) {
      for (const path of [...lines(step.with?.experiments), ...lines(step.with?.manifests)]) {
        expect(existsSync(join(root, path)), `${step.id}: ${path}`).toBe(true);
      }
    }
  });

  it("deploys what the library's experiments need, in the namespace they are pointed at", () => {
    const library = gates.filter((step) =>
      lines(step.with?.experiments).some((path) => path.startsWith("experiments/")),
    );
    const manifests = manifestObjects(gates.flatMap((step) => lines(step.with?.manifests)));
    const underLoad = library
      .flatMap((step) => lines(step.with?.experiments))
      .filter((path) => path.includes("under-load"));
    expect(underLoad.length).toBeGreaterThanOrEqual(4);
    for (const step of library.filter((s) =>
      lines(s.with?.experiments).some((path) => path.includes("under-load")),
    )) {
      const namespace = /^namespace=(.+)$/m.exec(step.with?.vars ?? "")?.[1];
      expect(namespace, step.id).toBeDefined();
      expect(lines(step.with?.namespaces), step.id).toEqual([namespace]);
      const service = manifests.find(
        (object) =>
          object.kind === "Service" &&
          object.metadata.name === "web" &&
          object.metadata.namespace === namespace,
      );
      expect(
        service?.spec?.ports?.map((port) => port.name),
        step.id,
      ).toContain("http");
      const deployment = manifests.find(
        (object) =>
          object.kind === "Deployment" &&
          object.metadata.name === "web" &&
          object.metadata.namespace === namespace,
      );
      expect(deployment?.spec?.replicas, step.id).toBe(3);
      expect(deployment?.spec?.template?.metadata?.labels).toEqual({ app: "web" });
    }
  });
});

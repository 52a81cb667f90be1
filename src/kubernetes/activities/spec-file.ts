// Manifests given as `spec_path`: JSON or YAML by extension, relative to the experiment's directory.
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { ActivityFailed } from "./activity-failed.ts";

export async function readSpecFile(
  specPath: string,
  experimentDir: string,
): Promise<Record<string, unknown>> {
  const path = resolve(experimentDir, specPath);
  const extension = extname(path).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(extension)) {
    throw new ActivityFailed(`cannot process ${specPath}: a spec file must end in .json, .yaml or .yml`);
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ActivityFailed(
      `cannot read spec file ${path}${code === "ENOENT" ? ": no such file" : `: ${(error as Error).message}`}`,
    );
  }
  let value: unknown;
  try {
    value = extension === ".json" ? JSON.parse(text) : (await import("yaml")).parse(text);
  } catch (error) {
    throw new ActivityFailed(
      `spec file ${path} is not valid ${extension === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ActivityFailed(
      `spec file ${path} must hold one Kubernetes object (a mapping), not ${Array.isArray(value) ? "a list" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

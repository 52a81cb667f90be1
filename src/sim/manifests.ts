import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/** A manifest file or document the simulator cannot load: says which and why. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
};

/** Objects from multi-document YAML (or JSON) text; `List` kinds are flattened. */
export function parseManifests(source: string | object[], origin = "manifests"): Manifest[] {
  const raw: unknown[] = [];
  if (typeof source === "string") {
    for (const doc of parseAllDocuments(source)) {
      if (doc.errors.length > 0)
        throw new ManifestError(`${origin}: invalid YAML: ${doc.errors[0]!.message}`);
      const value = doc.toJS() as unknown;
      if (value !== null && value !== undefined) raw.push(value);
    }
  } else {
    raw.push(...source);
  }
  const out: Manifest[] = [];
  const visit = (value: unknown, index: number) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ManifestError(`${origin}: document ${index + 1} is not an object`);
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      for (const item of obj.items) visit(item, index);
      return;
    }
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
      throw new ManifestError(`${origin}: document ${index + 1} needs apiVersion and kind`);
    }
    const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
    if (typeof metadata.name !== "string" && typeof metadata.generateName !== "string") {
      throw new ManifestError(`${origin}: document ${index + 1} (${obj.kind}) needs metadata.name`);
    }
    out.push(obj as Manifest);
  };
  raw.forEach(visit);
  return out;
}

async function collect(path: string, into: string[]): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestError(`manifest path ${path} does not exist`);
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path)).sort();
    for (const entry of entries) {
      if (/\.(ya?ml|json)$/i.test(entry)) await collect(join(path, entry), into);
    }
    return;
  }
  const text = await readFile(path, "utf8");
  parseManifests(text, path);
  into.push(text);
}

/** Reads YAML/JSON manifest files and directories (their *.yaml, *.yml, *.json files, sorted) into one multi-document text. */
export async function loadManifestFiles(paths: string[]): Promise<string> {
  const texts: string[] = [];
  for (const p of paths) await collect(p, texts);
  return texts.map((t) => t.replace(/^---\s*\n/, "")).join("\n---\n");
}

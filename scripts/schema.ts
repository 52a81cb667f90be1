// Writes schema/experiment.schema.json from src/experiment/format.ts: `node scripts/schema.ts`.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderExperimentJsonSchema } from "../src/experiment/schema.ts";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", "schema", "experiment.schema.json");
await mkdir(dirname(target), { recursive: true });
await writeFile(target, renderExperimentJsonSchema());
console.log(`wrote ${target}`);

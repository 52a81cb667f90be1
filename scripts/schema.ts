// Writes schema/experiment.schema.json from src/experiment/format.ts and the native functions of the
// registry (module and function names for completion): `node scripts/schema.ts`.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderExperimentJsonSchema } from "../src/experiment/schema.ts";
import { defaultRegistry } from "../src/run/prepare.ts";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", "schema", "experiment.schema.json");
await mkdir(dirname(target), { recursive: true });
await writeFile(target, renderExperimentJsonSchema(defaultRegistry().allSignatures()));
console.log(`wrote ${target}`);

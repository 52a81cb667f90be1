// Writes schema/experiment.schema.json from src/experiment/format.ts and the native functions of the
// registry (module and function names for completion), and src/experiment/format-shapes.json, the
// same format compiled for validation (see src/experiment/shapes.ts): `node scripts/schema.ts`.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderExperimentJsonSchema } from "../src/experiment/schema.ts";
import { compileShapes, renderShapeTable } from "../src/experiment/shapes-compile.ts";
import { defaultRegistry } from "../src/run/prepare.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "schema", "experiment.schema.json");
await mkdir(dirname(target), { recursive: true });
await writeFile(target, renderExperimentJsonSchema(defaultRegistry().allSignatures()));
console.log(`wrote ${target}`);
const shapes = join(root, "src", "experiment", "format-shapes.json");
await writeFile(shapes, renderShapeTable(compileShapes().table));
console.log(`wrote ${shapes}`);

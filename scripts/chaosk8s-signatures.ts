// Writes src/kubernetes/chaosk8s-signatures.json from the chaosk8s catalog: the signatures validation
// reads, without loading the activities that implement them. Run after changing a family module's
// signature: `node scripts/chaosk8s-signatures.ts` (test/kubernetes/activities/signature-table.test.ts
// fails while the table is stale); `npm run signatures` does the same.
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chaosk8sSource } from "../src/kubernetes/catalog.ts";

const target = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "src",
  "kubernetes",
  "chaosk8s-signatures.json",
);
await writeFile(target, `${JSON.stringify(chaosk8sSource.signatures, null, 2)}\n`);
console.log(`wrote ${target}: ${chaosk8sSource.signatures.length} signatures`);

// Validation and `--help` reach the catalog and every activity family; none of them may load
// @kubernetes/client-node (~0.1 s) until an activity talks to a cluster. Checked in a fresh Node
// process whose resolve hook records every module of the client that gets imported.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

/** Imports the files (and then runs `after`) in a fresh process; the client-node modules it resolved. */
function clientModulesLoaded(files: string[], after = ""): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        if (resolved.url.includes("/@kubernetes/client-node/")) loaded.push(resolved.url);
        return resolved;
      },
    });
    const modules = [];
    for (const file of ${JSON.stringify(files)}) modules.push(await import(new URL(file, ${JSON.stringify(root.href)}).href));
    ${after}
    console.log(JSON.stringify(loaded));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1) ?? "[]") as string[];
}

describe("the cluster client is loaded on first use only", () => {
  it("importing the catalog, the target resolution, the undo and every activity module loads none of it", () => {
    const activities = readdirSync(new URL("src/kubernetes/activities/", root))
      .filter((file) => file.endsWith(".ts"))
      .map((file) => `src/kubernetes/activities/${file}`);
    const files = [
      "src/kubernetes/catalog.ts",
      "src/kubernetes/targets.ts",
      "src/kubernetes/undo.ts",
      ...activities,
    ];
    expect(clientModulesLoaded(files)).toEqual([]);
  });

  it("is seen when it does get loaded (the check can fail)", () => {
    const loaded = clientModulesLoaded(
      ["src/kubernetes/cluster-client.ts"],
      "await modules[0].clientNode();",
    );
    expect(loaded.length).toBeGreaterThan(0);
  });
});

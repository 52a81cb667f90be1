// Start-up loads only what the command needs: `--help` and a bad flag load the argument parser and
// the help text alone; validating a JSON experiment loads no YAML parser, a plain YAML one not the
// `yaml` package, and an experiment without chaosk8s functions loads no activity. Checked in a fresh
// Node process whose resolve hook records every module imported.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);

/** Runs the CLI with `argv` in a fresh process; the modules it resolved, relative to the repository. */
function modulesLoadedBy(argv: string[]): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        loaded.push(resolved.url);
        return resolved;
      },
    });
    const { main } = await import(new URL("src/cli/main.ts", ${JSON.stringify(root.href)}).href);
    const quiet = () => {};
    await main(${JSON.stringify(argv)}, {
      stdout: quiet, stderr: quiet, cwd: ${JSON.stringify(new URL(".", root).pathname)}, env: {},
      onSignal: () => () => {},
    });
    console.log(JSON.stringify(loaded));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 30_000,
  });
  const urls = JSON.parse(output.trim().split("\n").at(-1) ?? "[]") as string[];
  // Packages by their path from node_modules/ on (node_modules may be a link elsewhere).
  const files = urls
    .filter((url) => url.startsWith("file:"))
    .map((url) =>
      url.includes("/node_modules/") ? url.replace(/^.*?\/node_modules\//, "node_modules/") : url,
    )
    .map((url) => (url.startsWith(root.href) ? url.slice(root.href.length) : url));
  return [...new Set(files)];
}

const packageModules = (loaded: string[], name: string) =>
  loaded.filter((file) => file.includes(`node_modules/${name}/`));

describe("start-up loads only what the command needs", () => {
  it("--help, a command's --help and a bad flag load the argument parser and the help text alone", () => {
    // The parser, the usage text, and what checking a flag's value needs (option choices, the webhook
    // URL's shape, whose module reads which verdicts notify), and what keeps printed lines from being read
    // as workflow commands: nothing of the pipeline, the cluster, the report or the experiment format.
    const parser = [
      "package.json",
      "src/cli/args.ts",
      "src/cli/main.ts",
      "src/cli/output.ts",
      "src/cli/suggest.ts",
      "src/cli/terminal.ts",
      "src/common/workflow-commands.ts",
      "src/experiment/strategies.ts",
      "src/run/options.ts",
      "src/run/verdict.ts",
      "src/run/webhook.ts",
    ];
    for (const argv of [["--help"], ["validate", "--help"], ["--no-such-flag"]]) {
      expect(modulesLoadedBy(argv).sort()).toEqual(parser);
    }
  });

  it("validating a JSON experiment loads neither the YAML parser nor any chaosk8s activity", () => {
    const loaded = modulesLoadedBy(["validate", "test/fixtures/valid/process-and-http.json"]);
    expect(loaded).toContain("src/experiment/validate.ts");
    expect(packageModules(loaded, "yaml")).toEqual([]);
    expect(packageModules(loaded, "js-yaml")).toEqual([]);
    expect(loaded.filter((file) => file.startsWith("src/kubernetes/activities/"))).toEqual([]);
    expect(loaded).not.toContain("src/kubernetes/catalog.ts");
    expect(loaded).not.toContain("src/report/markdown.ts");
  });

  it("sees them when they do load (the checks can fail): a YAML experiment, a chaosk8s run", () => {
    const loaded = modulesLoadedBy(["validate", "experiments/terminate-pod.yaml"]);
    expect(packageModules(loaded, "js-yaml").length).toBeGreaterThan(0);
    // Plain YAML: js-yaml reads it, without the yaml package.
    expect(packageModules(loaded, "yaml")).toEqual([]);
    expect(loaded).not.toContain("src/kubernetes/catalog.ts");
  });

  it("loads the yaml package only for a file js-yaml does not read (the check can fail)", () => {
    const broken = modulesLoadedBy(["validate", "test/fixtures/invalid/yaml-syntax-error.yaml"]);
    expect(packageModules(broken, "js-yaml").length).toBeGreaterThan(0);
    expect(packageModules(broken, "yaml").length).toBeGreaterThan(0);
  });
});

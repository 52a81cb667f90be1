import type { ResolveFnOutput, ResolveHookContext } from "node:module";
import { describe, expect, it } from "vitest";
import { bundleResolution } from "../../src/cli/bundle-resolution.ts";

const BUNDLE = "file:///opt/chaos-action/dist/";
const context = (parentURL?: string): ResolveHookContext => ({
  conditions: ["node", "import"],
  importAttributes: {},
  parentURL,
});
const NODE_ANSWER: ResolveFnOutput = { url: "node:answered" };

/** The hook's answer, and the specifiers it left to Node. */
function resolve(specifier: string, parentURL?: string) {
  const passed: string[] = [];
  const answer = bundleResolution(BUNDLE)(specifier, context(parentURL), (next) => {
    passed.push(next);
    return NODE_ANSWER;
  });
  return { answer, passed };
}

describe("the CLI's resolution of its own files", () => {
  it("answers a relative .js import made inside the bundle: the file beside it, an ES module", () => {
    expect(resolve("./chunks/chunk-ab12.js", `${BUNDLE}cli-main.js`)).toEqual({
      answer: { url: `${BUNDLE}chunks/chunk-ab12.js`, format: "module", shortCircuit: true },
      passed: [],
    });
    expect(resolve("./chunk-cd34.js", `${BUNDLE}chunks/commands-ef56.js`).answer.url).toBe(
      `${BUNDLE}chunks/chunk-cd34.js`,
    );
  });

  it("leaves every other import to Node: its modules, packages, other files, imports from outside", () => {
    const leftToNode: Array<[string, string | undefined]> = [
      ["node:fs", `${BUNDLE}cli-main.js`],
      ["yaml", `${BUNDLE}cli-main.js`],
      ["../elsewhere.js", `${BUNDLE}chunks/x.js`],
      ["./data.json", `${BUNDLE}cli-main.js`],
      ["./chunk-ab12.js", "file:///opt/chaos-action/dist-other/cli.js"],
      ["./user-loader.js", "file:///home/user/project/loader.js"],
      ["./cli.js", undefined],
    ];
    for (const [specifier, parent] of leftToNode) {
      expect(resolve(specifier, parent), specifier).toEqual({ answer: NODE_ANSWER, passed: [specifier] });
    }
  });
});

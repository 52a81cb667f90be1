// action.yml is the action's contract: every input the code reads is declared there (and nothing
// else), the defaults are the real ones, and the README's tables say the same.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_NAMES, parseActionInputs, readRawInputs } from "../../src/action/inputs.ts";

const root = join(import.meta.dirname, "..", "..");

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post: string };
}

const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as ActionYml;
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The rows of the README table under `### <heading>` in the action's section: name → cells. */
function readmeTable(heading: string): Map<string, string[]> {
  const section = readme.slice(readme.indexOf("## The GitHub Action"), readme.indexOf("## CLI reference"));
  const start = section.indexOf(`### ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of section.slice(start).split("\n").slice(1)) {
    if (line.startsWith("### ")) break;
    const match = /^\| `([a-z-]+)` \|(.*)\|$/.exec(line);
    if (match?.[1])
      rows.set(
        match[1],
        (match[2] ?? "").split(" | ").map((cell) => cell.trim()),
      );
  }
  return rows;
}

const OUTPUTS = [
  "verdict",
  "experiments",
  "deviated",
  "failed",
  "journal-path",
  "junit-path",
  "report",
  "comment-url",
  "artifact-id",
  "artifact-url",
  "kubeconfig",
  "cluster-name",
  "context",
];

describe("action.yml", () => {
  it("declares exactly the inputs the action reads, each with a one-line description", () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/^[^\n]+$/);
    }
  });

  it("gives defaults that are the ones the code applies when an input is empty", () => {
    const declared = (name: string) => action.inputs[name]?.default ?? "";
    const withDefaults = parseActionInputs(readRawInputs(declared));
    const withoutAny = parseActionInputs(readRawInputs(() => ""));
    expect({ ...withDefaults, githubToken: "" }).toEqual(withoutAny);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, not a template
    expect(declared("github-token")).toBe("${{ github.token }}");
  });

  it("declares every output the action sets", () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS);
  });

  it("runs main and post on node24", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js", post: "dist/post.js" });
  });
});

describe("the README's action tables", () => {
  it("list every input once, with action.yml's default", () => {
    const inputs = readmeTable("Inputs");
    expect([...inputs.keys()]).toEqual([...INPUT_NAMES]);
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.default !== undefined) expect(inputs.get(name)?.[0], name).toBe(`\`${input.default}\``);
    }
  });

  it("list every output once", () => {
    expect([...readmeTable("Outputs").keys()]).toEqual(OUTPUTS);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { experimentJsonSchema, renderExperimentJsonSchema } from "../../src/experiment/schema.ts";
import { defaultRegistry } from "../../src/run/prepare.ts";

const root = join(import.meta.dirname, "..", "..");
const checkedIn = join(root, "schema", "experiment.schema.json");
const signatures = defaultRegistry().allSignatures();

interface FunctionChoice {
  if: { properties: { module: { const: string } } };
  then: { properties: { func: { enum: string[]; markdownEnumDescriptions: string[] } } };
}
interface NativeFunctionDef {
  properties: { module: { enum: string[] } };
  allOf: FunctionChoice[];
}

/** What an editor checks of a python provider: its module and func against the schema's enums. */
function nativeFunctionProblem(def: NativeFunctionDef, module: unknown, func: unknown): string | undefined {
  if (!def.properties.module.enum.includes(module as string)) return `module ${String(module)} not offered`;
  const choice = def.allOf.find((c) => c.if.properties.module.const === module);
  if (!choice?.then.properties.func.enum.includes(func as string)) return `func ${String(func)} not offered`;
  return undefined;
}

/** Every `provider` of `type: python` with a `func` in a parsed experiment. */
function pythonProviders(node: unknown): Array<{ module: unknown; func: unknown }> {
  if (Array.isArray(node)) return node.flatMap(pythonProviders);
  if (typeof node !== "object" || node === null) return [];
  const record = node as Record<string, unknown>;
  const own =
    record.type === "python" && "func" in record ? [{ module: record.module, func: record.func }] : [];
  return [...own, ...Object.values(record).flatMap(pythonProviders)];
}

describe("experiment JSON Schema", () => {
  it("is the checked-in schema/experiment.schema.json (run `npm run schema` after changing format.ts)", () => {
    expect(readFileSync(checkedIn, "utf8")).toBe(renderExperimentJsonSchema(signatures));
  });

  it("is draft 2020-12 with a title, descriptions and the required keys", () => {
    const schema = experimentJsonSchema(signatures) as {
      $schema: string;
      title: string;
      description: string;
      required: string[];
      properties: Record<string, { description?: string }>;
      $defs: Record<string, unknown>;
    };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("Chaos Toolkit experiment (as run by chaos-action)");
    expect(schema.description).toBeTruthy();
    expect(schema.required).toEqual(["title", "description", "method"]);
    expect(schema.properties.method?.description).toBeTruthy();
    expect(Object.keys(schema.$defs)).toContain("Tolerance");
  });

  it("has an $id where the v1 tag publishes it, in the repository package.json names", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as {
      repository?: string | { url: string };
    };
    const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const repository = url?.match(/github\.com[/:]([^/]+\/[^/.]+)/)?.[1] ?? "chaos-action/chaos-action";
    expect(experimentJsonSchema(signatures).$id).toBe(
      `https://raw.githubusercontent.com/${repository}/v1/schema/experiment.schema.json`,
    );
  });

  it("declares chaos-action's own activity settings, so editors accept them", () => {
    const text = renderExperimentJsonSchema(signatures);
    expect(text).toContain('"chaos_action"');
    expect(text).toContain('"allow_no_target"');
  });

  it("is deterministic", () => {
    expect(renderExperimentJsonSchema(signatures)).toBe(renderExperimentJsonSchema(signatures));
  });

  describe("python providers offer the native modules and functions (completion in editors)", () => {
    const schema = experimentJsonSchema(signatures) as { $defs: { NativeFunction: NativeFunctionDef } };
    const def = schema.$defs.NativeFunction;

    it("lists every function of the catalog under its module, with its summary", () => {
      expect(signatures.length).toBeGreaterThan(50);
      for (const signature of signatures) {
        expect(nativeFunctionProblem(def, signature.module, signature.func), signature.func).toBeUndefined();
      }
      const modules = def.properties.module.enum;
      expect(modules).toEqual(expect.arrayContaining(["chaosk8s.pod.actions", "os", "os.path"]));
      expect(def.allOf.map((choice) => choice.if.properties.module.const)).toEqual(modules);
      const pods = def.allOf.find((choice) => choice.if.properties.module.const === "chaosk8s.pod.actions");
      const { enum: names, markdownEnumDescriptions } = pods?.then.properties.func ?? {};
      expect(names).toContain("terminate_pods");
      expect(markdownEnumDescriptions).toHaveLength(names?.length ?? -1);
      expect(markdownEnumDescriptions?.[names?.indexOf("terminate_pods") ?? -1]).toMatch(/^action: /);
    });

    it("refers every python provider of the schema to it, and offers nothing else", () => {
      const text = JSON.stringify(schema);
      // Hypothesis probes, method, rollbacks and probes nested in a tolerance.
      expect(text.split('"$ref":"#/$defs/NativeFunction"')).toHaveLength(5);
      expect(nativeFunctionProblem(def, "chaosk8s.pod.actions", "terminate_pod")).toMatch(/not offered/);
      expect(nativeFunctionProblem(def, "chaosk8s.nope", "terminate_pods")).toMatch(/not offered/);
    });

    it("accepts the python providers of every shipped experiment", () => {
      const files = readdirSync(join(root, "experiments")).filter((name) => name.endsWith(".yaml"));
      const providers = files.flatMap((name) =>
        pythonProviders(parse(readFileSync(join(root, "experiments", name), "utf8"))),
      );
      expect(providers.length).toBeGreaterThan(0);
      for (const { module, func } of providers)
        expect(nativeFunctionProblem(def, module, func)).toBeUndefined();
    });
  });
});

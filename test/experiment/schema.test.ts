import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentJsonSchema, renderExperimentJsonSchema } from "../../src/experiment/schema.ts";

const checkedIn = join(import.meta.dirname, "..", "..", "schema", "experiment.schema.json");

describe("experiment JSON Schema", () => {
  it("is the checked-in schema/experiment.schema.json (run `npm run schema` after changing format.ts)", () => {
    expect(readFileSync(checkedIn, "utf8")).toBe(renderExperimentJsonSchema());
  });

  it("is draft 2020-12 with a title, descriptions and the required keys", () => {
    const schema = experimentJsonSchema() as {
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
    expect(experimentJsonSchema().$id).toBe(
      `https://raw.githubusercontent.com/${repository}/v1/schema/experiment.schema.json`,
    );
  });

  it("declares chaos-action's own activity settings, so editors accept them", () => {
    const text = renderExperimentJsonSchema();
    expect(text).toContain('"chaos_action"');
    expect(text).toContain('"allow_no_target"');
  });

  it("is deterministic", () => {
    expect(renderExperimentJsonSchema()).toBe(renderExperimentJsonSchema());
  });
});

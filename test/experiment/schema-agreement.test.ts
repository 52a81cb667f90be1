// The JSON Schema and validation agree on every fixture: what validation accepts, the schema
// accepts; what it refuses for its structure, the schema refuses too. What the schema cannot see
// (the environment, references, the native catalog, regex and JSONPath syntax) is listed below.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExperimentLoadError } from "../../src/experiment/errors.ts";
import { experimentFormatOf, parseExperimentText } from "../../src/experiment/load.ts";
import { experimentJsonSchema } from "../../src/experiment/schema.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";
import { acceptsJson } from "./json-schema-subset.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const schema = experimentJsonSchema(fakeSignatures);

/** Invalid fixtures whose problem is beyond a JSON Schema, and why. */
const beyondTheSchema: Record<string, string> = {
  "configuration-dynamic-probe.yaml": "configuration values are free-form: any value may be a literal",
  "configuration-env-missing.yaml": "the environment",
  "configuration-env-not-an-int.yaml": "the environment",
  "configuration-env-unknown-type.yaml": "configuration values are free-form: any value may be a literal",
  "configuration-env-without-key.yaml": "configuration values are free-form: any value may be a literal",
  "control-unknown-ref.yaml": "a reference",
  "jsonpath-empty.yaml": "a blank JSONPath (Chaos Toolkit strips it first)",
  "jsonpath-invalid.yaml": "JSONPath syntax",
  "method-ref-unknown.yaml": "a reference",
  "process-not-on-path.yaml": "the executables on PATH",
  "python-argument-types.yaml": "the native catalog's signatures",
  "python-missing-argument.yaml": "the native catalog's signatures",
  "python-unknown-argument.yaml": "the native catalog's signatures",
  "regex-invalid.yaml": "Python regular expression syntax",
  "rollback-ref-unknown.yaml": "a reference",
  "secret-env-missing.yaml": "the environment",
  "secret-vault.yaml": "secret values are free-form: Vault is refused as unsupported",
};

function load(dir: string, name: string): unknown {
  try {
    return parseExperimentText(
      readFileSync(join(fixtures, dir, name), "utf8"),
      name,
      experimentFormatOf(name)!,
    ).data;
  } catch (error) {
    if (error instanceof ExperimentLoadError) return undefined; // not JSON or YAML: nothing to compare
    throw error;
  }
}

async function validates(data: unknown, name: string): Promise<boolean> {
  return (
    await validateExperiment(
      { data },
      { file: name, signatures: fakeSignatures, findExecutable: fakeFindExecutable, env: fakeEnv },
    )
  ).valid;
}

const experiments = (dir: string) =>
  readdirSync(join(fixtures, dir))
    .filter((name) => experimentFormatOf(name) !== undefined)
    .sort();

describe("the JSON Schema agrees with validation", () => {
  it.each(experiments("valid"))("accepts valid/%s", async (name) => {
    const data = load("valid", name);
    expect(await validates(data, name)).toBe(true);
    expect(acceptsJson(schema, data)).toBe(true);
  });

  it.each(experiments("invalid"))("invalid/%s", async (name) => {
    const data = load("invalid", name);
    if (data === undefined) return;
    expect(await validates(data, name)).toBe(false);
    expect(acceptsJson(schema, data)).toBe(name in beyondTheSchema);
  });

  it("lists only fixtures that exist", async () => {
    for (const name of Object.keys(beyondTheSchema)) expect(experiments("invalid")).toContain(name);
  });
});

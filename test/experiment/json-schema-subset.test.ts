// biome-ignore-all lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here, not a thenable.
// The test-only JSON Schema check: the keywords it knows behave as draft 2020-12 says.
import { describe, expect, it } from "vitest";
import { acceptsJson } from "./json-schema-subset.ts";

describe("json-schema-subset", () => {
  const schema = {
    $defs: { Name: { type: "string", minLength: 1, pattern: "^[a-z]+$" } },
    type: "object",
    required: ["name"],
    properties: {
      name: { $ref: "#/$defs/Name" },
      retries: { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] },
      pair: {
        type: "array",
        prefixItems: [{ type: "number" }, { type: "number" }],
        minItems: 2,
        maxItems: 2,
      },
      kind: { enum: ["a", "b"] },
    },
    additionalProperties: { type: "boolean" },
    allOf: [
      { if: { properties: { kind: { const: "a" } }, required: ["kind"] }, then: { required: ["pair"] } },
    ],
  };

  it("accepts and refuses as the keywords say", () => {
    expect(acceptsJson(schema, { name: "x", retries: null, extra: true })).toBe(true);
    expect(acceptsJson(schema, { name: "x", kind: "a", pair: [1, 2] })).toBe(true);
    expect(acceptsJson(schema, { name: "" })).toBe(false);
    expect(acceptsJson(schema, { name: "X" })).toBe(false);
    expect(acceptsJson(schema, { name: "x", retries: 1.5 })).toBe(false);
    expect(acceptsJson(schema, { name: "x", extra: 1 })).toBe(false);
    expect(acceptsJson(schema, { name: "x", kind: "a" })).toBe(false);
    expect(acceptsJson(schema, { name: "x", kind: "c" })).toBe(false);
    expect(acceptsJson(schema, { name: "x", kind: "b", pair: [1] })).toBe(false);
    expect(acceptsJson(schema, { retries: 0 })).toBe(false);
  });

  it("throws on a keyword it does not know, rather than ignoring it", () => {
    expect(() => acceptsJson({ dependentRequired: { a: ["b"] } }, {})).toThrow(
      /unsupported keyword dependentRequired/,
    );
  });
});

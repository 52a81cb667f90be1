// An explicit null on every optional key of the format: what Chaos Toolkit does with it (read in
// chaostoolkit-lib and the chaostoolkit CLI), what validation decides, and that the JSON Schema agrees.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { formatIssue } from "../../src/experiment/errors.ts";
import * as format from "../../src/experiment/format.ts";
import { experimentJsonSchema } from "../../src/experiment/schema.ts";
import { validateExperiment } from "../../src/experiment/validate.ts";
import { fakeEnv, fakeFindExecutable, fakeSignatures } from "./fakes.ts";
import { acceptsJson } from "./json-schema-subset.ts";

type Json = Record<string, unknown>;
type Decision =
  | "not given" // read with .get() and a falsy or None test: as if absent
  | "refused" // Chaos Toolkit crashes (validation or run) or aborts the run: we refuse the file
  | "a value, refused" // Chaos Toolkit's own check refuses null (background must be a boolean)
  | "a value, accepted" // null is a meaningful value (a default of null, expect: null)
  | { means: unknown }; // Chaos Toolkit reads null as this value

const process = () => ({ type: "process", path: "echo" });
const base = (): Json => ({
  title: "t",
  description: "d",
  "steady-state-hypothesis": {
    title: "h",
    probes: [{ type: "probe", name: "p", provider: process(), tolerance: 0 }],
  },
  method: [{ type: "action", name: "a", provider: process() }],
  rollbacks: [{ type: "action", name: "r", provider: process() }],
});
type Place = { schema: z.ZodObject; at: (e: Json) => Json };
const ssh = (e: Json) => e["steady-state-hypothesis"] as Json;
const probe = (e: Json) => (ssh(e).probes as Json[])[0]!;
const action = (e: Json) => (e.method as Json[])[0]!;
const set = (parent: Json, key: string, value: Json): Json => {
  parent[key] = value;
  return value;
};

/** Each mapping of the format, and where to put it in a valid experiment. */
const places: Record<string, Place> = {
  experiment: { schema: format.Experiment, at: (e) => e },
  "steady-state-hypothesis": { schema: format.SteadyStateHypothesis, at: ssh },
  "method activity": { schema: format.ActivityDefinition, at: action },
  "hypothesis probe": { schema: format.HypothesisProbe.options[1] as z.ZodObject, at: probe },
  "rollback activity": { schema: format.ActivityDefinition, at: (e) => (e.rollbacks as Json[])[0]! },
  pauses: { schema: format.Pauses, at: (e) => set(action(e), "pauses", { before: 1 }) },
  "python provider": {
    schema: format.PythonProvider,
    at: (e) =>
      set(action(e), "provider", { type: "python", module: "chaosfake.actions", func: "restore_things" }),
  },
  "process provider": { schema: format.ProcessProvider, at: (e) => action(e).provider as Json },
  "http provider": {
    schema: format.HttpProvider,
    at: (e) => set(probe(e), "provider", { type: "http", url: "http://app" }),
  },
  "regex tolerance": {
    schema: format.RegexTolerance,
    at: (e) => set(probe(e), "tolerance", { type: "regex", pattern: "ok" }),
  },
  "jsonpath tolerance": {
    schema: format.JsonPathTolerance,
    at: (e) => set(probe(e), "tolerance", { type: "jsonpath", path: "$.a" }),
  },
  "range tolerance": {
    schema: format.RangeTolerance,
    at: (e) => set(probe(e), "tolerance", { type: "range", range: [0, 1] }),
  },
  control: {
    schema: format.Control,
    at: (e) => {
      e.controls = [{ name: "c", provider: { type: "python", module: "some.control" } }];
      return (e.controls as Json[])[0]!;
    },
  },
  "control provider": {
    schema: format.Control.shape.provider,
    at: (e) => {
      e.controls = [{ name: "c", provider: { type: "python", module: "some.control" } }];
      return (e.controls as Json[])[0]!.provider as Json;
    },
  },
  "env configuration value": {
    schema: format.EnvValue,
    at: (e) => set(set(e, "configuration", {}), "home", { type: "env", key: "FIXTURE_PORT" }),
  },
  chaos_action: { schema: format.ActivitySettings, at: (e) => set(action(e), "chaos_action", {}) },
  runtime: { schema: format.Runtime, at: (e) => set(e, "runtime", {}) },
  "hypothesis runtime": {
    schema: format.HypothesisRuntime,
    at: (e) => set(set(e, "runtime", {}), "hypothesis", {}),
  },
  "rollbacks runtime": {
    schema: format.RollbacksRuntime,
    at: (e) => set(set(e, "runtime", {}), "rollbacks", {}),
  },
};

const activityKeys = (where: "method" | "probe"): Record<string, Decision> => ({
  pauses: "refused", // execute_activity: pauses.get("before") on None (abort in the method, crash elsewhere)
  background: "a value, refused", // ensure_activity_is_valid: must be a boolean when the key is present
  timeout: "not given", // `if timeout is not None`
  ...(where === "method" ? { tolerance: "not given" as const } : {}), // not read outside the hypothesis
  controls: "refused", // get_controls: controls.extend(None) in chaos validate
  secrets: "not given", // not read on the activity
  chaos_action: "not given", // ours
});

/** The decision for each optional key, and why (Chaos Toolkit's code in the comment). */
const decisions: Record<string, Record<string, Decision>> = {
  experiment: {
    version: "not given", // not read
    tags: "not given", // `if tags and ...`
    contributions: "not given", // not read
    configuration: "refused", // load_configuration(None).items()
    secrets: "refused", // load_secrets(None).items()
    "steady-state-hypothesis": "refused", // get_all_activities: None.get("probes") in chaos validate
    rollbacks: "refused", // `for activity in None` in chaos validate
    controls: "refused", // get_controls: controls.extend(None)
    extensions: "not given", // `if not extensions: return`
    runtime: "not given", // CLI: `if experiment_runtime:`
  },
  "steady-state-hypothesis": {
    probes: "refused", // get_all_activities: activities.extend(None)
    controls: "refused", // get_controls: controls.extend(None)
  },
  "method activity": activityKeys("method"),
  "hypothesis probe": activityKeys("probe"),
  "rollback activity": activityKeys("method"),
  pauses: { before: "not given", after: "not given" }, // `if pause_before ...`
  "python provider": {
    arguments: "refused", // validate_python_activity: None.copy()
    secrets: "refused", // `for s in provider["secrets"]` when the function takes secrets (every chaosk8s one)
  },
  "process provider": {
    arguments: "refused", // `[str(p) for p in None]`: TypeError, the run aborts
    timeout: "not given", // provider.get("timeout", None)
    env: "not given", // ours
  },
  "http provider": {
    method: "refused", // None.upper(): the run aborts
    headers: "not given", // `if headers and ...`
    arguments: "not given", // `if arguments and ...`, params=None
    timeout: "not given", // requests: timeout=None, as when absent
    expected_status: "not given", // not read
    verify_tls: "not given", // requests: verify=None falls back to the session's default, true
    max_retries: { means: 3 }, // HTTPAdapter(max_retries=None): urllib3's Retry.DEFAULT, 3 retries
  },
  "regex tolerance": { target: "not given" }, // `if target:`
  "jsonpath tolerance": {
    target: "not given", // `if target:`
    count: "not given", // tolerance.get("count", None)
    expect: "a value, accepted", // the key's presence counts: values == [None]
  },
  "range tolerance": { target: "not given" }, // `if target:`
  control: {
    scope: "not given", // `if scope and ...`
    automatic: { means: false }, // c.get("automatic", True) is None: falsy
  },
  "control provider": { arguments: "not given" }, // controls other than safeguards are not run
  "env configuration value": {
    default: "a value, accepted", // the default is None
    env_var_type: "not given", // convert_to_type(None, ...) keeps the value
  },
  chaos_action: { allow_no_target: "not given" }, // ours
  runtime: {
    hypothesis: "refused", // CLI: None.get("strategy")
    rollbacks: "refused", // CLI: None.get("strategy")
  },
  "hypothesis runtime": { strategy: "refused" }, // Strategy.from_string(None): ValueError
  "rollbacks runtime": { strategy: { means: "never" } }, // no strategy matches None: no rollbacks are played
};

const schema = experimentJsonSchema(fakeSignatures);

function withNull(place: string, key: string): Json {
  const experiment = base();
  places[place]!.at(experiment)[key] = null;
  return experiment;
}

async function validate(experiment: Json) {
  const result = await validateExperiment(
    { data: structuredClone(experiment) },
    { file: "x.yaml", signatures: fakeSignatures, findExecutable: fakeFindExecutable, env: fakeEnv },
  );
  const errors = result.issues.filter((issue) => issue.severity === "error").map(formatIssue);
  return { ...result, errors };
}

const rows = Object.entries(decisions).flatMap(([place, keys]) =>
  Object.entries(keys).map(([key, decision]) => ({ place, key, decision })),
);

describe("an explicit null, key by key", () => {
  it("the base experiment is valid and matches the schema", async () => {
    expect((await validate(base())).issues).toEqual([]);
    expect(acceptsJson(schema, base())).toBe(true);
  });

  it("decides every optional key of every mapping of the format", async () => {
    for (const [place, { schema: object }] of Object.entries(places)) {
      const optional = Object.entries(object.shape as Record<string, z.ZodType>)
        .filter(([, field]) => field.safeParse(undefined).success)
        .map(([key]) => key)
        .filter((key) => !(place === "hypothesis probe" && key === "tolerance"));
      expect(Object.keys(decisions[place] ?? {}).sort(), place).toEqual(optional.sort());
    }
  });

  it.each(rows)("$place: `$key: null` is $decision", async ({ place, key, decision }) => {
    const experiment = withNull(place, key);
    const result = await validate(experiment);
    const schemaAccepts = acceptsJson(schema, experiment);
    if (decision === "refused") {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatch(
        new RegExp(
          `\`${key}: null\` makes Chaos Toolkit (crash before|abort) the run; remove the key or write \``,
        ),
      );
      expect(schemaAccepts).toBe(false);
    } else if (decision === "a value, refused") {
      expect(result.errors).toHaveLength(1);
      expect(schemaAccepts).toBe(false);
    } else {
      expect(result.errors).toEqual([]);
      expect(schemaAccepts).toBe(true);
      // What runs is what Chaos Toolkit would run: the key dropped, kept, or read as its value.
      const expected = base();
      const parent = places[place]!.at(expected);
      if (decision === "not given") delete parent[key];
      else if (decision === "a value, accepted") parent[key] = null;
      else if (typeof decision === "object") parent[key] = decision.means;
      expect(result.experiment).toEqual(expected);
    }
  });
});

// The Chaos Toolkit experiment format: the one source of truth for its shape.
// Types are inferred from these schemas; schema/experiment.schema.json and the table validation checks
// with (format-shapes.json, see shapes.ts) derive from them: `npm run schema` writes both.
// Anything that may be a `${var}` before substitution accepts a string too.
import * as z from "zod";
import { ACTIVITY_SETTINGS_KEY } from "./format-names.ts";
import {
  HYPOTHESIS_STRATEGIES,
  ROLLBACK_STRATEGIES,
  RUNTIME_ONLY_HYPOTHESIS_STRATEGIES,
} from "./strategies.ts";

const substitutable = <T extends z.ZodType>(schema: T) => z.union([schema, z.string()]);

/**
 * What an explicit `null` on an optional key does, decided from Chaos Toolkit's behaviour. Unregistered
 * keys are read with `.get()` and a falsy test there, so null means "not given" (the key is dropped).
 * - refused: Chaos Toolkit crashes or aborts on it; validation refuses the file.
 * - value: null is a value, checked as any other (Chaos Toolkit checks it, or uses it).
 * - means: Chaos Toolkit reads null as this value; so do we, with a warning.
 */
export type NullRule =
  | { null: "refused"; effect: string; example: string }
  | { null: "value" }
  | { null: "means"; value: unknown; why: string };

/** The null rule of each optional key whose explicit null is not simply "not given". */
export const nullRules = z.registry<NullRule>();

const crashes = "makes Chaos Toolkit crash before the run";
const aborts = "makes Chaos Toolkit abort the run";
function withNullRule<T extends z.ZodType>(schema: T, rule: NullRule): T {
  nullRules.add(schema, rule);
  return schema;
}
const refusedNull = <T extends z.ZodType>(schema: T, effect: string, example: string): T =>
  withNullRule(schema, { null: "refused", effect, example });
const nullIsValue = <T extends z.ZodType>(schema: T): T => withNullRule(schema, { null: "value" });
const nullMeans = <T extends z.ZodType>(schema: T, value: unknown, why: string): T =>
  withNullRule(schema, { null: "means", value, why });

export const PythonProvider = z
  .object({
    type: z.literal("python"),
    module: z
      .string()
      .min(1)
      .describe("Python module path, e.g. chaosk8s.pod.actions (run by a native implementation)."),
    func: z.string().min(1).describe("Function name in the module, e.g. terminate_pods."),
    arguments: refusedNull(
      z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          "Keyword arguments of the function; strings may name configuration or secret variables (substitution).",
        ),
      crashes,
      "arguments: {name: my-app}",
    ),
    secrets: refusedNull(
      z
        .array(z.string())
        .optional()
        .describe("Secret scopes passed to the function, merged into one mapping."),
      aborts,
      "secrets: [k8s]",
    ),
  })
  .meta({ title: "Python provider (a native chaos-action function)" });

export const ProcessProvider = z
  .object({
    type: z.literal("process"),
    path: z.string().min(1).describe("Executable: a name looked up on PATH, or a path."),
    arguments: refusedNull(
      z
        .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
        .optional()
        .describe("A list (one argv entry each) or a string (run through /bin/sh)."),
      aborts,
      "arguments: []",
    ),
    timeout: z
      .number()
      .positive()
      .optional()
      .describe("Seconds before the process is stopped and the activity fails."),
    env: z.record(z.string(), z.string()).optional().describe("Extra environment variables for the process."),
  })
  .meta({ title: "Process provider" });

export const HttpProvider = z
  .object({
    type: z.literal("http"),
    url: z
      .string()
      .min(1)
      .describe("Address to call; may name configuration or secret variables (substitution)."),
    method: refusedNull(z.string().optional().describe("HTTP method (default GET)."), aborts, "method: GET"),
    headers: z.record(z.string(), z.unknown()).optional().describe("Request headers."),
    arguments: z
      .unknown()
      .optional()
      .describe(
        "Query string for GET; otherwise the body (JSON when Content-Type is application/json, else form data).",
      ),
    timeout: substitutable(z.union([z.number().positive(), z.tuple([z.number(), z.number()])]))
      .optional()
      .describe("Seconds, or [connect, read] seconds."),
    expected_status: z
      .unknown()
      .optional()
      .describe(
        "Ignored, as by Chaos Toolkit since 0.9.1: a 4xx/5xx is an output; judge it with a tolerance.",
      ),
    verify_tls: z.boolean().optional().describe("Verify the server's TLS certificate (default true)."),
    max_retries: nullMeans(
      z.number().int().nonnegative().optional().describe("Retries on connection errors (default 0)."),
      3,
      "urllib3's default retries",
    ),
  })
  .meta({ title: "HTTP provider" });

export const Provider = z.discriminatedUnion("type", [PythonProvider, ProcessProvider, HttpProvider]);

// A string pause must be a whole `${var}`, as Chaos Toolkit checks (starts with `${`, ends with `}`).
const pause = z.union([z.number().nonnegative(), z.string().regex(/^\$\{[\s\S]*\}$/)]);

export const Pauses = z.object({
  before: pause
    .optional()
    .describe("Seconds to wait before the activity (a number, or a configuration or secret variable)."),
  after: pause
    .optional()
    .describe("Seconds to wait after the activity (a number, or a configuration or secret variable)."),
});

export const RegexTolerance = z.object({
  type: z.literal("regex"),
  pattern: z.string(),
  target: z.string().optional(),
});

export const JsonPathTolerance = z.object({
  type: z.literal("jsonpath"),
  path: z.string().min(1),
  target: z.string().optional(),
  count: z.number().int().nonnegative().optional().describe("How many values the path must match."),
  expect: nullIsValue(z.unknown().optional()),
});

export const RangeTolerance = z.object({
  type: z.literal("range"),
  range: z.tuple([z.union([z.number(), z.boolean()]), z.union([z.number(), z.boolean()])]),
  target: z.string().optional(),
});

export const Control = z.object({
  name: z.string().min(1),
  provider: z.object({
    type: z.literal("python"),
    module: z.string().min(1),
    arguments: z.unknown().optional(),
  }),
  scope: z.enum(["before", "after"]).optional(),
  automatic: nullMeans(z.boolean().optional(), false, "a null is falsy"),
});

/**
 * chaos-action's own settings on one activity, under a key Chaos Toolkit ignores. Read by validation
 * and the engine.
 */
export const ActivitySettings = z
  .object({
    allow_no_target: z
      .boolean()
      .optional()
      .describe("A method action that reaches no object does not fail the experiment."),
  })
  .meta({ description: "chaos-action's own settings for this activity (Chaos Toolkit ignores them)." });
export type ActivitySettings = z.infer<typeof ActivitySettings>;

export const ActivityDefinition = z.object({
  type: z.enum(["probe", "action"]).describe("A probe observes; an action changes the system."),
  name: z.string().min(1).describe("Unique name, used by `ref` and in the journal."),
  provider: Provider,
  pauses: refusedNull(Pauses.optional(), aborts, "pauses: {after: 5}"),
  background: nullIsValue(
    z.boolean().optional().describe("Run concurrently; awaited at the end of the method."),
  ),
  timeout: z
    .number()
    .optional()
    .describe("Ignored, as by Chaos Toolkit; a process or http provider's own `timeout` is applied."),
  get tolerance() {
    return Tolerance.optional();
  },
  controls: refusedNull(z.array(Control).optional(), crashes, "controls: []"),
  // The chaostoolkit-kubernetes README puts `secrets` here; Chaos Toolkit ignores it (only the provider's counts).
  secrets: z.array(z.string()).optional(),
  [ACTIVITY_SETTINGS_KEY]: ActivitySettings.optional(),
});

/** A probe run as a tolerance: it receives the checked value as `arguments.value`. */
export const ProbeTolerance = ActivityDefinition.extend({ type: z.literal("probe") });

export const Tolerance = z
  .union([
    z.boolean(),
    z.number().int(),
    z.string(),
    z.array(z.unknown()),
    z.discriminatedUnion("type", [RegexTolerance, JsonPathTolerance, RangeTolerance, ProbeTolerance]),
  ])
  .meta({
    id: "Tolerance",
    description:
      "What the probe must return: true/false, an integer (the status of an http/process probe), a string, a list (two values: an inclusive range; otherwise membership), or a regex, jsonpath, range or probe tolerance.",
  });

export const ActivityRef = z.object({
  ref: z
    .string()
    .min(1)
    .describe("Name of a probe or action defined in the method or the steady-state hypothesis."),
});

export const Activity = z.union([ActivityRef, ActivityDefinition]);

export const HypothesisProbe = z.union([
  ActivityRef.extend({ tolerance: Tolerance }),
  ActivityDefinition.extend({ type: z.literal("probe"), tolerance: Tolerance }),
]);

export const SteadyStateHypothesis = z
  .object({
    title: z.string().min(1),
    probes: refusedNull(z.array(HypothesisProbe).optional(), crashes, "probes: []"),
    controls: refusedNull(z.array(Control).optional(), crashes, "controls: []"),
  })
  .meta({ description: "Probes whose tolerances must all be met before and after the method." });

export const EnvValue = z.object({
  type: z.literal("env"),
  key: z.string().min(1),
  default: nullIsValue(z.unknown().optional()),
  env_var_type: z
    .enum(["str", "string", "int", "integer", "float", "number", "bytes", "bool", "json"])
    .optional(),
});

/** A secret read from the environment (a secret's env value takes no default or type). */
export const SecretEnvValue = z.object({ type: z.literal("env"), key: z.string().min(1) });

export const ConfigurationValue = z.unknown().meta({
  description: "A literal value, or {type: env, key, default?, env_var_type?} read from the environment.",
});

export const SecretValue = z.unknown().meta({
  description: "A literal value, or {type: env, key} read from the environment.",
});

export const HypothesisStrategy = z
  .enum([...HYPOTHESIS_STRATEGIES, ...RUNTIME_ONLY_HYPOTHESIS_STRATEGIES])
  .describe("When the steady-state hypothesis runs: before and/or during and/or after the method.");

export const RollbackStrategy = z.enum(ROLLBACK_STRATEGIES);

export const HypothesisRuntime = z.object({
  strategy: refusedNull(HypothesisStrategy.optional(), crashes, "strategy: default"),
});

export const RollbacksRuntime = z.object({
  strategy: nullMeans(RollbackStrategy.optional(), "never", "no rollback strategy matches null"),
});

export const Runtime = z.object({
  hypothesis: refusedNull(HypothesisRuntime.optional(), crashes, "hypothesis: {strategy: default}"),
  rollbacks: refusedNull(RollbacksRuntime.optional(), crashes, "rollbacks: {strategy: default}"),
});

export const Experiment = z
  .object({
    version: z.string().optional(),
    title: z.string().min(1),
    description: z.string().min(1),
    tags: z.array(z.string().min(1)).optional(),
    contributions: z.record(z.string(), z.enum(["high", "medium", "low", "none"])).optional(),
    configuration: refusedNull(
      z.record(z.string(), ConfigurationValue).optional(),
      crashes,
      "configuration: {}",
    ),
    secrets: refusedNull(
      z.record(z.string(), z.record(z.string(), SecretValue)).optional(),
      crashes,
      "secrets: {}",
    ),
    "steady-state-hypothesis": refusedNull(
      SteadyStateHypothesis.optional(),
      crashes,
      "steady-state-hypothesis: {title: ..., probes: [...]}",
    ),
    method: z
      .array(Activity)
      .describe("Actions and probes run in order; may be empty to only check the hypothesis."),
    rollbacks: refusedNull(
      z.array(Activity).optional().describe("Activities that undo the method's changes, run after it."),
      crashes,
      "rollbacks: []",
    ),
    controls: refusedNull(
      z
        .array(Control)
        .optional()
        .describe(
          "Chaos Toolkit controls: chaosaddons safeguards run natively; any other control is accepted and ignored with a warning.",
        ),
      crashes,
      "controls: []",
    ),
    extensions: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
    runtime: Runtime.optional(),
  })
  .meta({
    title: "Chaos Toolkit experiment (as run by chaos-action)",
    description:
      "A steady-state hypothesis, a method that disturbs the system, and rollbacks; see https://chaostoolkit.org/reference/api/experiment/",
  });

export type PythonProvider = z.infer<typeof PythonProvider>;
export type ProcessProvider = z.infer<typeof ProcessProvider>;
export type HttpProvider = z.infer<typeof HttpProvider>;
export type Provider = z.infer<typeof Provider>;
export type Pauses = z.infer<typeof Pauses>;
export type RegexTolerance = z.infer<typeof RegexTolerance>;
export type JsonPathTolerance = z.infer<typeof JsonPathTolerance>;
export type RangeTolerance = z.infer<typeof RangeTolerance>;
export type ProbeTolerance = z.infer<typeof ProbeTolerance>;
export type Tolerance = z.infer<typeof Tolerance>;
export type ActivityDefinition = z.infer<typeof ActivityDefinition>;
export type ActivityRef = z.infer<typeof ActivityRef>;
export type Activity = z.infer<typeof Activity>;
export type HypothesisProbe = z.infer<typeof HypothesisProbe>;
export type SteadyStateHypothesis = z.infer<typeof SteadyStateHypothesis>;
export type EnvValue = z.infer<typeof EnvValue>;
export type HypothesisStrategy = z.infer<typeof HypothesisStrategy>;
export type RollbackStrategy = z.infer<typeof RollbackStrategy>;
export type Experiment = z.infer<typeof Experiment>;

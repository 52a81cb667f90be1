// Validation of an experiment: the rules of `chaos validate` (same conditions, clearer words that
// keep Chaos Toolkit's key phrase), plus what it leaves to run time or never checks: unknown keys
// (warnings, since Chaos Toolkit ignores them), wrong types, refs that do not resolve or name an
// action from the hypothesis, runtime strategies, and python arguments against the native signatures.
// Every issue is collected; nothing stops at the first one.
//
// Shapes come from format.ts: each object is checked against its zod schema field by field, so that
// unions (activity or ref, provider type, tolerance kind) are decided here, where a useful message
// can be written, rather than left to zod.
import * as z from "zod";
import type { NativeParam, NativeSignature, ParamType } from "../providers/native.ts";
import { parseJsonPath } from "../python/jsonpath.ts";
import { compilePythonRegex } from "../python/regex.ts";
import { type Issue, makeIssue, type Position, type Severity } from "./errors.ts";
import * as format from "./format.ts";
import type { DocPath, PathSegment } from "./path.ts";
import { definedNames, undefinedPlaceholders } from "./placeholders.ts";
import { type Environment, resolutionIssues, resolveValues } from "./resolve.ts";
import { describeValue, listWords, shapeProblems } from "./shape-messages.ts";
import { isWholePlaceholder } from "./substitute.ts";
import type { VarOverrides } from "./vars.ts";

export interface ValidateOptions {
  /** The file name used in every issue. */
  file: string;
  /** The native implementations of `python` providers. */
  signatures: readonly NativeSignature[];
  /** The resolved executable for a process provider's `path`, or undefined when it cannot be run. */
  findExecutable: (path: string) => string | undefined;
  /** The environment `type: env` values are read from. */
  env: Environment;
  /** `--var`/`--var-file` overrides (an overridden env configuration need not exist). */
  vars?: VarOverrides;
}

/** What validation reads: the data, and positions when it came from a file. */
export interface ValidationInput {
  data: unknown;
  locate?: (path: DocPath) => Position;
  /** Issues found while loading (duplicate keys), reported with the others. */
  warnings?: readonly Issue[];
}

export interface ValidationResult {
  /** Errors and warnings, in document order. */
  issues: Issue[];
  valid: boolean;
  /** The experiment as loaded (null-valued optional keys dropped), when valid. */
  experiment: format.Experiment | undefined;
}

type Where = "method" | "rollbacks" | "hypothesis" | "tolerance";

interface Definition {
  name: string;
  type: unknown;
}

interface Reference {
  ref: string;
  path: PathSegment[];
  where: Where;
}

interface ObjectSpec {
  /** Message when a required key is missing. */
  missing?: Record<string, string>;
  /** Prefix for any problem with the key's value. */
  invalid?: Record<string, string>;
  /** Keys checked by hand instead of by their schema (called only when present and not null-as-absent). */
  fields?: Record<string, (value: unknown, path: PathSegment[]) => void>;
  /** Keys Chaos Toolkit accepts that the schema does not declare. */
  extraKnown?: readonly string[];
  /** Problems with these keys are warnings (Chaos Toolkit does not read them). */
  lenient?: readonly string[];
  /** Keys for which an explicit null is a value, checked as such, rather than "not given". */
  nullKept?: readonly string[];
}

const providerTypes = ["python", "process", "http"];
const toleranceTypes = ["regex", "jsonpath", "range", "probe"];
const secretEnvValue = z.object({ type: z.literal("env"), key: z.string().min(1) });

class Validator {
  readonly issues: Issue[] = [];
  readonly definitions = new Map<string, Definition>();
  readonly hypothesisDefinitions = new Map<string, Definition>();
  readonly references: Reference[] = [];
  readonly controlNames: string[] = [];
  readonly controlRefs: { ref: string; path: PathSegment[] }[] = [];
  readonly modules = new Map<string, Map<string, NativeSignature>>();
  secretScopes = new Set<string>();

  readonly input: ValidationInput;
  readonly options: ValidateOptions;

  constructor(input: ValidationInput, options: ValidateOptions) {
    this.input = input;
    this.options = options;
    for (const signature of options.signatures) {
      const funcs = this.modules.get(signature.module) ?? new Map<string, NativeSignature>();
      funcs.set(signature.func, signature);
      this.modules.set(signature.module, funcs);
    }
  }

  report(severity: Severity, path: PathSegment[], message: string) {
    const position = this.input.locate?.(path) ?? { line: 1, column: 1 };
    this.issues.push(makeIssue(severity, this.options.file, position, path, message));
  }
  error(path: PathSegment[], message: string) {
    this.report("error", path, message);
  }
  warn(path: PathSegment[], message: string) {
    this.report("warning", path, message);
  }

  /** Checks a mapping against an object schema; returns false when it is not a mapping at all. */
  object(
    value: unknown,
    schema: z.ZodObject,
    path: PathSegment[],
    what: string,
    spec: ObjectSpec = {},
  ): value is Record<string, unknown> {
    if (!isRecord(value)) {
      this.error(path, `expected ${what} as a mapping, got ${describeValue(value)}`);
      return false;
    }
    const shape = schema.shape as Record<string, z.ZodType>;
    const known = [...Object.keys(shape), ...(spec.extraKnown ?? [])];
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.warn([...path, key], unknownKeyMessage(key, known, what));
    }
    for (const [key, fieldSchema] of Object.entries(shape)) {
      const here = [...path, key];
      let fieldValue = value[key];
      const optional = fieldSchema.safeParse(undefined).success;
      if (fieldValue === null && optional && !spec.nullKept?.includes(key)) {
        // Chaos Toolkit reads optional keys with .get(): an explicit null means "not given".
        delete value[key];
        fieldValue = undefined;
      }
      if (fieldValue === undefined) {
        if (!optional) {
          const severity: Severity = spec.lenient?.includes(key) ? "warning" : "error";
          this.report(severity, here, spec.missing?.[key] ?? `\`${key}\` is required in ${what}`);
        }
        continue;
      }
      const handler = spec.fields?.[key];
      if (handler) {
        handler(fieldValue, here);
        continue;
      }
      const severity: Severity = spec.lenient?.includes(key) ? "warning" : "error";
      const prefix = spec.invalid?.[key] ?? spec.missing?.[key];
      for (const problem of shapeProblems(fieldSchema, fieldValue)) {
        const message = prefix ? `${prefix}: ${problem.message}` : problem.message;
        this.report(severity, [...here, ...problem.path], message);
      }
    }
    return true;
  }

  experiment(data: unknown) {
    if (data === null || data === undefined || (isRecord(data) && Object.keys(data).length === 0)) {
      this.error([], "an empty experiment is not an experiment");
      return;
    }
    if (!isRecord(data)) {
      this.error(
        [],
        `an experiment must be a mapping (title, description, method...), got ${describeValue(data)}`,
      );
      return;
    }
    this.secretScopes = new Set(isRecord(data.secrets) ? Object.keys(data.secrets) : []);
    this.object(data, format.Experiment, [], "the experiment", {
      missing: {
        title: "experiment requires a title",
        description: "experiment requires a description",
        method:
          "an experiment requires a method, which can be empty for only checking steady state hypothesis (add `method: []`)",
        tags: "experiment tags must be a non-empty string",
        extensions: "All extensions require a non-empty name",
      },
      lenient: ["version", "contributions"],
      nullKept: ["method"],
      fields: {
        configuration: (v, p) => this.configuration(v, p),
        secrets: (v, p) => this.secrets(v, p),
        "steady-state-hypothesis": (v, p) => this.hypothesis(v, p),
        method: (v, p) => this.activities(v, p, "method"),
        rollbacks: (v, p) => this.activities(v, p, "rollbacks"),
        controls: (v, p) => this.controls(v, p),
        runtime: (v, p) => this.runtime(v, p),
      },
    });
    this.resolveReferences();
    this.resolveControlReferences();
    this.placeholders(data);
    const { problems } = resolveValues(data, { env: this.options.env, vars: this.options.vars });
    this.issues.push(
      ...resolutionIssues({ file: this.options.file, data, locate: this.input.locate }, problems),
    );
  }

  configuration(value: unknown, path: PathSegment[]) {
    if (!isRecord(value)) {
      this.error(path, `configuration must be a mapping of names to values, got ${describeValue(value)}`);
      return;
    }
    for (const [key, entry] of Object.entries(value)) {
      if (isRecord(entry) && entry.type === "env") {
        this.object(entry, format.EnvValue, [...path, key], "an environment configuration value", {
          missing: { key: "an env configuration value needs the environment variable's name in `key`" },
          nullKept: ["default"],
          // An unknown env_var_type is reported by resolution, with the other conversion problems.
          fields: { env_var_type: () => {} },
        });
      }
    }
  }

  secrets(value: unknown, path: PathSegment[]) {
    if (!isRecord(value)) {
      this.error(path, `secrets must be a mapping of scopes (e.g. k8s), got ${describeValue(value)}`);
      return;
    }
    for (const [scope, entries] of Object.entries(value)) {
      if (!isRecord(entries)) {
        this.error(
          [...path, scope],
          `a secret scope must be a mapping of names to values, got ${describeValue(entries)}`,
        );
        continue;
      }
      this.secretEntries(entries, [...path, scope]);
    }
  }

  secretEntries(entries: Record<string, unknown>, path: PathSegment[]) {
    for (const [key, entry] of Object.entries(entries)) {
      if (!isRecord(entry)) continue;
      if (entry.type === "env") {
        for (const ignored of ["default", "env_var_type"]) {
          if (ignored in entry) {
            this.warn([...path, key, ignored], `\`${ignored}\` is not supported for secrets and is ignored`);
          }
        }
        this.object(entry, secretEnvValue, [...path, key], "an environment secret", {
          missing: { key: "an env secret needs the environment variable's name in `key`" },
          extraKnown: ["default", "env_var_type"],
        });
      } else if (entry.type !== "vault") {
        this.secretEntries(entry, [...path, key]);
      }
    }
  }

  hypothesis(value: unknown, path: PathSegment[]) {
    this.object(value, format.SteadyStateHypothesis, path, "the steady-state hypothesis", {
      missing: { title: "hypothesis requires a title" },
      fields: {
        probes: (v, p) => this.activities(v, p, "hypothesis"),
        controls: (v, p) => this.controls(v, p),
      },
    });
  }

  activities(value: unknown, path: PathSegment[], where: Where) {
    if (!Array.isArray(value)) {
      this.error(path, `expected a list of activities, got ${describeValue(value)}`);
      return;
    }
    value.forEach((activity, index) => {
      this.activity(activity, [...path, index], where);
    });
  }

  activity(value: unknown, path: PathSegment[], where: Where) {
    if (value === null || value === undefined || (isRecord(value) && Object.keys(value).length === 0)) {
      this.error(path, "empty activity is no activity");
      return;
    }
    if (!isRecord(value)) {
      this.error(
        path,
        `expected an activity (a mapping with type, name and provider, or a ref), got ${describeValue(value)}`,
      );
      return;
    }
    if ("ref" in value && value.ref !== null && where !== "tolerance") {
      this.reference(value, path, where);
      return;
    }
    const schema =
      where === "hypothesis"
        ? (format.HypothesisProbe.options[1] as z.ZodObject)
        : where === "tolerance"
          ? format.ProbeTolerance
          : format.ActivityDefinition;
    const name = typeof value.name === "string" && value.name !== "" ? value.name : undefined;
    this.object(value, schema, path, "an activity", {
      missing: {
        type: "an activity must have a type (probe or action)",
        name: "an activity must have a name",
        provider: "an activity requires a provider",
        tolerance: "hypothesis probe must have a tolerance entry",
      },
      invalid: {
        timeout: "activity timeout must be a number",
        background: "activity background must be a boolean",
      },
      nullKept: ["background"],
      fields: {
        type: (v, p) => this.activityType(v, p, where),
        provider: (v, p) => this.provider(v, p, { name: name ?? "(unnamed)", type: value.type, where }),
        pauses: (v, p) => this.pauses(v, p),
        timeout: (v, p) => {
          if (typeof v !== "number") {
            this.error(p, `activity timeout must be a number, got ${describeValue(v)}`);
          } else {
            this.warn(
              p,
              "an activity's `timeout` is not applied (Chaos Toolkit ignores it too); set `timeout` on a process or http provider instead",
            );
          }
        },
        tolerance: (v, p) => {
          if (where === "hypothesis") this.tolerance(v, p);
          else
            this.warn(p, "a tolerance is only evaluated in the steady-state hypothesis; it is ignored here");
        },
        controls: (v, p) => this.controls(v, p),
        secrets: (_v, p) =>
          this.warn(p, "`secrets` belongs on the provider (Chaos Toolkit ignores it on the activity)"),
      },
    });
    if (name !== undefined && (where === "method" || where === "hypothesis")) {
      const target = where === "method" ? this.definitions : this.hypothesisDefinitions;
      target.set(name, { name, type: value.type });
    }
  }

  activityType(value: unknown, path: PathSegment[], where: Where) {
    if (value === "probe" || (value === "action" && where !== "hypothesis" && where !== "tolerance")) return;
    if (value === "action") {
      // Chaos Toolkit runs it all the same.
      const role = where === "hypothesis" ? "a steady-state hypothesis" : "a tolerance";
      this.warn(path, `${role} should only run probes, and this is an action: it runs on every check`);
    } else if (typeof value === "string" && value !== "") {
      this.error(path, `'${value}' is not a supported activity type (expected probe or action)`);
    } else {
      this.error(path, `an activity must have a type (probe or action), got ${describeValue(value)}`);
    }
  }

  reference(value: Record<string, unknown>, path: PathSegment[], where: Where) {
    const schema =
      where === "hypothesis" ? (format.HypothesisProbe.options[0] as z.ZodObject) : format.ActivityRef;
    this.object(value, schema, path, "an activity reference", {
      missing: { tolerance: "hypothesis probe must have a tolerance entry" },
      extraKnown: ["type"],
      fields: {
        ref: (v, p) => {
          if (typeof v !== "string" || v === "") {
            this.error(p, `reference to activity must be non-empty strings, got ${describeValue(v)}`);
          } else {
            this.references.push({ ref: v, path: p, where });
          }
        },
        tolerance: (v, p) => this.tolerance(v, p),
      },
    });
  }

  pauses(value: unknown, path: PathSegment[]) {
    this.object(value, format.Pauses, path, "pauses", {
      fields: Object.fromEntries(
        ["before", "after"].map((key) => [
          key,
          (v: unknown, p: PathSegment[]) => {
            if (typeof v === "string") {
              if (!(v.startsWith("${") && v.endsWith("}"))) {
                this.error(
                  p,
                  `activity ${key} pause must be a number or a pattern to a variable from the configuration or secrets (like \${pause}), got ${describeValue(v)}`,
                );
              }
              return;
            }
            for (const problem of shapeProblems(format.Pauses.shape.before, v)) {
              this.error([...p, ...problem.path], `activity ${key} pause: ${problem.message}`);
            }
          },
        ]),
      ),
    });
  }

  provider(value: unknown, path: PathSegment[], activity: { name: string; type: unknown; where: Where }) {
    if (!isRecord(value)) {
      this.error(
        path,
        `an activity requires a provider (a mapping with a type), got ${describeValue(value)}`,
      );
      return;
    }
    const type = value.type;
    if (type === undefined || type === null || type === "") {
      this.error([...path, "type"], "a provider must have a type (python, process or http)");
      return;
    }
    if (typeof type !== "string" || !providerTypes.includes(type)) {
      const shown = typeof type === "string" ? `'${type}'` : describeValue(type);
      this.error([...path, "type"], `unknown provider type ${shown} (expected python, process or http)`);
      return;
    }
    if (type === "python") {
      const ok = this.object(value, format.PythonProvider, path, "a python provider", {
        missing: {
          module: "a Python activity must have a module path",
          func: "a Python activity must have a function name",
        },
        invalid: { arguments: "arguments must be a mapping of argument names to values" },
        fields: { secrets: (v, p) => this.providerSecrets(v, p) },
      });
      if (ok) this.pythonFunction(value, path, activity);
    } else if (type === "process") {
      const ok = this.object(value, format.ProcessProvider, path, "a process provider", {
        missing: { path: "a process activity must have a path" },
      });
      if (ok && typeof value.path === "string" && value.path !== "") {
        if (this.options.findExecutable(value.path) === undefined) {
          this.error(
            [...path, "path"],
            `path '${value.path}' cannot be found, in activity '${activity.name}' (no executable of that name on PATH)`,
          );
        }
      }
      if (ok && isRecord(value.arguments)) {
        this.warn(
          [...path, "arguments"],
          "process arguments as a mapping are deprecated: use a list or a string",
        );
      }
    } else {
      this.object(value, format.HttpProvider, path, "an http provider", {
        missing: { url: "a HTTP activity must have a URL" },
        invalid: { headers: "a HTTP activity expects headers as a mapping" },
        fields: {
          expected_status: (_v, p) =>
            this.warn(
              p,
              "`expected_status` is ignored (as by Chaos Toolkit): a 4xx/5xx response is the probe's output; check its status with a tolerance",
            ),
        },
      });
    }
  }

  providerSecrets(value: unknown, path: PathSegment[]) {
    for (const problem of shapeProblems(format.PythonProvider.shape.secrets, value)) {
      this.error([...path, ...problem.path], `secrets must list secret scope names: ${problem.message}`);
    }
    if (!Array.isArray(value)) return;
    value.forEach((scope, index) => {
      if (typeof scope === "string" && !this.secretScopes.has(scope)) {
        this.warn(
          [...path, index],
          `secret scope '${scope}' is not declared in the experiment's \`secrets\``,
        );
      }
    });
  }

  pythonFunction(
    provider: Record<string, unknown>,
    path: PathSegment[],
    activity: { name: string; type: unknown; where: Where },
  ) {
    const { module, func } = provider;
    if (typeof module !== "string" || module === "" || typeof func !== "string" || func === "") return;
    const funcs = this.modules.get(module);
    if (!funcs) {
      const supported = [...this.modules.keys()].sort();
      const list =
        supported.length === 0
          ? "no Python modules are available"
          : `supported modules: ${supported.join(", ")}`;
      this.error(
        [...path, "module"],
        `could not find Python module '${module}' in activity '${activity.name}': chaos-action runs python providers natively; ${list}`,
      );
      return;
    }
    const signature = funcs.get(func);
    if (!signature) {
      const kind = activity.type === "action" ? "action" : "probe";
      this.error(
        [...path, "func"],
        `The python module '${module}' does not expose a function called '${func}' in ${kind} '${activity.name}'; supported functions of ${module}: ${[...funcs.keys()].sort().join(", ")}`,
      );
      return;
    }
    if (provider.arguments !== undefined && !isRecord(provider.arguments)) return; // reported as a shape error
    const args = provider.arguments ?? {};
    const argsPath = [...path, "arguments"];
    const params = new Map(signature.params.map((p) => [p.name, p]));
    for (const param of signature.params) {
      const given =
        Object.hasOwn(args, param.name) || (activity.where === "tolerance" && param.name === "value");
      if (isRequired(param) && !given) {
        this.error(
          isRecord(provider.arguments) ? argsPath : path,
          `required argument '${param.name}' is missing from activity '${activity.name}' (${module}.${func})`,
        );
      }
    }
    for (const [name, value] of Object.entries(args)) {
      const param = params.get(name);
      if (!param) {
        const takes = signature.params.map((p) => p.name).join(", ") || "no arguments";
        this.error(
          [...argsPath, name],
          `argument '${name}' is not part of the function signature in activity '${activity.name}' (${module}.${func} takes: ${takes})`,
        );
      } else if (!fitsParam(param, value)) {
        this.error(
          [...argsPath, name],
          `argument '${name}' of ${module}.${func} expects ${paramTypeName(param.type)}, got ${describeValue(value)}`,
        );
      }
    }
  }

  tolerance(value: unknown, path: PathSegment[]) {
    if (typeof value === "boolean" || typeof value === "string" || Array.isArray(value)) return;
    if (typeof value === "number" && Number.isInteger(value)) return;
    if (!isRecord(value)) {
      this.error(
        path,
        `hypothesis probe tolerance must either be an integer, a string, a boolean, a list (two values are an inclusive range) or a mapping with a type (${listWords(toleranceTypes)}), got ${describeValue(value)}`,
      );
      return;
    }
    const type = value.type;
    if (type === "probe") {
      this.activity(value, path, "tolerance");
    } else if (type === "regex") {
      this.object(value, format.RegexTolerance, path, "a regex tolerance", {
        missing: { pattern: "hypothesis regex probe tolerance must have a `pattern` key" },
        invalid: { pattern: "hypothesis probe tolerance pattern has an invalid type" },
        lenient: ["target"],
        fields: { pattern: (v, p) => this.regexPattern(v, p) },
      });
    } else if (type === "jsonpath") {
      this.object(value, format.JsonPathTolerance, path, "a jsonpath tolerance", {
        missing: { path: "hypothesis jsonpath probe tolerance must have a `path` key" },
        nullKept: ["expect"],
        // Chaos Toolkit checks neither: a count that is not an integer never matches.
        lenient: ["count", "target"],
        fields: { path: (v, p) => this.jsonPath(v, p) },
      });
    } else if (type === "range") {
      this.object(value, format.RangeTolerance, path, "a range tolerance", {
        missing: { range: "hypothesis range probe tolerance must have a `range` key" },
        lenient: ["target"],
        fields: { range: (v, p) => this.range(v, p) },
      });
    } else {
      const shown =
        typeof type === "string" ? `'${type}'` : type === undefined ? "(none)" : describeValue(type);
      this.error(
        [...path, "type"],
        `hypothesis probe tolerance type ${shown} is unsupported (expected ${listWords(toleranceTypes)})`,
      );
    }
  }

  regexPattern(value: unknown, path: PathSegment[]) {
    if (typeof value !== "string") {
      this.error(
        path,
        `hypothesis probe tolerance pattern has an invalid type: expected a string, got ${describeValue(value)}`,
      );
      return;
    }
    if (value.includes("${")) return; // substituted at run time
    try {
      compilePythonRegex(value);
    } catch (error) {
      this.error(path, `hypothesis probe tolerance pattern seems invalid: ${(error as Error).message}`);
    }
  }

  jsonPath(value: unknown, path: PathSegment[]) {
    if (typeof value !== "string") {
      this.error(
        path,
        `hypothesis probe tolerance JSON path has an invalid type: expected a string, got ${describeValue(value)}`,
      );
      return;
    }
    if (value.trim() === "") {
      this.error(path, "hypothesis probe tolerance JSON path cannot be empty");
      return;
    }
    if (value.includes("${")) return;
    try {
      parseJsonPath(value.trim());
    } catch (error) {
      this.error(path, `hypothesis probe tolerance JSON path is invalid: ${(error as Error).message}`);
    }
  }

  range(value: unknown, path: PathSegment[]) {
    if (!Array.isArray(value)) {
      this.error(path, `hypothesis range must be a sequence [lower, upper], got ${describeValue(value)}`);
      return;
    }
    if (value.length !== 2) {
      this.error(
        path,
        `hypothesis range sequence must be made of two values [lower, upper], got ${value.length}`,
      );
      return;
    }
    (["lower", "upper"] as const).forEach((bound, index) => {
      // Python's `isinstance(x, Number)`, which bool passes.
      if (typeof value[index] !== "number" && typeof value[index] !== "boolean") {
        this.error(
          [...path, index],
          `hypothesis range ${bound} boundary must be a number, got ${describeValue(value[index])}`,
        );
      }
    });
  }

  controls(value: unknown, path: PathSegment[]) {
    if (!Array.isArray(value)) {
      this.error(path, `controls must be a list, got ${describeValue(value)}`);
      return;
    }
    const names: string[] = [];
    value.forEach((control, index) => {
      const here = [...path, index];
      const name = isRecord(control) && typeof control.name === "string" ? control.name : "(unnamed)";
      const ok = this.object(control, format.Control, here, "a control", {
        missing: {
          name: "A control must have a `name` property",
          provider: `Control '${name}' must have a \`provider\` property`,
        },
        invalid: { scope: `Control '${name}' scope property must be 'before' or 'after' only` },
        extraKnown: ["ref"],
        lenient: ["automatic"],
        fields: {
          provider: (v, p) => {
            this.object(v, format.Control.shape.provider, p, "a control provider", {
              missing: { module: `Control '${name}' must have a module path` },
              invalid: { type: "controls are Python modules" },
              extraKnown: ["secrets"],
              // Chaos Toolkit only checks python controls, and chaos-action does not run any.
              lenient:
                isRecord(v) && v.type === "python" ? ["type", "arguments"] : ["type", "arguments", "module"],
            });
          },
        },
      });
      if (!ok) return;
      names.push(name);
      if (typeof control.ref === "string")
        this.controlRefs.push({ ref: control.ref, path: [...here, "ref"] });
      else if (path.length === 1 && typeof control.name === "string") this.controlNames.push(control.name);
    });
    if (names.length > 0) {
      this.warn(
        path,
        `controls are not run by chaos-action; ignoring ${names.map((n) => `'${n}'`).join(", ")}`,
      );
    }
  }

  runtime(value: unknown, path: PathSegment[]) {
    const strategy =
      (kind: "hypothesis" | "rollbacks", schema: z.ZodType) => (v: unknown, p: PathSegment[]) => {
        this.object(v, z.object({ strategy: schema.optional() }), p, `the ${kind} runtime`, {
          invalid: {
            strategy:
              kind === "hypothesis"
                ? "unknown hypothesis strategy"
                : "unknown rollback strategy, so no rollbacks are played (as by Chaos Toolkit)",
          },
          // Chaos Toolkit fails on an unknown hypothesis strategy, and plays no rollbacks for an unknown one.
          lenient: kind === "rollbacks" ? ["strategy"] : [],
        });
      };
    this.object(value, format.Runtime, path, "runtime", {
      fields: {
        hypothesis: strategy("hypothesis", format.HypothesisStrategy),
        rollbacks: strategy("rollbacks", format.RollbackStrategy),
      },
    });
  }

  placeholders(data: Record<string, unknown>) {
    const defined = definedNames(data, this.options.vars);
    for (const { path, names } of undefinedPlaceholders(data, defined)) {
      const list = listWords(
        names.map((name) => `'\${${name}}'`),
        "and",
      );
      const verb = names.length === 1 ? "names" : "name";
      this.warn(
        path,
        `${list} ${verb} no configuration or secret value, so it stays as written (define it, or pass --var ${names[0]}=...)`,
      );
    }
  }

  resolveReferences() {
    // Chaos Toolkit's lookup table: method activities, then hypothesis probes (which win on a name clash).
    const known = new Map([...this.definitions, ...this.hypothesisDefinitions]);
    for (const { ref, path, where } of this.references) {
      const target = known.get(ref);
      if (!target) {
        const names = [...known.keys()];
        const hint = names.length > 0 ? ` (known activities: ${names.map((n) => `'${n}'`).join(", ")})` : "";
        this.error(path, `referenced activity '${ref}' could not be found in the experiment${hint}`);
      } else if (where === "hypothesis" && target.type === "action") {
        this.warn(
          path,
          `a steady-state hypothesis should only run probes, but '${ref}' is an action: it runs on every check`,
        );
      }
    }
  }

  resolveControlReferences() {
    for (const { ref, path } of this.controlRefs) {
      if (!this.controlNames.includes(ref)) {
        this.error(
          path,
          `Control reference '${ref}' declaration cannot be found among the experiment's controls`,
        );
      }
    }
  }
}

/**
 * Validates a loaded experiment and returns every issue found. Pure: the environment, the native
 * signatures and the executable lookup are passed in.
 */
export function validateExperiment(input: ValidationInput, options: ValidateOptions): ValidationResult {
  const data = structuredClone(input.data);
  const validator = new Validator(input, options);
  validator.experiment(data);
  const issues = [...(input.warnings ?? []), ...validator.issues].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  const valid = !issues.some((i) => i.severity === "error");
  return { issues, valid, experiment: valid ? (data as format.Experiment) : undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const isRequired = (param: NativeParam): boolean => param.required ?? !("default" in param);

const paramTypeNames: Record<ParamType, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "a mapping",
  array: "a list",
  "string|array": "a string or a list",
  any: "any value",
};

const paramTypeName = (type: ParamType): string => paramTypeNames[type];

function fitsParam(param: NativeParam, value: unknown): boolean {
  if (isWholePlaceholder(value)) return true; // its type is only known after substitution
  if (value === null)
    return param.type === "any" || (Object.hasOwn(param, "default") && param.default === null);
  switch (param.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "string|array":
      return typeof value === "string" || Array.isArray(value);
    case "any":
      return true;
  }
}

function unknownKeyMessage(key: string, known: readonly string[], what: string): string {
  const close = known.find(
    (candidate) => editDistance(candidate, key) <= Math.max(1, Math.floor(key.length / 4)),
  );
  const hint = close ? `; did you mean '${close}'?` : "";
  return `unknown key '${key}' in ${what} is ignored${hint}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

// The experiment as a whole: its top-level keys, configuration, secrets, the steady-state hypothesis
// and the runtime strategies. Activities and controls have their own files.
import { isRecord } from "../../common/record.ts";
import type { PathSegment } from "../path.ts";
import { describeValue } from "../shape-messages.ts";
import { SHAPES } from "../shapes.ts";
import { checkActivities } from "./activities.ts";
import type { Checker } from "./checker.ts";
import { checkControls } from "./controls.ts";
import { checkSafeguards } from "./safeguards.ts";

/** Checks the experiment's own keys and everything below them; false when it is no mapping at all. */
export function checkExperiment(c: Checker, data: unknown): data is Record<string, unknown> {
  if (data === null || data === undefined || (isRecord(data) && Object.keys(data).length === 0)) {
    c.error([], "an empty experiment is not an experiment");
    return false;
  }
  if (!isRecord(data)) {
    c.error(
      [],
      `an experiment must be a mapping (title, description, method...), got ${describeValue(data)}`,
    );
    return false;
  }
  c.secretScopes = new Set(isRecord(data.secrets) ? Object.keys(data.secrets) : []);
  c.object(data, SHAPES.Experiment, [], "the experiment", {
    missing: {
      title: "experiment requires a title",
      description: "experiment requires a description",
      method:
        "an experiment requires a method, which can be empty for only checking steady state hypothesis (add `method: []`)",
      tags: "experiment tags must be a non-empty string",
      extensions: "All extensions require a non-empty name",
    },
    lenient: ["version", "contributions"],
    fields: {
      configuration: (v, p) => checkConfiguration(c, v, p),
      secrets: (v, p) => checkSecrets(c, v, p),
      "steady-state-hypothesis": (v, p) => checkHypothesis(c, v, p),
      method: (v, p) => checkActivities(c, v, p, "method"),
      rollbacks: (v, p) => checkActivities(c, v, p, "rollbacks"),
      controls: (v, p) => {
        checkControls(c, v, p);
        checkSafeguards(c, v, p);
      },
      runtime: (v, p) => checkRuntime(c, v, p),
    },
  });
  return true;
}

function checkConfiguration(c: Checker, value: unknown, path: PathSegment[]): void {
  if (!isRecord(value)) {
    c.error(path, `configuration must be a mapping of names to values, got ${describeValue(value)}`);
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (isRecord(entry) && entry.type === "env") {
      c.object(entry, SHAPES.EnvValue, [...path, key], "an environment configuration value", {
        missing: { key: "an env configuration value needs the environment variable's name in `key`" },
        // An unknown env_var_type is reported by resolution, with the other conversion problems.
        fields: { env_var_type: () => {} },
      });
    }
  }
}

function checkSecrets(c: Checker, value: unknown, path: PathSegment[]): void {
  if (!isRecord(value)) {
    c.error(path, `secrets must be a mapping of scopes (e.g. k8s), got ${describeValue(value)}`);
    return;
  }
  for (const [scope, entries] of Object.entries(value)) {
    if (!isRecord(entries)) {
      c.error(
        [...path, scope],
        `a secret scope must be a mapping of names to values, got ${describeValue(entries)}`,
      );
      continue;
    }
    checkSecretEntries(c, entries, [...path, scope]);
  }
}

function checkSecretEntries(c: Checker, entries: Record<string, unknown>, path: PathSegment[]): void {
  for (const [key, entry] of Object.entries(entries)) {
    if (!isRecord(entry)) continue;
    if (entry.type === "env") {
      for (const ignored of ["default", "env_var_type"]) {
        if (ignored in entry) {
          c.warn([...path, key, ignored], `\`${ignored}\` is not supported for secrets and is ignored`);
        }
      }
      c.object(entry, SHAPES.SecretEnvValue, [...path, key], "an environment secret", {
        missing: { key: "an env secret needs the environment variable's name in `key`" },
        extraKnown: ["default", "env_var_type"],
      });
    } else if (entry.type !== "vault") {
      checkSecretEntries(c, entry, [...path, key]);
    }
  }
}

function checkHypothesis(c: Checker, value: unknown, path: PathSegment[]): void {
  c.object(value, SHAPES.SteadyStateHypothesis, path, "the steady-state hypothesis", {
    missing: { title: "hypothesis requires a title" },
    fields: {
      probes: (v, p) => checkActivities(c, v, p, "hypothesis"),
      controls: (v, p) => checkControls(c, v, p),
    },
  });
}

function checkRuntime(c: Checker, value: unknown, path: PathSegment[]): void {
  const strategy = (kind: "hypothesis" | "rollbacks", shape: number) => (v: unknown, p: PathSegment[]) => {
    c.object(v, shape, p, `the ${kind} runtime`, {
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
  c.object(value, SHAPES.Runtime, path, "runtime", {
    fields: {
      hypothesis: strategy("hypothesis", SHAPES.HypothesisRuntime),
      rollbacks: strategy("rollbacks", SHAPES.RollbacksRuntime),
    },
  });
}

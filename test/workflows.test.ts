// The workflows cannot run here (no Docker, no GitHub); this reads them as the runner would and
// checks what would otherwise fail only on GitHub: each `steps.<id>` a step or a job names is an
// earlier step of the same job and each output read from it is one that step sets; each `uses: ./`
// comes after a checkout and gives only inputs action.yml declares; `needs` names jobs that exist;
// repository paths that scripts name exist; a job's permissions cover what its actions need.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  steps: Step[];
}

interface Workflow {
  on: unknown;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const workflowDir = join(root, ".github", "workflows");
const workflows = readdirSync(workflowDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => ({ file, workflow: parse(readFileSync(join(workflowDir, file), "utf8")) as Workflow }));

const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

/** Outputs of the third-party actions the workflows read, as their action.yml files declare them. */
const KNOWN_OUTPUTS: Record<string, string[]> = {
  "docker/metadata-action": [
    "version",
    "tags",
    "tag-names",
    "labels",
    "annotations",
    "json",
    "bake-file-tags",
    "bake-file-labels",
    "bake-file-annotations",
    "bake-file",
  ],
  "docker/build-push-action": ["imageid", "digest", "metadata"],
  "actions/attest-build-provenance": ["bundle-path", "attestation-id", "attestation-url"],
  "actions/upload-artifact": ["artifact-id", "artifact-url", "artifact-digest"],
};

/** Every `steps.<id>.<rest>` inside a `${{ }}` expression of a value. */
function stepReferences(value: unknown): Array<{ id: string; output?: string }> {
  const text = JSON.stringify(value ?? "");
  const found: Array<{ id: string; output?: string }> = [];
  for (const expression of text.matchAll(/\$\{\{(.*?)\}\}/g)) {
    for (const match of (expression[1] ?? "").matchAll(
      /\bsteps\.([A-Za-z_][\w-]*)\.(outputs\.([A-Za-z_][\w-]*)|outcome|conclusion)/g,
    )) {
      found.push({ id: match[1] as string, ...(match[3] ? { output: match[3] } : {}) });
    }
  }
  return found;
}

/** `if:` is an expression even without `${{ }}`. */
function ifReferences(step: Step): Array<{ id: string; output?: string }> {
  return step.if === undefined ? [] : stepReferences(`\${{ ${step.if} }}`);
}

/** The outputs a step sets: action.yml's for `./`, the known ones of an action, `$GITHUB_OUTPUT` lines of a script. */
function outputsOf(step: Step): string[] | undefined {
  if (step.uses === "./") return Object.keys(action.outputs);
  if (step.uses) return KNOWN_OUTPUTS[step.uses.split("@")[0] as string];
  if (step.run) {
    return [...step.run.matchAll(/([A-Za-z_][\w-]*)=[^\n]*>>\s*"?\$GITHUB_OUTPUT/g)].map(
      (match) => match[1] as string,
    );
  }
  return undefined;
}

const label = (file: string, job: string, step: Step, index: number) =>
  `${file} ${job} step ${index + 1} (${step.id ?? step.name ?? step.uses ?? "run"})`;

const jobs = workflows.flatMap(({ file, workflow }) =>
  Object.entries(workflow.jobs).map(([name, job]) => ({ file, workflow, name, job })),
);

function permission(workflow: Workflow, job: Job, scope: string): string | undefined {
  const granted = job.permissions ?? workflow.permissions;
  if (granted === undefined) return undefined;
  if (typeof granted === "string") return granted === "write-all" ? "write" : undefined;
  return granted[scope];
}

describe("the workflows", () => {
  it("are read: three workflows, each with triggers and jobs of steps", () => {
    expect(workflows.map(({ file }) => file).sort()).toEqual(["ci.yml", "e2e.yml", "release.yml"]);
    for (const { file, workflow } of workflows) {
      expect(workflow.on, file).toBeDefined();
      for (const [name, job] of Object.entries(workflow.jobs)) {
        expect(Array.isArray(job.steps) && job.steps.length > 0, `${file} ${name}`).toBe(true);
      }
    }
  });

  it("read steps.<id> only of earlier steps of the same job, and only outputs those steps set", () => {
    let checked = 0;
    for (const { file, name, job } of jobs) {
      const ids = job.steps.map((step) => step.id);
      expect(new Set(ids.filter(Boolean)).size, `${file} ${name}: step ids are unique`).toBe(
        ids.filter(Boolean).length,
      );
      job.steps.forEach((step, index) => {
        const where = label(file, name, step, index);
        const { id: _id, ...rest } = step;
        for (const ref of [...stepReferences(rest), ...ifReferences(step)]) {
          checked++;
          const target = job.steps.findIndex((candidate) => candidate.id === ref.id);
          expect(target, `${where}: steps.${ref.id} is no step of job ${name}`).toBeGreaterThanOrEqual(0);
          expect(target, `${where}: steps.${ref.id} runs after it`).toBeLessThan(index);
          if (ref.output === undefined) continue;
          const outputs = outputsOf(job.steps[target] as Step);
          expect(outputs, `${where}: outputs of steps.${ref.id} are not known to this test`).toBeDefined();
          expect(outputs, `${where}: steps.${ref.id} sets no output ${ref.output}`).toContain(ref.output);
        }
      });
      for (const ref of stepReferences(job.outputs)) {
        checked++;
        expect(ids, `${file} ${name} outputs: steps.${ref.id}`).toContain(ref.id);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("use the action itself (uses: ./) only after a checkout, with inputs action.yml declares", () => {
    const inputs = Object.keys(action.inputs);
    let local = 0;
    for (const { file, name, job } of jobs) {
      job.steps.forEach((step, index) => {
        if (step.uses !== "./") return;
        local++;
        const where = label(file, name, step, index);
        const checkout = job.steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"));
        expect(checkout, `${where}: no actions/checkout before uses: ./`).toBeGreaterThanOrEqual(0);
        expect(checkout, `${where}: actions/checkout comes after uses: ./`).toBeLessThan(index);
        for (const key of Object.keys(step.with ?? {})) {
          expect(inputs, `${where}: with.${key} is no input of action.yml`).toContain(key);
        }
      });
    }
    expect(local).toBeGreaterThan(0);
  });

  it("need only jobs of the same workflow, and read needs.<job> only of jobs they need", () => {
    for (const { file, workflow, name, job } of jobs) {
      const needs = job.needs === undefined ? [] : [job.needs].flat();
      for (const need of needs) expect(Object.keys(workflow.jobs), `${file} ${name}`).toContain(need);
      const text = JSON.stringify(job);
      for (const match of text.matchAll(/\bneeds\.([A-Za-z_][\w-]*)\./g)) {
        expect(needs, `${file} ${name}: needs.${match[1]}`).toContain(match[1]);
      }
    }
  });

  it("run scripts and read files that exist in the repository", () => {
    let paths = 0;
    for (const { file, name, job } of jobs) {
      job.steps.forEach((step, index) => {
        for (const match of (step.run ?? "").matchAll(
          /(?:^|[\s"'=])((?:\.ci|test|experiments|deploy|src|schema|dist)\/[\w./-]*)/g,
        )) {
          paths++;
          const path = match[1] as string;
          expect(existsSync(join(root, path)), `${label(file, name, step, index)}: ${path}`).toBe(true);
        }
      });
    }
    expect(paths).toBeGreaterThan(0);
  });

  it("run only npm scripts package.json has, in the workflows and in the .ci/run they call", () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> })
        .scripts,
    );
    const texts = [
      ...jobs.flatMap(({ file, name, job }) =>
        job.steps.map((step) => ({ where: `${file} ${name}`, text: step.run ?? "" })),
      ),
      { where: ".ci/run", text: readFileSync(join(root, ".ci", "run"), "utf8") },
    ];
    let runs = 0;
    for (const { where, text } of texts) {
      for (const match of text.matchAll(/\bnpm run ([\w:-]+)/g)) {
        runs++;
        expect(scripts, `${where}: npm run ${match[1]}`).toContain(match[1]);
      }
    }
    expect(runs).toBeGreaterThan(0);
  });

  it("read KUBECONFIG and KIND_CLUSTER_NAME only after a boot-only step exported them", () => {
    for (const { file, name, job } of jobs) {
      job.steps.forEach((step, index) => {
        const script = step.run ?? "";
        const needsBoot = /\$\{?KIND_CLUSTER_NAME\b|\bkind load\b/.test(script);
        if (!needsBoot || Object.hasOwn(step.env ?? {}, "KIND_CLUSTER_NAME")) return;
        const booted = job.steps
          .slice(0, index)
          .some((s) => s.uses === "./" && String(s.with?.["boot-only"]) === "true");
        expect(booted, `${label(file, name, step, index)}: no earlier boot-only step`).toBe(true);
      });
    }
  });

  it("name each uploaded artifact once per run attempt, as upload-artifact@v4 requires", () => {
    for (const { file, workflow } of workflows) {
      const names = Object.entries(workflow.jobs).flatMap(([name, job]) =>
        job.steps
          .filter((step) => step.uses?.startsWith("actions/upload-artifact@"))
          .map((step) => ({ where: `${file} ${name}`, step })),
      );
      for (const { where, step } of names) {
        const name = String(step.with?.name ?? "");
        // A re-run job is the same run: a fixed name is refused unless the attempt is in it.
        expect(
          name.includes("github.run_attempt") || step.with?.overwrite === true,
          `${where}: artifact ${name || "(default name)"}`,
        ).toBe(true);
      }
      const fixed = names.map(({ step }) => String(step.with?.name));
      expect(new Set(fixed).size, `${file}: artifact names are unique`).toBe(fixed.length);
    }
  });

  it("grant each job the permissions its actions need", () => {
    for (const { file, workflow, name, job } of jobs) {
      const uses = job.steps.map((step) => step.uses?.split("@")[0]);
      if (uses.includes("actions/attest-build-provenance")) {
        expect(permission(workflow, job, "id-token"), `${file} ${name}: id-token`).toBe("write");
        expect(permission(workflow, job, "attestations"), `${file} ${name}: attestations`).toBe("write");
      }
      const pushes = job.steps.some(
        (step) => step.uses?.startsWith("docker/build-push-action@") && step.with?.push === true,
      );
      const ghcr = job.steps.some(
        (step) => step.uses?.startsWith("docker/login-action@") && step.with?.registry === "ghcr.io",
      );
      if (pushes && ghcr)
        expect(permission(workflow, job, "packages"), `${file} ${name}: packages`).toBe("write");
      const releases = job.steps.some((step) => /\bgh release create\b|\bgit push\b/.test(step.run ?? ""));
      if (releases) expect(permission(workflow, job, "contents"), `${file} ${name}: contents`).toBe("write");
      if (uses.includes("./") && job.steps.some((s) => s.uses === "./" && s.with?.comment !== "never")) {
        expect(permission(workflow, job, "pull-requests"), `${file} ${name}: pull-requests`).toBe("write");
      }
    }
  });
});

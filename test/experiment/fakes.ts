// Plain-data stand-ins for what the entry points inject into validation: a tiny native catalog,
// an executable lookup that knows a fixed set of names, and a fixed environment.
import type { NativeSignature } from "../../src/experiment/signature.ts";

export const fakeSignatures: readonly NativeSignature[] = [
  {
    module: "chaosfake.actions",
    func: "kill_things",
    kind: "action",
    summary: "Kills things.",
    params: [
      { name: "name", type: "string" },
      { name: "count", type: "integer", default: 1 },
      { name: "force", type: "boolean", default: false },
    ],
  },
  {
    module: "chaosfake.actions",
    func: "restore_things",
    kind: "action",
    summary: "Restores things.",
    params: [{ name: "label_selector", type: "string|array", default: null }],
  },
  {
    module: "chaosfake.probes",
    func: "count_things",
    kind: "probe",
    summary: "Counts things.",
    params: [
      { name: "selector", type: "string" },
      { name: "ns", type: "string", default: "default" },
      { name: "options", type: "object", default: null },
      { name: "ratio", type: "number", default: 1 },
    ],
  },
  {
    module: "chaosfake.probes",
    func: "is_ok",
    kind: "probe",
    summary: "Whether the value is fine.",
    params: [{ name: "value", type: "any" }],
  },
];

const executables = new Set(["echo", "true", "sh"]);

export const fakeFindExecutable = (path: string): string | undefined =>
  executables.has(path) ? `/usr/bin/${path}` : undefined;

export const fakeEnv: Record<string, string> = {
  FIXTURE_PORT: "8080",
  FIXTURE_NOT_A_NUMBER: "abc",
  FIXTURE_TOKEN: "s3cr3t-token",
};

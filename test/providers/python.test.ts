import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.ts";
import type { PythonProvider } from "../../src/experiment/format.ts";
import type { NativeSignature } from "../../src/experiment/signature.ts";
import { createExecutor } from "../../src/providers/execute.ts";
import type { NativeModuleSource } from "../../src/providers/native.ts";
import { osSource } from "../../src/providers/os-module.ts";
import type { ProviderCall } from "../../src/providers/provider-call.ts";
import { bindArguments, providerSecrets } from "../../src/providers/python.ts";
import { createRegistry } from "../../src/providers/registry.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "os-native-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const signature: NativeSignature = {
  module: "chaosk8s.pod.probes",
  func: "pods_in_phase",
  kind: "probe",
  params: [
    { name: "label_selector", type: "string" },
    { name: "phase", type: "string", default: "Running" },
    { name: "ns", type: "string", default: "default" },
    { name: "timeout", type: "integer", default: null },
  ],
  summary: "test",
};

let loads = 0;
let failNextLoad = false;
const testSource: NativeModuleSource = {
  signatures: [signature],
  async load() {
    loads++;
    if (failNextLoad) {
      failNextLoad = false;
      throw new Error("load failed");
    }
    return async (args, ctx) => ({ args, secrets: ctx.secrets, configuration: ctx.configuration });
  },
};

const registry = createRegistry([osSource, testSource]);
const call = (overrides: Partial<ProviderCall> = {}): ProviderCall => ({
  activity: "a",
  signal: new AbortController().signal,
  configuration: { c: 1 },
  secrets: { k8s: { KUBERNETES_HOST: "h" }, other: { x: 1 } },
  undo: { register: async (s) => ({ ...s, id: "1" }), discard: async () => {} },
  clock: systemClock,
  experimentDir: ".",
  services: {},
  ...overrides,
});
const python = (
  module: string,
  func: string,
  args?: Record<string, unknown>,
  secrets?: string[],
): PythonProvider => ({
  type: "python",
  module,
  func,
  ...(args ? { arguments: args } : {}),
  ...(secrets ? { secrets } : {}),
});
const execute = createExecutor({ registry });

describe("native registry", () => {
  it("lists every signature and explains what is not supported", () => {
    expect(registry.allSignatures().map((s) => `${s.module}.${s.func}`)).toContain("os.path.exists");
    expect(registry.signature("chaosk8s.pod.probes", "pods_in_phase")).toBe(signature);
    expect(registry.unsupportedReason("os.path", "exists")).toBeUndefined();
    expect(registry.unsupportedReason("chaosprometheus.probes", "query")).toBe(
      "python module 'chaosprometheus.probes' is not supported (supported modules: chaosk8s.pod.probes, os, os.path)",
    );
    expect(registry.unsupportedReason("os.path", "nope")).toBe(
      "python module 'os.path' has no function 'nope' (it has: exists, getsize, isdir, isfile, islink)",
    );
  });

  it("loads an implementation once, and retries a failed load", async () => {
    loads = 0;
    failNextLoad = true;
    await expect(registry.loadImplementation("chaosk8s.pod.probes", "pods_in_phase")).rejects.toThrow(
      "load failed",
    );
    const first = await registry.loadImplementation("chaosk8s.pod.probes", "pods_in_phase");
    const second = await registry.loadImplementation("chaosk8s.pod.probes", "pods_in_phase");
    expect(first).toBe(second);
    expect(loads).toBe(2);
    await expect(registry.loadImplementation("nope", "f")).rejects.toThrow(
      "python module 'nope' is not supported",
    );
  });
});

describe("python provider", () => {
  it("binds arguments with defaults, Python style", () => {
    expect(bindArguments(signature, { label_selector: "app=web", ns: "shop" })).toEqual({
      label_selector: "app=web",
      phase: "Running",
      ns: "shop",
      timeout: null,
    });
    expect(() => bindArguments(signature, {})).toThrow(
      "required argument 'label_selector' is missing from chaosk8s.pod.probes.pods_in_phase",
    );
    expect(() => bindArguments(signature, { label_selector: "x", zzz: 1 })).toThrow(
      "argument 'zzz' is not part of the signature of chaosk8s.pod.probes.pods_in_phase (its arguments: label_selector, phase, ns, timeout)",
    );
  });

  it("passes secrets only for the scopes the provider lists, merged flat", () => {
    const secrets = { a: { x: 1, y: 1 }, b: { y: 2 } };
    expect(providerSecrets(python("m", "f", {}, ["a", "b"]), secrets)).toEqual({ x: 1, y: 2 });
    expect(providerSecrets(python("m", "f"), secrets)).toEqual({});
    expect(providerSecrets(python("m", "f", {}, ["missing"]), secrets)).toEqual({});
  });

  it("runs the native implementation through the executor", async () => {
    const out = await execute(
      python("chaosk8s.pod.probes", "pods_in_phase", { label_selector: "a=b" }, ["k8s"]),
      call(),
    );
    expect(out).toEqual({
      args: { label_selector: "a=b", phase: "Running", ns: "default", timeout: null },
      secrets: { KUBERNETES_HOST: "h" },
      configuration: { c: 1 },
    });
  });

  it("an unsupported function fails the activity with the list of what is supported", async () => {
    await expect(execute(python("os.path", "nope"), call())).rejects.toThrow(
      "python module 'os.path' has no function 'nope'",
    );
  });
});

describe("os and os.path natives", () => {
  it("exists / isfile / isdir / getsize, and rename / remove with Python's errors", async () => {
    const dir = mkdtempSync(path.join(scratch, "os-native-"));
    const file = path.join(dir, "data.dat");
    const moved = path.join(dir, "data.dat.bak");
    writeFileSync(file, "12345");
    const run = (module: string, func: string, args: Record<string, unknown>) =>
      execute(python(module, func, args), call());
    expect(await run("os.path", "exists", { path: file })).toBe(true);
    expect(await run("os.path", "isfile", { path: file })).toBe(true);
    expect(await run("os.path", "isdir", { path: dir })).toBe(true);
    expect(await run("os.path", "getsize", { path: file })).toBe(5);
    expect(await run("os", "rename", { src: file, dst: moved })).toBeNull();
    expect(await run("os.path", "exists", { path: file })).toBe(false);
    expect(existsSync(moved)).toBe(true);
    await expect(run("os", "rename", { src: file, dst: moved })).rejects.toThrow(
      `[Errno 2] No such file or directory: '${file}' -> '${moved}'`,
    );
    expect(await run("os", "listdir", { path: dir })).toEqual(["data.dat.bak"]);
    expect(await run("os", "remove", { path: moved })).toBeNull();
    await expect(run("os", "remove", { path: moved })).rejects.toThrow(
      `[Errno 2] No such file or directory: '${moved}'`,
    );
    await run("os", "makedirs", { name: path.join(dir, "a", "b") });
    await expect(run("os", "makedirs", { name: path.join(dir, "a", "b") })).rejects.toThrow(
      "[Errno 17] File exists",
    );
    await run("os", "makedirs", { name: path.join(dir, "a", "b"), exist_ok: true });
    expect(await run("os", "getenv", { key: "CHAOS_ACTION_SURELY_UNSET", default: "d" })).toBe("d");
  });
});

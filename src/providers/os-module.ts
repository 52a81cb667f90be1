// Python's `os` and `os.path` functions that real experiments call through the `python` provider
// (e.g. `os.path.exists` as a probe, `os.rename` to break a config file and put it back).
// Relative paths resolve against the working directory, as in Python.
import type { NativeParam, NativeSignature } from "../experiment/signature.ts";
import type { NativeImplementation, NativeModuleSource } from "./native.ts";

const req = (name: string, type: NativeParam["type"] = "string"): NativeParam => ({
  name,
  type,
  required: true,
});
const opt = (name: string, type: NativeParam["type"], value: unknown): NativeParam => ({
  name,
  type,
  default: value,
});

const fn = (
  module: "os" | "os.path",
  func: string,
  kind: "action" | "probe",
  params: NativeParam[],
  summary: string,
): NativeSignature => ({ module, func, kind, params, summary });

export const osSignatures: readonly NativeSignature[] = [
  fn("os.path", "exists", "probe", [req("path")], "Whether the path exists."),
  fn("os.path", "isfile", "probe", [req("path")], "Whether the path is a regular file."),
  fn("os.path", "isdir", "probe", [req("path")], "Whether the path is a directory."),
  fn("os.path", "islink", "probe", [req("path")], "Whether the path is a symbolic link."),
  fn("os.path", "getsize", "probe", [req("path")], "The size of the file in bytes."),
  fn("os", "rename", "action", [req("src"), req("dst")], "Renames (moves) a file or directory."),
  fn("os", "replace", "action", [req("src"), req("dst")], "Renames, replacing the destination if it exists."),
  fn("os", "remove", "action", [req("path")], "Deletes a file."),
  fn("os", "unlink", "action", [req("path")], "Deletes a file."),
  fn("os", "mkdir", "action", [req("path"), opt("mode", "integer", 0o777)], "Creates a directory."),
  fn(
    "os",
    "makedirs",
    "action",
    [req("name"), opt("mode", "integer", 0o777), opt("exist_ok", "boolean", false)],
    "Creates a directory and its parents.",
  ),
  fn("os", "rmdir", "action", [req("path")], "Deletes an empty directory."),
  fn("os", "listdir", "probe", [opt("path", "string", ".")], "The names in a directory."),
  fn("os", "getcwd", "probe", [], "The working directory."),
  fn(
    "os",
    "getenv",
    "probe",
    [req("key"), opt("default", "any", null)],
    "An environment variable, or the default.",
  ),
];

export const osSource: NativeModuleSource = {
  signatures: osSignatures,
  async load(module: string, func: string): Promise<NativeImplementation> {
    const { osImplementations } = await import("./os-functions.ts");
    const implementation = osImplementations[`${module}.${func}`];
    if (!implementation) throw new Error(`no native implementation of ${module}.${func}`);
    return implementation;
  },
};

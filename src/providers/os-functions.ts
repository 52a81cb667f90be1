// Implementations of the `os` / `os.path` functions declared in os-module.ts, with Python's results
// and Python-like error messages (`[Errno 2] No such file or directory: 'x'`).
import { lstat, mkdir, readdir, rename, rmdir, stat, unlink } from "node:fs/promises";
import { ActivityFailed } from "./activity-failed.ts";
import type { NativeImplementation } from "./native.ts";

const text = (value: unknown, name: string): string => {
  if (typeof value !== "string" || value === "")
    throw new ActivityFailed(`argument '${name}' must be a non-empty path`);
  return value;
};

const osError = (error: unknown, ...paths: string[]): ActivityFailed => {
  const e = error as NodeJS.ErrnoException;
  const names: Record<string, [number, string]> = {
    ENOENT: [2, "No such file or directory"],
    EACCES: [13, "Permission denied"],
    EPERM: [1, "Operation not permitted"],
    EEXIST: [17, "File exists"],
    ENOTDIR: [20, "Not a directory"],
    EISDIR: [21, "Is a directory"],
    ENOTEMPTY: [39, "Directory not empty"],
  };
  const known = e.code ? names[e.code] : undefined;
  const where = paths.map((p) => `'${p}'`).join(" -> ");
  return new ActivityFailed(known ? `[Errno ${known[0]}] ${known[1]}: ${where}` : `${e.message}`, {
    cause: error,
  });
};

const exists = async (check: () => Promise<boolean>): Promise<boolean> => {
  try {
    return await check();
  } catch {
    return false;
  }
};

const renameTo: NativeImplementation = async (args) => {
  const [src, dst] = [text(args.src, "src"), text(args.dst, "dst")];
  try {
    await rename(src, dst);
  } catch (error) {
    throw osError(error, src, dst);
  }
  return null;
};

const removeFile: NativeImplementation = async (args) => {
  const path = text(args.path, "path");
  try {
    await unlink(path);
  } catch (error) {
    throw osError(error, path);
  }
  return null;
};

export const osImplementations: Record<string, NativeImplementation> = {
  "os.path.exists": async (args) => exists(async () => Boolean(await stat(text(args.path, "path")))),
  "os.path.isfile": async (args) => exists(async () => (await stat(text(args.path, "path"))).isFile()),
  "os.path.isdir": async (args) => exists(async () => (await stat(text(args.path, "path"))).isDirectory()),
  "os.path.islink": async (args) =>
    exists(async () => (await lstat(text(args.path, "path"))).isSymbolicLink()),
  "os.path.getsize": async (args) => {
    const path = text(args.path, "path");
    try {
      return (await stat(path)).size;
    } catch (error) {
      throw osError(error, path);
    }
  },
  "os.rename": renameTo,
  "os.replace": renameTo,
  "os.remove": removeFile,
  "os.unlink": removeFile,
  "os.mkdir": async (args) => {
    const path = text(args.path, "path");
    try {
      await mkdir(path, { mode: Number(args.mode) });
    } catch (error) {
      throw osError(error, path);
    }
    return null;
  },
  "os.makedirs": async (args) => {
    const path = text(args.name, "name");
    if (args.exist_ok !== true && (await exists(async () => Boolean(await stat(path))))) {
      throw osError(Object.assign(new Error("exists"), { code: "EEXIST" }), path);
    }
    try {
      await mkdir(path, { recursive: true, mode: Number(args.mode) });
    } catch (error) {
      throw osError(error, path);
    }
    return null;
  },
  "os.rmdir": async (args) => {
    const path = text(args.path, "path");
    try {
      await rmdir(path);
    } catch (error) {
      throw osError(error, path);
    }
    return null;
  },
  "os.listdir": async (args) => {
    const path = text(args.path, "path");
    try {
      return await readdir(path);
    } catch (error) {
      throw osError(error, path);
    }
  },
  "os.getcwd": async () => process.cwd(),
  "os.getenv": async (args) => process.env[text(args.key, "key")] ?? args.default ?? null,
};

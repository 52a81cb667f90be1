// The Leases a run is taking, on disk beside its undo file: written before the first Lease is
// requested and removed once they are deleted, so a killed run's Leases are deleted by
// `chaos-action cleanup` and the action's post step rather than left to expire.
import { readFile, rm, writeFile } from "node:fs/promises";
import type { LeaseRef } from "../kubernetes/lease-scope.ts";

export interface LeaseRecord {
  holder: string;
  leases: LeaseRef[];
}

/** `undo.json` → `undo.leases.json`. */
export const leaseFileOf = (undoFile: string): string => `${undoFile.replace(/\.json$/, "")}.leases.json`;

export async function writeLeaseFile(file: string, record: LeaseRecord): Promise<void> {
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Undefined when there is none (or it is not ours to read). */
export async function readLeaseFile(file: string): Promise<LeaseRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const data = JSON.parse(text) as Partial<LeaseRecord>;
  if (typeof data.holder !== "string" || !Array.isArray(data.leases)) {
    throw new Error(`${file} is not a lease file (expected { holder, leases })`);
  }
  return { holder: data.holder, leases: data.leases };
}

export async function removeLeaseFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

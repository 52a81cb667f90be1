// Unpredictable identifiers (undo file names, run ids, Lease holders) read from the kernel's random
// source. node:crypto would serve, but a run that touches no cluster needs nothing else of it, and
// importing it costs such a run ~10 ms (fourteen of Node's modules, compiled from source while the
// CLI holds V8's compilers off). It stays the source where /dev/urandom is absent (Windows).
import { closeSync, openSync, readSync } from "node:fs";

export type RandomSource = (count: number) => Uint8Array;

/** Reads `device` for each draw, or node:crypto where it cannot be opened. */
export const deviceRandom =
  (device: string): RandomSource =>
  (count) => {
    const bytes = new Uint8Array(count);
    let fd: number;
    try {
      fd = openSync(device, "r");
    } catch {
      return process.getBuiltinModule("node:crypto").randomFillSync(bytes);
    }
    try {
      let filled = 0;
      while (filled < count) {
        const read = readSync(fd, bytes, filled, count - filled, null);
        if (read === 0) throw new Error(`${device} ended after ${filled} of ${count} random bytes`);
        filled += read;
      }
    } finally {
      closeSync(fd);
    }
    return bytes;
  };

export const systemRandom: RandomSource = deviceRandom("/dev/urandom");

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** `count` random bytes as lowercase hex (two characters a byte). */
export const randomHex = (count: number, random: RandomSource = systemRandom): string => hex(random(count));

/** A version 4 UUID (RFC 9562), as node:crypto's randomUUID makes. */
export function randomUuid(random: RandomSource = systemRandom): string {
  const bytes = random(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const text = hex(bytes);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deviceRandom, randomHex, randomUuid, systemRandom } from "../../src/common/random-id.ts";

const counting = (count: number) => Uint8Array.from({ length: count }, (_, i) => i * 17);

describe("random identifiers", () => {
  it("are drawn from the kernel: distinct, of the length asked for", () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomHex(8)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(systemRandom(1000)).toHaveLength(1000);
  });

  it("write each byte as two hex digits", () => {
    expect(randomHex(4, counting)).toBe("00112233");
    expect(randomHex(3, () => Uint8Array.of(0, 10, 255))).toBe("000aff");
  });

  it("form a version 4 UUID with the RFC 9562 variant, as node:crypto's randomUUID does", () => {
    expect(randomUuid(() => new Uint8Array(16).fill(0xff))).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(randomUuid(() => new Uint8Array(16))).toBe("00000000-0000-4000-8000-000000000000");
    expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("come from node:crypto where the random device is absent (Windows)", () => {
    const random = deviceRandom("/nonexistent/urandom");
    const draws = new Set(Array.from({ length: 20 }, () => randomHex(8, random)));
    expect(draws.size).toBe(20);
  });

  it("fail where the device is there but cannot be read, rather than return zeros", () => {
    expect(() => deviceRandom("/")(4)).toThrow(/EISDIR/);
    const dir = mkdtempSync(join(tmpdir(), "random-id-"));
    try {
      const short = join(dir, "short");
      writeFileSync(short, "ab");
      expect(() => deviceRandom(short)(4)).toThrow(`${short} ended after 2 of 4 random bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

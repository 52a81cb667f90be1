import { describe, expect, it } from "vitest";
import {
  builtinsBeforeDelay,
  delayJitCompilers,
  JIT_DELAY_MS,
  jitDelayApplies,
  tieringFlagGiven,
} from "../../src/cli/jit-delay.ts";

describe("the compilers' delay", () => {
  it("turns Sparkplug, Maglev and TurboFan off at once and on again when the delay is over", () => {
    const flags: string[] = [];
    let later: { ms: number; then: () => void } | undefined;
    delayJitCompilers({
      setFlags: (flag) => flags.push(flag),
      after: (ms, then) => {
        later = { ms, then };
      },
    });
    expect(flags).toEqual(["--no-sparkplug", "--no-maglev", "--no-turbofan"]);
    expect(later?.ms).toBe(JIT_DELAY_MS);
    later?.then();
    expect(flags).toEqual([
      "--no-sparkplug",
      "--no-maglev",
      "--no-turbofan",
      "--sparkplug",
      "--maglev",
      "--turbofan",
    ]);
  });

  it("is left alone when Node was started with a tiering flag of its own", () => {
    for (const given of [["--jitless"], ["--no-turbofan"], ["--no-opt"], ["--maglev"], ["--lite-mode"]]) {
      expect(tieringFlagGiven(given), given[0]).toBe(true);
    }
    expect(tieringFlagGiven([], "--max-old-space-size=4096 --jitless")).toBe(true);
    expect(tieringFlagGiven(["--no-maglev-osr"])).toBe(true);
  });

  it("applies under flags that choose no tier", () => {
    expect(tieringFlagGiven([])).toBe(false);
    expect(tieringFlagGiven([], "")).toBe(false);
    for (const given of ["--enable-source-maps", "--optimize-for-size", "--trace-opt", "--max-lazy"]) {
      expect(tieringFlagGiven([given], "--max-old-space-size=4096"), given).toBe(false);
    }
  });

  it("has a run and a validation load the Node modules they are sure to use before the compilers go off", () => {
    expect(builtinsBeforeDelay(["run", "experiments/"])).toEqual(
      expect.arrayContaining(["node:child_process", "node:http", "node:fs/promises"]),
    );
    expect(builtinsBeforeDelay(["validate", "x.yaml"])).toEqual(["node:os"]);
    for (const args of [[], ["--help"], ["constructor"], ["__proto__"]]) {
      expect(builtinsBeforeDelay(args), args.join(" ")).toEqual([]);
    }
  });

  it("loads node:net first when the output is a pipe, which Node writes through a node:net stream", () => {
    expect(builtinsBeforeDelay(["validate", "x.yaml"], true)).toEqual(["node:os", "node:net"]);
    expect(builtinsBeforeDelay(["--help"], true)).toEqual(["node:net"]);
    expect(builtinsBeforeDelay(["--help"], false)).toEqual([]);
  });

  it("applies only where V8 has Maglev (x64, arm64), whose flag is read-only elsewhere", () => {
    expect(jitDelayApplies("x64", [])).toBe(true);
    expect(jitDelayApplies("arm64", [], "--max-old-space-size=4096")).toBe(true);
    for (const arch of ["s390x", "ppc64", "riscv64", "ia32", "arm"]) {
      expect(jitDelayApplies(arch, []), arch).toBe(false);
    }
    expect(jitDelayApplies("x64", ["--jitless"])).toBe(false);
  });
});

// The simulator's pure pieces: label selectors, patches and the exec command interpreter.
import { describe, expect, it } from "vitest";
import {
  type CommandContext,
  MAX_SLEEP_SECONDS,
  runCommand,
  shellSplit,
  sleepSeconds,
} from "../../src/sim/command-interpreter.ts";
import { wantsMetadataOnly } from "../../src/sim/http/list-response.ts";
import { matchesLabels, parseLabelSelector, selectorFromObject } from "../../src/sim/label-selector.ts";
import { jsonPatch, mergePatch, strategicMergePatch } from "../../src/sim/patch.ts";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front" };
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app in (web, api)", true],
    ["app notin (web)", false],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["missing!=x", true],
    ["app=web,tier in (back)", false],
    ["", true],
  ])("%s → %s", (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it("rejects what does not parse", () => {
    expect(() => parseLabelSelector("app in web")).toThrow();
    expect(() => parseLabelSelector("a b")).toThrow();
  });

  it("reads matchLabels and matchExpressions", () => {
    const selector = selectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front"] },
        { key: "gone", operator: "DoesNotExist" },
      ],
    });
    expect(matchesLabels(selector, labels)).toBe(true);
    expect(matchesLabels(selector, { app: "web" })).toBe(false);
  });
});

describe("patches", () => {
  const pod = {
    metadata: { name: "p", labels: { a: "1" }, finalizers: ["x"] },
    spec: {
      containers: [
        { name: "a", image: "a:1", ports: [{ containerPort: 80 }] },
        { name: "b", image: "b:1" },
      ],
    },
    status: {
      conditions: [
        { type: "Ready", status: "False" },
        { type: "PodScheduled", status: "True" },
      ],
    },
  };

  it("merge patch replaces lists and deletes keys set to null", () => {
    expect(
      mergePatch(pod, { metadata: { labels: { a: null, b: "2" } }, spec: { containers: [] } }),
    ).toMatchObject({
      metadata: { labels: { b: "2" } },
      spec: { containers: [] },
    });
  });

  it("strategic merge merges containers by name, conditions by type, and honours $patch: delete", () => {
    const patched = strategicMergePatch(pod, {
      metadata: { finalizers: ["y"] },
      spec: {
        containers: [
          { name: "b", image: "b:2" },
          { name: "a", $patch: "delete" },
          { name: "c", image: "c:1" },
        ],
      },
      status: { conditions: [{ type: "Ready", status: "True" }] },
      "$setElementOrder/containers": [{ name: "b" }],
    }) as typeof pod;
    expect(patched.spec.containers).toEqual([
      { name: "b", image: "b:2" },
      { name: "c", image: "c:1" },
    ]);
    expect(patched.status.conditions).toEqual([
      { type: "Ready", status: "True" },
      { type: "PodScheduled", status: "True" },
    ]);
    expect(patched.metadata.finalizers).toEqual(["x", "y"]);
    expect(pod.spec.containers[0]?.image).toBe("a:1");
  });

  it("JSON patch: add, remove, replace, move, copy, test", () => {
    const result = jsonPatch({ a: { b: 1 }, list: [1, 2] }, [
      { op: "add", path: "/list/-", value: 3 },
      { op: "add", path: "/list/0", value: 0 },
      { op: "replace", path: "/a/b", value: 2 },
      { op: "copy", from: "/a/b", path: "/c" },
      { op: "move", from: "/c", path: "/d" },
      { op: "remove", path: "/list/1" },
      { op: "test", path: "/d", value: 2 },
      { op: "add", path: "/e~1f", value: true },
    ]);
    expect(result).toEqual({ a: { b: 2 }, list: [0, 2, 3], d: 2, "e/f": true });
    expect(() => jsonPatch({ a: 1 }, [{ op: "replace", path: "/b", value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }])).toThrow(/failed/);
  });
});

describe("exec command interpreter", () => {
  let killed = 0;
  const ctx: CommandContext = {
    podName: "web-1",
    namespace: "default",
    container: "web",
    env: { A: "1" },
    killMainProcess: () => {
      killed++;
    },
    sleep: async () => undefined,
  };

  async function run(argv: string[], context = ctx) {
    const output = { stdout: "", stderr: "" };
    const exitCode = await runCommand(argv, context, {
      write: (stream, text) => {
        output[stream] += text;
      },
    });
    return { exitCode, ...output };
  }

  it("splits words like sh", () => {
    expect(shellSplit(`echo "a b" 'c d' e\\ f ""`)).toEqual(["echo", "a b", "c d", "e f", ""]);
  });

  it.each([
    [["echo", "hi"], 0, "hi\n"],
    [["true"], 0, ""],
    [["false"], 1, ""],
    [["sh", "-c", "exit 7"], 7, ""],
    [["/bin/sh", "-c", "false || echo fallback"], 0, "fallback\n"],
    [["sh", "-c", "false && echo never"], 1, ""],
    [["sh", "-c", "echo one; echo two"], 0, "one\ntwo\n"],
    [["cat", "/etc/hostname"], 0, "web-1\n"],
    [["printenv", "A"], 0, "1\n"],
    [["cat", "/nope"], 1, ""],
    [["curl", "http://x"], 127, ""],
  ] as Array<[string[], number, string]>)("%j exits %i", async (argv, exitCode, stdout) => {
    const result = await run(argv);
    expect(result.exitCode).toBe(exitCode);
    expect(result.stdout).toBe(stdout);
  });

  it("kill 1 kills the main process; other pids do not exist", async () => {
    expect((await run(["kill", "-9", "1"])).exitCode).toBe(0);
    expect(killed).toBe(1);
    expect((await run(["kill", "42"])).exitCode).toBe(1);
  });

  it("sleeps for its operands (added up, with units, capped) between the output around it", async () => {
    const events: string[] = [];
    const timed: CommandContext = { ...ctx, sleep: async (ms) => void events.push(`sleep ${ms}`) };
    const exitCode = await runCommand(
      ["sh", "-c", "echo before; sleep 1.5 2s; echo after; sleep 3600"],
      timed,
      { write: (stream, text) => void events.push(`${stream} ${text.trim()}`) },
    );
    expect(exitCode).toBe(0);
    expect(events).toEqual([
      "stdout before",
      "sleep 3500",
      "stdout after",
      `sleep ${MAX_SLEEP_SECONDS * 1000}`,
    ]);
    expect(sleepSeconds(["10s", ".5", "2m"])).toBe(130.5);
    const invalid = await run(["sleep", "soon"], timed);
    expect(invalid).toMatchObject({ exitCode: 1, stderr: "sleep: invalid time interval 'soon'\n" });
    expect((await run(["sleep"], timed)).exitCode).toBe(1);
  });
});

describe("a list's Accept header", () => {
  const partial = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
  it.each([
    [partial, true],
    [`${partial}, application/json`, true],
    ["application/json; as=PartialObjectMetadataList; g=meta.k8s.io; v=v1", true],
    [`application/json, ${partial}`, false],
    ["application/json", false],
    ["*/*", false],
    ["", false],
    ["application/json;as=Table;g=meta.k8s.io;v=v1", false],
    [`application/json;as=Table;g=meta.k8s.io;v=v1, ${partial}`, true],
    ["application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta9", false],
    [`application/yaml, ${partial}`, true],
  ])("%j asks for metadata only: %s", (accept, expected) => {
    expect(wantsMetadataOnly(accept)).toBe(expected);
  });
});

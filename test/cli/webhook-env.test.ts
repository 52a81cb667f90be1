// CHAOS_ACTION_WEBHOOK_URL is read by `run` like --webhook-url; a value that is not a URL is bad input,
// said without repeating it (it is a credential), before anything runs.
import { expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.ts";

it("refuses a CHAOS_ACTION_WEBHOOK_URL that is not a URL, without printing it", async () => {
  const err: string[] = [];
  const out: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd: import.meta.dirname,
    env: { PATH: process.env.PATH, CHAOS_ACTION_WEBHOOK_URL: "hooks.slack.com/services/T0/B0/sekrit" },
    onSignal: () => () => {},
  };
  expect(await main(["run", "nothing-here.yaml", "--output", "jsonl"], io)).toBe(2);
  expect(err[0]).toBe("error: CHAOS_ACTION_WEBHOOK_URL is not a URL");
  expect([...out, ...err].join("\n")).not.toContain("sekrit");
});

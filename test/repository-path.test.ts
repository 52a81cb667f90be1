// The action's repository path is declared once, in package.json's `repository`; the README's
// `uses:` lines and every schema address in the README and the shipped experiments name it, so a
// fork changes package.json and follows this test to each line to update.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };

const root = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** `owner/name` of a `git+https://github.com/owner/name.git` URL. */
function repositoryPath(url: string): string {
  const match = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(url);
  if (!match?.[1]) throw new Error(`package.json repository.url is not a GitHub URL: ${url}`);
  return match[1];
}

const shippedExperiments = ["experiments"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => `${dir}/${name}`),
);

describe("the action's repository path", () => {
  const path = repositoryPath(packageJson.repository.url);

  it("is declared in package.json", () => {
    expect(packageJson.repository.type).toBe("git");
    expect(path).toBe("chaos-action/chaos-action");
  });

  it("is what every README example uses, pinned by major", () => {
    const readme = read("README.md");
    const uses = [
      ...readme.matchAll(/uses:\s*([\w.<>-]+\/[\w.-]*chaos-action)@(<40-character SHA>|[\w.-]+)/g),
    ];
    expect(uses.length).toBeGreaterThan(5);
    for (const [line, repo, ref] of uses) {
      expect(repo, line).toBe(path);
      expect(ref, line).toMatch(/^v\d+$|^<40-character SHA>$/);
    }
    expect(readme).not.toContain("<org>");
    const installs = [...readme.matchAll(/npx --yes github:([\w.-]+\/[\w.-]+)#/g)];
    expect(installs.length).toBeGreaterThan(0);
    for (const [line, repo] of installs) expect(repo, line).toBe(path);
  });

  it("is in every schema address of the README and the shipped experiments", () => {
    const files = ["README.md", ...shippedExperiments];
    let addresses = 0;
    for (const file of files) {
      for (const [address, repo] of read(file).matchAll(
        /raw\.githubusercontent\.com\/([^/\s]+\/[^/\s]+)\//g,
      )) {
        addresses += 1;
        expect(repo, `${file}: ${address}`).toBe(path);
      }
    }
    expect(addresses).toBeGreaterThanOrEqual(files.length);
  });
});

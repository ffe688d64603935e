import { describe, expect, it } from "vitest";
import { referencesInToolOutput } from "./references";

describe("references in tool output", () => {
  it("finds the commit and branch of `git commit`", () => {
    expect(
      referencesInToolOutput("[feature/login 3f2a91c] Add login form\n 2 files changed, 40 insertions(+)"),
    ).toEqual([
      { kind: "commit", value: "3f2a91c" },
      { kind: "branch", value: "feature/login" },
    ]);
    expect(referencesInToolOutput("[main (root-commit) 0123abcd] initial")).toContainEqual({
      kind: "commit",
      value: "0123abcd",
    });
  });

  it("finds the pull request URL of `gh pr create` and branches pushed", () => {
    const output = "Creating pull request for fix-cache into main\n\nhttps://github.com/acme/api/pull/482\n";
    expect(referencesInToolOutput(output)).toEqual([{ kind: "pr-url", value: "https://github.com/acme/api/pull/482" }]);
    const push = "To github.com:acme/api.git\n * [new branch]      fix-cache -> fix-cache\n";
    expect(referencesInToolOutput(push)).toEqual([{ kind: "branch", value: "fix-cache" }]);
  });

  it("finds nothing in ordinary output", () => {
    expect(referencesInToolOutput("PASS src/app.test.ts\n[1/2] done")).toEqual([]);
  });
});

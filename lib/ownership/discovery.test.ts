/** What discovery reads from a run's own strings: repository folders, tasks, service users. */
import { describe, expect, it } from "vitest";
import {
  discoverRepository,
  discoverTask,
  isServiceUser,
  pullRequestKey,
  repositoryFolder,
  repositoryNameFromUrl,
  ticketKeyIn,
} from "./discovery";

describe("repository discovery", () => {
  it.each([
    ["/home/ana/src/billing-api", "billing-api"],
    ["/home/ana/src/billing-api/lib/payments", "billing-api"],
    ["/Users/bo/work/web-app/packages/ui", "web-app"],
    ["/Users/bo/web-app", "web-app"],
    ["/home/ana/src/billing-api/.worktrees/refunds/lib", "billing-api"],
    ["/home/ana/src/billing-api-worktrees/ledger", "billing-api"],
    ["/Users/bo/code/web-app/.claude/worktrees/agent-1", "web-app"],
    ["/home/runner/work/web-app/web-app", "web-app"],
    ["C:\\Users\\cy\\source\\repos\\desktop-app\\src", "desktop-app"],
    ["/workspace/infra/terraform", "infra"],
    ["/root/scratch", "scratch"],
    ["/app/server", "app"],
  ])("%s is %s", (cwd, name) => {
    expect(repositoryFolder(cwd)).toBe(name);
  });

  it.each(["/home/ana", "/home/ana/src", "/Users/bo/.claude", "/tmp/x", "/", "/workspace"])(
    "%s names no repository",
    (cwd) => {
      expect(repositoryFolder(cwd)).toBeNull();
    },
  );

  it("prefers the remote URL's name", () => {
    expect(repositoryNameFromUrl("git@github.com:acme/billing-api.git")).toBe("billing-api");
    expect(repositoryNameFromUrl("https://github.com/acme/web-app/")).toBe("web-app");
    expect(repositoryNameFromUrl("ssh://git@host:2222/acme/infra.git?x=1")).toBe("infra");
    expect(discoverRepository("https://github.com/acme/billing-api.git", "/home/dan/code/payments")).toEqual({
      name: "billing-api",
      from: "repository",
    });
    expect(discoverRepository(null, "/home/dan/code/payments")).toEqual({ name: "payments", from: "directory" });
  });

  it("stays linear on hostile paths", () => {
    const hostile = `/home/${"a/".repeat(100_000)}`;
    const started = Date.now();
    repositoryFolder(hostile);
    repositoryNameFromUrl(`${"/".repeat(100_000)}x`);
    pullRequestKey("/".repeat(100_000));
    ticketKeyIn("A".repeat(100_000));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("task discovery", () => {
  it("takes a ticket key from the branch, then the first prompt", () => {
    expect(discoverTask("feat/PAY-123-retry", null, null)).toEqual({ key: "PAY-123", from: "ticket" });
    expect(discoverTask("main", "Fix OPS-7: the ledger drifts", null)).toEqual({ key: "OPS-7", from: "ticket" });
    expect(ticketKeyIn("move to UTF-8 and GPT-4 first, then WEB-12")).toBe("WEB-12");
  });

  it("else a branch that is not the default, else a pull request", () => {
    expect(discoverTask("feature/onboarding-flow", null, null)).toEqual({
      key: "feature/onboarding-flow",
      from: "branch",
    });
    for (const branch of ["main", "master", "trunk", "develop", "HEAD"])
      expect(discoverTask(branch, "no ticket here", null)).toBeNull();
    expect(discoverTask("main", null, "https://github.com/acme/web-app/pull/42")).toEqual({
      key: "web-app#42",
      from: "pr",
    });
  });
});

describe("people", () => {
  it("are not service accounts", () => {
    for (const user of [
      "root",
      "runner",
      "ci",
      "ubuntu",
      "ec2-user",
      "admin",
      "user",
      "USER",
      "vagrant",
      "docker",
      "node",
      "jenkins",
      "gitlab-runner",
      "github",
      "dependabot[bot]",
    ])
      expect(isServiceUser(user)).toBe(true);
    for (const user of ["ana", "bo", "marco"]) expect(isServiceUser(user)).toBe(false);
  });
});

/**
 * Discovery at ingest on Postgres: traces from four machines imported into a new team with no
 * set-up get owners, projects and tasks from what they say; the switches turn each kind off;
 * rules and manual assignments still win; rollups add up to the team total exactly throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assistantLine, userToolResultLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import { spendByGroup, unallocatedKey } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { expectDiscoveredCorpus, expectRollupsAddUp, ingestMultiMachine } from "@/lib/testing/multi-machine";
import { assignRuns, createPerson, createRule, updateDiscoverySettings } from "./manage";

let team: TestTeam;
let scope: Scope;

beforeAll(async () => {
  team = await createTestTeam("discovery");
  scope = userScope(team);
  await ingestMultiMachine(scope);
});
afterAll(closeDb);

describe("discovery at ingest", () => {
  it("names owners, projects and tasks from the data alone, and the rollups add up", async () => {
    await expectDiscoveredCorpus(scope);
  });

  it("is idempotent: importing again creates nothing new", async () => {
    const counts = async () => [
      await db().person.count({ where: { teamId: team.teamId } }),
      await db().project.count({ where: { teamId: team.teamId } }),
      await db().task.count({ where: { teamId: team.teamId } }),
    ];
    const before = await counts();
    expect((await ingestMultiMachine(scope)).calls).toBe(0);
    expect(await counts()).toEqual(before);
    await expectDiscoveredCorpus(scope);
  });

  it("lets an admin switch each kind off, and back on", async () => {
    await updateDiscoverySettings(scope, { discoverOwners: false, discoverProjects: false, discoverTasks: true });
    const owners = await spendByGroup(scope, { ...wholeRange, groupBy: "owner" });
    expect(owners.rows.map((row) => row.key)).toEqual([unallocatedKey]);
    expect((await spendByGroup(scope, { ...wholeRange, groupBy: "project" })).rows.map((row) => row.key)).toEqual([
      unallocatedKey,
    ]);
    expect((await spendByGroup(scope, { ...wholeRange, groupBy: "task" })).rows.length).toBeGreaterThan(2);
    await expectRollupsAddUp(team.teamId);
    await updateDiscoverySettings(scope, { discoverOwners: true, discoverProjects: true, discoverTasks: true });
    await expectDiscoveredCorpus(scope);
  });

  it("keeps rules and manual assignments above discovery", async () => {
    const platform = await createPerson(scope, { displayName: "Platform team" });
    const rule = await createRule(scope, {
      name: "CI",
      matchField: "cwd",
      pattern: "/home/runner/**",
      setOwnerId: platform.id,
      setProjectId: "",
      setTaskId: "",
    });
    const ci = await db().run.findFirstOrThrow({
      where: { teamId: team.teamId, cwd: { startsWith: "/home/runner/" } },
    });
    expect(ci).toMatchObject({ ownerId: platform.id, ownerSetBy: `rule:${rule.id}` });
    const anaRun = await db().run.findFirstOrThrow({
      where: { teamId: team.teamId, cwd: "/home/ana/src/billing-api" },
    });
    await assignRuns(scope, { runIds: [anaRun.id], ownerId: platform.id });
    await createRule(scope, {
      name: "everything",
      matchField: "source",
      pattern: "*",
      setOwnerId: platform.id,
      setProjectId: "",
      setTaskId: "",
    });
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: { not: platform.id } } })).toBe(0);
    expect((await db().run.findFirstOrThrow({ where: { teamId: team.teamId, id: anaRun.id } })).ownerSetBy).toMatch(
      /^manual:/,
    );
    // Projects and tasks still come from the data: the rules set only owners.
    expect(await db().run.count({ where: { teamId: team.teamId, projectId: null } })).toBe(0);
    await expectRollupsAddUp(team.teamId);
  });

  it("makes one project of one repository when machines upload at the same time", async () => {
    const fresh = await createTestTeam("discovery-concurrent");
    const freshScope = userScope(fresh);
    await Promise.all(
      ["ana-laptop", "dan-desktop", "bo-mac", "ci-runner"].map((machine) => ingestMultiMachine(freshScope, machine)),
    );
    const projects = await db().project.findMany({ where: { teamId: fresh.teamId }, orderBy: { name: "asc" } });
    expect(projects.map((project) => [project.name, project.discoveryKeys])).toEqual([
      ["billing-api", ["billing-api"]],
      ["infra", ["infra"]],
      ["web-app", ["web-app"]],
    ]);
    await expectDiscoveredCorpus(freshScope);
  });

  it("names a run's task from the pull request it opened, when its branch is the default", async () => {
    const fresh = await createTestTeam("discovery-pr");
    const freshScope = userScope(fresh);
    const text = [
      assistantLine({
        messageId: "m1",
        requestId: "r1",
        cwd: "/home/eve/src/web-app",
        content: [{ type: "tool_use", id: "tu1", name: "Bash", input: { command: "gh pr create --fill" } }],
      }),
      userToolResultLine("tu1", "https://github.com/acme/web-app/pull/42\n"),
      assistantLine({ messageId: "m2", requestId: "r2", cwd: "/home/eve/src/web-app" }),
    ].join("\n");
    await ingestFile(freshScope, {
      format: "claude-code",
      fileName: "session-1.jsonl",
      body: { bytes: [Buffer.from(text)], gzip: false },
    });
    const run = await db().run.findFirstOrThrow({ where: { teamId: fresh.teamId } });
    expect(run.gitBranch).toBe("main");
    expect(run.taskSetBy).toBe("pr:web-app#42");
    expect(await db().task.findFirstOrThrow({ where: { teamId: fresh.teamId, id: run.taskId! } })).toMatchObject({
      key: "web-app#42",
    });
    await expectRollupsAddUp(fresh.teamId);
    expect((await spendByGroup(freshScope, { ...wholeRange, groupBy: "task" })).rows.map((row) => row.key)).toEqual([
      "web-app#42",
    ]);
  });
});

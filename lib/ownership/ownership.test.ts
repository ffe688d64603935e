/**
 * Cost ownership on real fixtures: precedence (manual > rules top to bottom > identity links >
 * project patterns > ticket keys), preview before apply, and the invariant that the rollups by
 * owner, project and task equal what the raw calls and the runs' attribution say, to the last
 * digit, after rule edits, reorders, splits, manual assignments and re-imports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder } from "@/lib/testing/ingest-fixtures";
import {
  assignRuns,
  createPerson,
  createProject,
  createRule,
  linkIdentity,
  mergePeople,
  moveRule,
  splitRun,
  updateDiscoverySettings,
} from "./manage";
import { previewRules } from "./reattribute";

const CallTable = table("Call");
const DailySpendTable = table("DailySpend");

let team: TestTeam;
let scope: Scope;
let actor: Scope;

/**
 * DailySpend grouped by `dimension`, next to the same sums computed from the raw calls and the
 * runs' current attribution (with split shares): both as exact numeric text.
 */
async function rollupAgainstCalls(dimension: "ownerId" | "projectId" | "taskId") {
  const column = {
    ownerId: `coalesce(s."personId"::text, r."ownerId"::text, '')`,
    projectId: `coalesce(r."projectId"::text, '')`,
    taskId: `coalesce(r."taskId"::text, '')`,
  }[dimension];
  const fromCalls = await db().$queryRawUnsafe<{ key: string; cost: string; tokens: string }[]>(
    `SELECT ${column} AS key, sum(c."costUsd" * coalesce(s.percent / 100, 1))::text AS cost,
       sum(c."cacheRead" * coalesce(s.percent / 100, 1))::text AS tokens
     FROM "Call" c JOIN "Run" r ON r."teamId" = c."teamId" AND r.id = c."runId"
     LEFT JOIN "RunOwnerShare" s ON s."teamId" = r."teamId" AND s."runId" = r.id
     WHERE c."teamId" = $1::uuid GROUP BY 1 ORDER BY 1`,
    team.teamId,
  );
  const fromRollup = await db().$queryRawUnsafe<{ key: string; cost: string; tokens: string }[]>(
    `SELECT "${dimension}" AS key, sum("costUsd")::text AS cost, sum("cacheReadTokens")::text AS tokens FROM "DailySpend" WHERE "teamId" = $1::uuid GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 1`,
    team.teamId,
  );
  const normalize = (rows: { key: string; cost: string; tokens: string }[]) =>
    rows.map((row) => ({
      key: row.key,
      cost: Number(row.cost).toFixed(12),
      tokens: Number(row.tokens).toFixed(6),
      exactCost: row.cost.replace(/\.?0+$/, ""),
    }));
  return { fromCalls: normalize(fromCalls), fromRollup: normalize(fromRollup) };
}

async function expectRollupsConsistent() {
  for (const dimension of ["ownerId", "projectId", "taskId"] as const) {
    const { fromCalls, fromRollup } = await rollupAgainstCalls(dimension);
    expect(fromRollup).toEqual(fromCalls);
  }
  const [totals] = await db().$queryRaw<{ calls: string; rollup: string }[]>`
    SELECT (SELECT sum(${CallTable.costUsd})::text FROM ${CallTable.$} WHERE ${CallTable.teamId} = ${team.teamId}::uuid) AS calls,
           (SELECT sum(${CallTable.costUsd})::text FROM ${DailySpendTable.$} WHERE ${CallTable.teamId} = ${team.teamId}::uuid) AS rollup`;
  expect(Number(totals!.rollup)).toBe(Number(totals!.calls));
  expect(totals!.rollup.replace(/\.?0+$/, "")).toBe(totals!.calls.replace(/\.?0+$/, ""));
}

const runOf = (cwdPrefix: string) =>
  db().run.findFirstOrThrow({
    where: { teamId: team.teamId, cwd: { startsWith: cwdPrefix } },
    orderBy: { costUsd: "desc" },
  });

beforeAll(async () => {
  team = await createTestTeam("owners");
  scope = userScope(team);
  actor = scope;
  // Precedence below discovery is tested here, from a clean slate; discovery-ingest.test.ts tests discovery.
  await updateDiscoverySettings(actor, { discoverOwners: false, discoverProjects: false, discoverTasks: false });
  for (const folder of ["spotter/test/fixtures/transcripts", "sniffly", "claude-code-viewer"])
    await ingestFixtureFolder(scope, folder);
});
afterAll(closeDb);

describe("cost ownership", () => {
  it("starts with everything unallocated and consistent", async () => {
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: { not: null } } })).toBe(0);
    await expectRollupsConsistent();
  });

  it("previews a rule without changing anything, then applies it to history", async () => {
    const ana = await createPerson(actor, { displayName: "Ana", email: "ana@example.com" });
    const proposed = {
      id: "preview",
      position: 1,
      matchField: "cwd" as const,
      pattern: "/home/marco/**",
      setOwnerId: ana.id,
      setProjectId: null,
      setTaskId: null,
      enabled: true,
    };
    const moves = await previewRules(team.teamId, (rules) => [...rules, proposed]);
    const spotterRuns = await db().run.findMany({
      where: { teamId: team.teamId, cwd: { startsWith: "/home/marco/" } },
    });
    expect(moves).toEqual([
      {
        field: "owner",
        fromId: null,
        toId: ana.id,
        runs: spotterRuns.length,
        costUsd: expect.closeTo(
          spotterRuns.reduce((sum, r) => sum + Number(r.costUsd), 0),
          9,
        ),
      },
    ]);
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: ana.id } })).toBe(0);

    const rule = await createRule(actor, {
      name: "marco's machine",
      matchField: "cwd",
      pattern: "/home/marco/**",
      setOwnerId: ana.id,
      setProjectId: "",
      setTaskId: "",
    });
    const owned = await db().run.findMany({ where: { teamId: team.teamId, ownerId: ana.id } });
    expect(owned).toHaveLength(spotterRuns.length);
    expect(owned.every((run) => run.ownerSetBy === `rule:${rule.id}`)).toBe(true);
    await expectRollupsConsistent();
    const log = await db().auditLog.findFirstOrThrow({ where: { teamId: team.teamId, action: "rule.create" } });
    expect(log).toMatchObject({ actorUserId: team.adminUserId, entityId: rule.id });
  });

  it("applies rules top to bottom, and reordering changes who wins", async () => {
    const ben = await createPerson(actor, { displayName: "Ben" });
    const second = await createRule(actor, {
      name: "all opus",
      matchField: "model",
      pattern: "claude-opus-*",
      setOwnerId: ben.id,
      setProjectId: "",
      setTaskId: "",
    });
    const spotterMain = await runOf("/home/marco/");
    expect(spotterMain.ownerSetBy).not.toBe(`rule:${second.id}`);
    await moveRule(actor, second.id, "up");
    const after = await runOf("/home/marco/");
    expect(after).toMatchObject({ ownerId: ben.id, ownerSetBy: `rule:${second.id}` });
    await expectRollupsConsistent();
  });

  it("links identities to people, matches projects by path, and finds tickets", async () => {
    const chip = await db().identity.findFirstOrThrow({
      where: { teamId: team.teamId, kind: "os-user", value: "chip" },
    });
    const cara = await createPerson(actor, { displayName: "Cara" });
    await linkIdentity(actor, chip.id, cara.id);
    const musicRun = await runOf("/Users/chip/");
    expect(musicRun).toMatchObject({ ownerId: cara.id, ownerSetBy: `identity:${chip.id}` });
    const project = await createProject(actor, { name: "ai-music", pathPattern: "/Users/chip/dev/ai-music{,/**}" });
    expect(await runOf("/Users/chip/")).toMatchObject({
      projectId: project.id,
      projectSetBy: `project-pattern:${project.id}`,
    });
    await expectRollupsConsistent();
  });

  it("keeps a manual assignment above every rule, and splits a run exactly", async () => {
    const dora = await createPerson(actor, { displayName: "Dora" });
    const run = await runOf("/home/marco/");
    await assignRuns(actor, { runIds: [run.id], ownerId: dora.id });
    await createRule(actor, {
      name: "catch-all",
      matchField: "source",
      pattern: "*",
      setOwnerId: (await createPerson(actor, { displayName: "Eve" })).id,
      setProjectId: "",
      setTaskId: "",
    });
    await moveRule(
      actor,
      (await db().ownershipRule.findFirstOrThrow({ where: { teamId: team.teamId, name: "catch-all" } })).id,
      "up",
    );
    expect(await db().run.findFirstOrThrow({ where: { teamId: team.teamId, id: run.id } })).toMatchObject({
      ownerId: dora.id,
      ownerSetBy: `manual:${team.adminUserId}`,
    });

    const people = await db().person.findMany({
      where: { teamId: team.teamId, displayName: { in: ["Ana", "Ben", "Dora"] } },
    });
    await splitRun(
      actor,
      run.id,
      people.map((person, index) => ({ personId: person.id, percent: index === 2 ? 33.3334 : 33.3333 })),
    );
    await expectRollupsConsistent();
    await expect(splitRun(actor, run.id, [{ personId: dora.id, percent: 50 }])).rejects.toThrow(/add up to 100%/);
  });

  it("stays consistent after re-imports and merges", async () => {
    await ingestFixtureFolder(scope, "sniffly");
    await ingestFixtureFolder(scope, "spotter/test/fixtures/transcripts");
    await expectRollupsConsistent();
    const [eve, ben] = await Promise.all(
      ["Eve", "Ben"].map((name) => db().person.findFirstOrThrow({ where: { teamId: team.teamId, displayName: name } })),
    );
    await mergePeople(actor, eve!.id, ben!.id);
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: eve!.id } })).toBe(0);
    await expectRollupsConsistent();
  });

  it("refuses another team's people in rules and assignments", async () => {
    const other = await createTestTeam("owners-other");
    const stranger = await createPerson(userScope(other), { displayName: "Stranger" });
    await expect(
      createRule(actor, {
        name: "x",
        matchField: "source",
        pattern: "*",
        setOwnerId: stranger.id,
        setProjectId: "",
        setTaskId: "",
      }),
    ).rejects.toThrow(/not in this team/);
    const run = await runOf("/home/marco/");
    await expect(assignRuns(userScope(other), { runIds: [run.id], ownerId: stranger.id })).rejects.toThrow(
      /not in this team/,
    );
  });

  it("refuses every change from managers, members and keys, and changes nothing", async () => {
    const run = await runOf("/home/marco/");
    const before = await db().run.findFirstOrThrow({ where: { teamId: team.teamId, id: run.id } });
    const outsiders: Scope[] = [
      userScope(team, "MANAGER"),
      userScope(team, "MEMBER"),
      {
        ...scope,
        actor: { kind: "apiKey", apiKeyId: "00000000-0000-0000-0000-000000000000", scopes: ["ingest", "read"] },
      },
    ];
    for (const outsider of outsiders) {
      await expect(assignRuns(outsider, { runIds: [run.id], ownerId: "" })).rejects.toThrow(/only admins/);
      await expect(
        createRule(outsider, {
          name: "x",
          matchField: "source",
          pattern: "*",
          setOwnerId: before.ownerId ?? "",
          setProjectId: "",
          setTaskId: "",
        }),
      ).rejects.toThrow(/only admins/);
      await expect(createPerson(outsider, { displayName: "Mallory" })).rejects.toThrow(/only admins/);
      await expect(splitRun(outsider, run.id, [])).rejects.toThrow(/only admins/);
    }
    expect(await db().run.findFirstOrThrow({ where: { teamId: team.teamId, id: run.id } })).toEqual(before);
    expect(await db().person.count({ where: { teamId: team.teamId, displayName: "Mallory" } })).toBe(0);
  });
});

/**
 * Outcomes end to end on Postgres: the outcomes API with its permissions and body limits, and cost
 * per accepted outcome. The GitHub webhook: github-webhook.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOutcomeCost } from "@/app/api/v1/outcomes/cost/route";
import { POST as postOutcome } from "@/app/api/v1/outcomes/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";

let team: TestTeam;
let scope: Scope;
let runs: { id: string; externalId: string; gitBranch: string | null; costUsd: number }[];

beforeAll(async () => {
  team = await createTestTeam("outcomes");
  scope = userScope(team);
  await ingestFixtureFolder(scope, "spotter/test/fixtures/transcripts");
  runs = (await teamDb(scope).run.findMany({ orderBy: { startedAt: "asc" } })).map((run) => ({
    id: run.id,
    externalId: run.externalId,
    gitBranch: run.gitBranch,
    costUsd: Number(run.costUsd),
  }));
});

afterAll(closeDb);

describe("outcomes API", () => {
  const post = (key: string, body: unknown) =>
    postOutcome(
      new Request("http://test/api/v1/outcomes", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      {},
    );

  it("takes an ingest key, by session id, and records the decision with an audit entry", async () => {
    const response = await post(team.ingestKey, {
      externalId: runs[3]!.externalId,
      status: "ABANDONED",
      evidence: "gave up",
    });
    expect(response.status).toBe(201);
    expect((await response.json()).outcome).toMatchObject({
      runId: runs[3]!.id,
      status: "ABANDONED",
      source: "api",
      evidence: "gave up",
    });
    const audit = await teamDb(scope).auditLog.findMany({ where: { action: "run.outcome", entityId: runs[3]!.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ outcome: "ABANDONED" });
  });

  it("answers 400 to NUL bytes in any text field, and 413 to a body past the cap, chunked or not", async () => {
    expect((await post(team.ingestKey, { externalId: "a\u0000b", status: "ACCEPTED" })).status).toBe(400);
    expect((await post(team.ingestKey, { runId: runs[0]!.id, status: "ACCEPTED", evidence: "x\u0000" })).status).toBe(
      400,
    );
    const big = JSON.stringify({ runId: runs[0]!.id, status: "ACCEPTED", evidence: "x".repeat(64 * 1024) });
    const headers = { authorization: `Bearer ${team.ingestKey}`, "content-type": "application/json" };
    expect(
      (await postOutcome(new Request("http://test/api/v1/outcomes", { method: "POST", headers, body: big }), {}))
        .status,
    ).toBe(413);
    // A stream without Content-Length that never ends: refused once past the cap, without waiting for the end.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024;
        controller.enqueue(
          new TextEncoder().encode(sent === 1024 ? `{"evidence":"${"x".repeat(1000)}` : "x".repeat(1024)),
        );
      },
    });
    const chunked = new Request("http://test/api/v1/outcomes", {
      method: "POST",
      headers,
      body: endless,
      duplex: "half",
    } as RequestInit);
    const response = await postOutcome(chunked, {});
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("too_large");
    expect(sent).toBeLessThan(64 * 1024);
  });

  it("refuses a read-only key, a bad body and an unknown run", async () => {
    expect((await post(team.readKey, { runId: runs[0]!.id, status: "ACCEPTED" })).status).toBe(403);
    expect((await post(team.ingestKey, { runId: runs[0]!.id, status: "MAYBE" })).status).toBe(400);
    expect((await post(team.ingestKey, { status: "ACCEPTED" })).status).toBe(400);
    expect((await post(team.ingestKey, { externalId: "nope", status: "ACCEPTED" })).status).toBe(404);
  });
});

describe("cost per accepted outcome", () => {
  it("is all of the period's spend over its accepted outcomes, with the unaccepted spend beside it", async () => {
    const fresh = await createTestTeam("outcome-cost");
    const freshScope = userScope(fresh);
    // Everything in one unallocated row: discovery off (lib/ownership tests it).
    const { updateDiscoverySettings } = await import("@/lib/ownership/manage");
    await updateDiscoverySettings(freshScope, { discoverOwners: false, discoverProjects: false, discoverTasks: false });
    await ingestFixtureFolder(freshScope, "spotter/test/fixtures/transcripts");
    const spend = (await spendByGroup(freshScope, { ...wholeRange, groupBy: "day" })).totals.costUsd;
    const before = await costPerOutcome(freshScope, { ...wholeRange, groupBy: "week" });
    expect(before.totals).toMatchObject({ acceptedOutcomes: 0, costPerAcceptedUsd: null });
    expect(before.totals.spendUsd).toBeCloseTo(spend, 9);
    expect(before.totals.unacceptedSpendUsd).toBeCloseTo(spend, 9);

    const all = await teamDb(freshScope).run.findMany({ orderBy: { costUsd: "desc" } });
    const { recordOutcomes } = await import("./record-outcome");
    const actor = { userId: fresh.adminUserId, apiKeyId: null };
    await recordOutcomes(freshScope, { runIds: [all[0]!.id, all[1]!.id], status: "ACCEPTED", source: "manual" }, actor);
    // Accepted then rejected: the latest decision counts, so this run is not accepted.
    await recordOutcomes(freshScope, { runIds: [all[2]!.id], status: "ACCEPTED", source: "manual" }, actor);
    await recordOutcomes(freshScope, { runIds: [all[2]!.id], status: "REJECTED", source: "manual" }, actor);
    // Accepted twice (a redelivered webhook): counted once.
    await recordOutcomes(
      freshScope,
      { runIds: [all[0]!.id], status: "ACCEPTED", source: "github" },
      { userId: null, apiKeyId: null },
    );

    const today = new Date().toISOString().slice(0, 10);
    const result = await costPerOutcome(freshScope, { from: "2000-01-01", to: today, groupBy: "week" });
    expect(result.totals.acceptedOutcomes).toBe(2);
    expect(result.totals.costPerAcceptedUsd).toBeCloseTo(spend / 2, 9);
    const acceptedSpend = Number(all[0]!.costUsd) + Number(all[1]!.costUsd);
    expect(result.totals.unacceptedSpendUsd).toBeCloseTo(spend - acceptedSpend, 9);
    // Rows add up to the totals.
    expect(result.rows.reduce((sum, row) => sum + row.acceptedOutcomes, 0)).toBe(2);
    expect(result.rows.reduce((sum, row) => sum + row.spendUsd, 0)).toBeCloseTo(spend, 9);

    const byProject = await costPerOutcome(freshScope, { from: "2000-01-01", to: today, groupBy: "project" });
    expect(byProject.rows.map((row) => row.key)).toEqual(["unallocated"]);
    expect(byProject.rows[0]).toMatchObject({ acceptedOutcomes: 2 });

    const response = await getOutcomeCost(
      new Request(`http://test/api/v1/outcomes/cost?from=2000-01-01&to=${today}&groupBy=owner`, {
        headers: { authorization: `Bearer ${fresh.readKey}` },
      }),
      {},
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.totals).toEqual(result.totals);
    expect(body.rows[0]).toEqual(
      expect.objectContaining({
        key: "unallocated",
        spendUsd: expect.any(Number),
        acceptedOutcomes: 2,
        costPerAcceptedUsd: expect.any(Number),
        unacceptedSpendUsd: expect.any(Number),
      }),
    );
  });
});

describe("cost per accepted outcome for one project", () => {
  it("filters spend, accepted outcomes and unaccepted spend alike, so a project's trend adds up to its row", async () => {
    const fresh = await createTestTeam("outcome-project");
    const freshScope = userScope(fresh);
    const { assignRuns, createProject, updateDiscoverySettings } = await import("@/lib/ownership/manage");
    await updateDiscoverySettings(freshScope, { discoverOwners: false, discoverProjects: false, discoverTasks: false });
    await ingestFixtureFolder(freshScope, "spotter/test/fixtures/transcripts");
    const { recordOutcomes } = await import("./record-outcome");
    const project = await createProject(freshScope, { name: "spotter" });
    const all = await teamDb(freshScope).run.findMany({ orderBy: { costUsd: "desc" } });
    await assignRuns(freshScope, { runIds: [all[0]!.id, all[1]!.id], projectId: project.id });
    await recordOutcomes(
      freshScope,
      { runIds: [all[0]!.id, all[2]!.id], status: "ACCEPTED", source: "manual" },
      { userId: fresh.adminUserId, apiKeyId: null },
    );

    const today = new Date().toISOString().slice(0, 10);
    const range = { from: "2000-01-01", to: today };
    const row = (await costPerOutcome(freshScope, { ...range, groupBy: "project" })).rows.find(
      (r) => r.key === "spotter",
    )!;
    expect(row).toMatchObject({ acceptedOutcomes: 1, unacceptedSpendUsd: expect.closeTo(Number(all[1]!.costUsd), 9) });
    expect(row.spendUsd).toBeCloseTo(Number(all[0]!.costUsd) + Number(all[1]!.costUsd), 9);
    const trend = await costPerOutcome(freshScope, { ...range, groupBy: "week", project: "spotter" });
    expect(trend.totals).toMatchObject({ acceptedOutcomes: row.acceptedOutcomes });
    expect(trend.totals.spendUsd).toBeCloseTo(row.spendUsd, 9);
    expect(trend.totals.unacceptedSpendUsd).toBeCloseTo(row.unacceptedSpendUsd, 9);
    const unallocated = await costPerOutcome(freshScope, { ...range, groupBy: "week", project: "unallocated" });
    expect(unallocated.totals.acceptedOutcomes).toBe(1);
    expect(unallocated.totals.spendUsd + trend.totals.spendUsd).toBeCloseTo(
      (await costPerOutcome(freshScope, { ...range, groupBy: "week" })).totals.spendUsd,
      9,
    );
  });
});

describe("who may mark a run", () => {
  it("lets a member decide only about their own runs", async () => {
    const { findDecidableRun } = await import("./record-outcome");
    const { addMember } = await import("@/lib/admin/members");
    const member = await addMember(team.teamId, {
      email: `member-${Date.now()}@example.com`,
      password: "correct horse battery",
      role: "MEMBER",
    });
    const memberScope = userScope(team, "MEMBER", member.userId);
    expect(await findDecidableRun(memberScope, { runId: runs[0]!.id })).toBeNull();
    const person = await teamDb(scope).person.findFirstOrThrow({ where: { userId: member.userId } });
    await db().run.update({
      where: { teamId_id: { teamId: team.teamId, id: runs[0]!.id } },
      data: { ownerId: person.id },
    });
    expect(await findDecidableRun(memberScope, { runId: runs[0]!.id })).toBe(runs[0]!.id);
  });
});

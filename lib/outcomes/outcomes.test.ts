/**
 * Outcomes end to end on Postgres: the GitHub webhook (signature good, bad, missing; matching by
 * branch, commit and PR URL), the outcomes API with its permissions, and cost per accepted outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postWebhook } from "@/app/api/v1/webhooks/github/[teamSlug]/route";
import { POST as postOutcome } from "@/app/api/v1/outcomes/route";
import { GET as getOutcomeCost } from "@/app/api/v1/outcomes/cost/route";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, userScope, type TestTeam } from "@/lib/testing/fixtures";
import { ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { githubSignature } from "./github-webhook";
import { rotateGithubWebhookSecret } from "./webhook-secret";

let team: TestTeam;
let scope: Scope;
let secret: string;
let runs: { id: string; externalId: string; gitBranch: string | null; costUsd: number }[];

beforeAll(async () => {
  team = await createTestTeam("outcomes");
  scope = userScope(team);
  await ingestFixtureFolder(scope, "spotter/test/fixtures/transcripts");
  secret = await rotateGithubWebhookSecret(scope, team.adminUserId);
  runs = (await teamDb(scope).run.findMany({ orderBy: { startedAt: "asc" } })).map((run) => ({ id: run.id, externalId: run.externalId, gitBranch: run.gitBranch, costUsd: Number(run.costUsd) }));
});

afterAll(closeDb);

const pullRequest = (overrides: { merged?: boolean; ref?: string; sha?: string; url?: string; action?: string } = {}) =>
  JSON.stringify({
    action: overrides.action ?? "closed",
    number: 7,
    pull_request: {
      html_url: overrides.url ?? "https://github.com/acme/app/pull/7",
      merged: overrides.merged ?? true,
      merge_commit_sha: "feedfacefeedfacefeedfacefeedfacefeedface",
      head: { ref: overrides.ref ?? "no-such-branch", sha: overrides.sha ?? "0000000000000000000000000000000000000000" },
      base: { ref: "main" },
    },
  });

function delivery(body: string, signature: string | null, slug = team.slug) {
  const headers = new Headers({ "content-type": "application/json", "x-github-event": "pull_request" });
  if (signature !== null) headers.set("x-hub-signature-256", signature);
  return postWebhook(new Request(`http://test/api/v1/webhooks/github/${slug}`, { method: "POST", headers, body }), { params: Promise.resolve({ teamSlug: slug }) });
}

const outcomeRows = () => teamDb(scope).outcome.findMany({ orderBy: { decidedAt: "asc" } });

describe("GitHub webhook", () => {
  it("refuses a missing or wrong signature with 401 and changes nothing", async () => {
    const body = pullRequest({ url: "https://github.com/acme/app/pull/1" });
    await teamDb(scope).runReference.create({ data: { teamId: team.teamId, runId: runs[0]!.id, kind: "pr-url", value: "https://github.com/acme/app/pull/1", seenAt: new Date() } });
    const before = await outcomeRows();
    for (const signature of [null, "sha256=" + "0".repeat(64), githubSignature("another secret", Buffer.from(body)), "garbage"]) {
      const response = await delivery(body, signature);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    // A body changed after signing is refused too.
    expect((await delivery(body.replace("closed", "opened"), githubSignature(secret, Buffer.from(body)))).status).toBe(401);
    expect(await outcomeRows()).toEqual(before);
    expect((await teamDb(scope).run.findFirst({ where: { id: runs[0]!.id } }))!.outcome).toBeNull();
  });

  it("accepts a signed merged PR and marks the run it names by URL ACCEPTED", async () => {
    const body = pullRequest({ url: "https://github.com/acme/app/pull/1" });
    const response = await delivery(body, githubSignature(secret, Buffer.from(body)));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ handled: true, status: "ACCEPTED", matchedRuns: [runs[0]!.id] });
    expect((await teamDb(scope).run.findFirst({ where: { id: runs[0]!.id } }))!.outcome).toBe("ACCEPTED");
    const [outcome] = await teamDb(scope).outcome.findMany({ where: { runId: runs[0]!.id } });
    expect(outcome).toMatchObject({ status: "ACCEPTED", source: "github", evidence: "https://github.com/acme/app/pull/1" });
  });

  it("matches by an abbreviated commit the run made, and marks a closed unmerged PR REJECTED", async () => {
    await teamDb(scope).runReference.create({ data: { teamId: team.teamId, runId: runs[1]!.id, kind: "commit", value: "abc1234", seenAt: new Date() } });
    const body = pullRequest({ merged: false, sha: "abc1234def5678900000000000000000000000000", url: "https://github.com/acme/app/pull/2" });
    const result = await (await delivery(body, githubSignature(secret, Buffer.from(body)))).json();
    expect(result).toMatchObject({ status: "REJECTED", matchedRuns: [runs[1]!.id] });
  });

  it("matches by head branch, never by the base branch", async () => {
    const branch = runs.find((run) => run.gitBranch)?.gitBranch;
    expect(branch).toBeTruthy();
    const sameAsBase = JSON.parse(pullRequest({ ref: branch! }));
    sameAsBase.pull_request.base.ref = branch;
    const baseBody = JSON.stringify(sameAsBase);
    expect((await (await delivery(baseBody, githubSignature(secret, Buffer.from(baseBody)))).json()).matchedRuns).toEqual([]);
    await teamDb(scope).runReference.create({ data: { teamId: team.teamId, runId: runs[2]!.id, kind: "branch", value: "feature/pushed", seenAt: new Date() } });
    const body = pullRequest({ ref: "feature/pushed", merged: false, url: "https://github.com/acme/app/pull/3" });
    expect((await (await delivery(body, githubSignature(secret, Buffer.from(body)))).json()).matchedRuns).toEqual([runs[2]!.id]);
  });

  it("ignores other events and actions, and refuses unknown teams like bad signatures", async () => {
    const opened = pullRequest({ action: "opened" });
    expect(await (await delivery(opened, githubSignature(secret, Buffer.from(opened)))).json()).toMatchObject({ handled: false });
    expect((await delivery(opened, githubSignature(secret, Buffer.from(opened)), "no-such-team")).status).toBe(401);
  });
});

describe("outcomes API", () => {
  const post = (key: string, body: unknown) =>
    postOutcome(new Request("http://test/api/v1/outcomes", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) }), {});

  it("takes an ingest key, by session id, and records the decision with an audit entry", async () => {
    const response = await post(team.ingestKey, { externalId: runs[3]!.externalId, status: "ABANDONED", evidence: "gave up" });
    expect(response.status).toBe(201);
    expect((await response.json()).outcome).toMatchObject({ runId: runs[3]!.id, status: "ABANDONED", source: "api", evidence: "gave up" });
    const audit = await teamDb(scope).auditLog.findMany({ where: { action: "run.outcome", entityId: runs[3]!.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ outcome: "ABANDONED" });
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
    await recordOutcomes(freshScope, { runIds: [all[0]!.id], status: "ACCEPTED", source: "github" }, { userId: null, apiKeyId: null });

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

    const response = await getOutcomeCost(new Request(`http://test/api/v1/outcomes/cost?from=2000-01-01&to=${today}&groupBy=owner`, { headers: { authorization: `Bearer ${fresh.readKey}` } }), {});
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.totals).toEqual(result.totals);
    expect(body.rows[0]).toEqual(expect.objectContaining({ key: "unallocated", spendUsd: expect.any(Number), acceptedOutcomes: 2, costPerAcceptedUsd: expect.any(Number), unacceptedSpendUsd: expect.any(Number) }));
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
    await recordOutcomes(freshScope, { runIds: [all[0]!.id, all[2]!.id], status: "ACCEPTED", source: "manual" }, { userId: fresh.adminUserId, apiKeyId: null });

    const today = new Date().toISOString().slice(0, 10);
    const range = { from: "2000-01-01", to: today };
    const row = (await costPerOutcome(freshScope, { ...range, groupBy: "project" })).rows.find((r) => r.key === "spotter")!;
    expect(row).toMatchObject({ acceptedOutcomes: 1, unacceptedSpendUsd: expect.closeTo(Number(all[1]!.costUsd), 9) });
    expect(row.spendUsd).toBeCloseTo(Number(all[0]!.costUsd) + Number(all[1]!.costUsd), 9);
    const trend = await costPerOutcome(freshScope, { ...range, groupBy: "week", project: "spotter" });
    expect(trend.totals).toMatchObject({ acceptedOutcomes: row.acceptedOutcomes });
    expect(trend.totals.spendUsd).toBeCloseTo(row.spendUsd, 9);
    expect(trend.totals.unacceptedSpendUsd).toBeCloseTo(row.unacceptedSpendUsd, 9);
    const unallocated = await costPerOutcome(freshScope, { ...range, groupBy: "week", project: "unallocated" });
    expect(unallocated.totals.acceptedOutcomes).toBe(1);
    expect(unallocated.totals.spendUsd + trend.totals.spendUsd).toBeCloseTo((await costPerOutcome(freshScope, { ...range, groupBy: "week" })).totals.spendUsd, 9);
  });
});

describe("who may mark a run", () => {
  it("lets a member decide only about their own runs", async () => {
    const { findDecidableRun } = await import("./record-outcome");
    const { addMember } = await import("@/lib/admin/members");
    const member = await addMember(team.teamId, { email: `member-${Date.now()}@example.com`, password: "correct horse battery", role: "MEMBER" });
    const memberScope = userScope(team, "MEMBER", member.userId);
    expect(await findDecidableRun(memberScope, { runId: runs[0]!.id })).toBeNull();
    const person = await teamDb(scope).person.findFirstOrThrow({ where: { userId: member.userId } });
    await db().run.update({ where: { teamId_id: { teamId: team.teamId, id: runs[0]!.id } }, data: { ownerId: person.id } });
    expect(await findDecidableRun(memberScope, { runId: runs[0]!.id })).toBe(runs[0]!.id);
  });
});

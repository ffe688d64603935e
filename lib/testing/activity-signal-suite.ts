/**
 * Claude Code analytics as a weak signal of outcomes, on whichever database the calling test file
 * points the client at (lib/billing/activity-signal.test.ts: Postgres; -embedded: PGlite). Claude
 * Code runs arrive as telemetry (owners by user.email), a second agent's run natively, activity by a
 * real sync against the provider stand-in; outcomes are recorded as a person would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOutcomeCost } from "@/app/api/v1/outcomes/cost/route";
import type { Scope } from "@/lib/auth/scope";
import { createBillingSource } from "@/lib/billing/billing-sources";
import { syncBillingSource } from "@/lib/billing/sync-billing-source";
import { type ProviderStandIn, startProviderStandIn } from "@/lib/billing/testing/provider-stand-in";
import { todayUtc } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { ingestOtlpRequest } from "@/lib/ingest/ingest-otlp";
import { recordOutcomes } from "@/lib/outcomes/record-outcome";
import { assignRuns, createPerson } from "@/lib/ownership/manage";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { createTestTeam, type TestTeam, userScope } from "./fixtures";

const Run = table("Run");

const adminKey = "sk-ant-admin01-activity-0123456789";
/** The days analytics is synced for. */
const syncRange = { from: "2026-11-02", to: "2026-11-08" };
/** Outcomes count on the day they are decided, which is today: the period runs from the runs' week to today. */
const range = { from: "2026-11-02", to: todayUtc() };

const text = (value: string) => ({ stringValue: value });
const attribute = (key: string, value: unknown) => ({ key, value });

/** Claude Code telemetry: one api_request per session, by `email`, at noon of `day`. */
function apiRequests(sessions: { id: string; email: string; day: string }[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attribute("service.name", text("claude-code"))] },
        scopeLogs: [
          {
            logRecords: sessions.map((session) => ({
              timeUnixNano: String(Date.parse(`${session.day}T12:00:00Z`) * 1_000_000),
              body: text("claude_code.api_request"),
              attributes: [
                attribute("event.timestamp", text(`${session.day}T12:00:00.000Z`)),
                attribute("session.id", text(session.id)),
                attribute("user.email", text(session.email)),
                attribute("model", text("claude-sonnet-4-5")),
                attribute("input_tokens", text("100000")),
                attribute("output_tokens", text("10000")),
                attribute("request_id", text(`req-${session.id}`)),
              ],
            })),
          },
        ],
      },
    ],
  });
}

const activity = (day: string, email: string, commits: number, pullRequests: number, added: number) => ({
  day,
  email,
  customerType: "subscription" as const,
  sessions: 1,
  added,
  removed: 2,
  commits,
  pullRequests,
  costCents: [10],
});

export function activitySignalSuite(prefix: string): void {
  let standIn: ProviderStandIn;
  let team: TestTeam;
  let scope: Scope;
  const runId = new Map<string, string>();

  beforeAll(async () => {
    process.env.AUTH_SECRET ??= "activity-test-secret";
    standIn = await startProviderStandIn({
      adminKey,
      pageSize: 2,
      data: {
        anthropic: {
          costs: [],
          usage: [],
          claudeCode: [
            // Ana committed on the 3rd, opened a pull request on the 5th, did neither on the 4th.
            activity("2026-11-03", "ana@example.com", 2, 0, 120),
            activity("2026-11-04", "ana@example.com", 0, 0, 30),
            activity("2026-11-05", "ANA@example.com", 0, 1, 50),
            // Bob is known to analytics by his work address only, an email identity linked to him.
            activity("2026-11-03", "bob@corp.example", 1, 1, 7),
          ],
        },
        openai: { costs: [], usage: [] },
      },
    });
    process.env.TRH_ANTHROPIC_API_URL = standIn.url;
    team = await createTestTeam(`${prefix}-activity`);
    scope = userScope(team);
    const sessions = [
      { id: "ana-committed", email: "ana@example.com", day: "2026-11-03" },
      { id: "ana-accepted", email: "ana@example.com", day: "2026-11-03" },
      { id: "ana-rejected", email: "ana@example.com", day: "2026-11-03" },
      { id: "ana-quiet", email: "ana@example.com", day: "2026-11-04" },
      { id: "ana-pr", email: "ana@example.com", day: "2026-11-05" },
      { id: "bob-work", email: "bob@corp.example", day: "2026-11-03" },
      { id: "cy-nothing", email: "cy@example.com", day: "2026-11-03" },
    ];
    const ingested = await ingestOtlpRequest(
      scope,
      new Request("http://test/api/otlp/v1/logs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: apiRequests(sessions),
      }),
      "logs",
    );
    expect(ingested.errors).toEqual([]);
    // Another agent's run of Ana's on the day she committed: Claude Code's commits say nothing of it.
    const native = await ingestFile(scope, {
      format: "native",
      fileName: "other-agent.jsonl",
      body: {
        bytes: [
          Buffer.from(
            `${JSON.stringify({ sessionId: "ana-other-agent", callKey: "c1", timestamp: "2026-11-03T09:00:00Z", model: "gpt-5", inputTokens: 1000, outputTokens: 100 })}\n`,
          ),
        ],
        gzip: false,
      },
    });
    expect(native.errors).toEqual([]);
    for (const run of await db().run.findMany({
      where: { teamId: team.teamId },
      select: { id: true, externalId: true },
    }))
      runId.set(run.externalId, run.id);
    // Ana by her own email; Bob by an email identity linked to him (the one telemetry carried).
    const ana = await createPerson(scope, { displayName: "Ana", email: "ana@example.com" });
    const bob = await createPerson(scope, { displayName: "Bob" });
    const identity = await db().identity.findFirstOrThrow({
      where: { teamId: team.teamId, kind: "email", value: "bob@corp.example" },
    });
    await db().identity.update({
      where: { teamId_id: { teamId: team.teamId, id: identity.id } },
      data: { personId: bob.id, personSetBy: `manual:${team.adminUserId}` },
    });
    const ids = (...sessionIds: string[]) => sessionIds.map((id) => runId.get(id)!);
    await assignRuns(scope, {
      runIds: ids("ana-committed", "ana-accepted", "ana-rejected", "ana-quiet", "ana-pr", "ana-other-agent"),
      ownerId: ana.id,
    });
    await assignRuns(scope, { runIds: ids("bob-work"), ownerId: bob.id });
    const actor = { userId: team.adminUserId, apiKeyId: null };
    await recordOutcomes(scope, { runIds: ids("ana-accepted"), status: "ACCEPTED", source: "manual" }, actor);
    await recordOutcomes(scope, { runIds: ids("ana-rejected"), status: "REJECTED", source: "manual" }, actor);
    const source = await createBillingSource(scope, { provider: "anthropic", name: "Org", adminKey });
    await syncBillingSource(scope, source.id, syncRange);
  });

  afterAll(() => standIn.close());

  describe("Claude Code activity beside recorded outcomes", () => {
    it("marks Claude Code runs without an outcome on a day their owner committed or opened a PR, apart from accepted", async () => {
      const result = await costPerOutcome(scope, { ...range, groupBy: "week" });
      const spend = await db().$queryRaw<{ usd: number }[]>`
        SELECT sum(${Run.costUsd})::float8 AS usd FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid`;
      // ana-committed (commits that day), ana-pr (a pull request that day), bob-work (his linked email):
      // not ana-quiet (nothing that day), ana-accepted and ana-rejected (recorded), ana-other-agent (not Claude Code), cy (no activity).
      expect(result.totals.likelyAcceptedRuns).toBe(3);
      // Never counted as accepted: one recorded acceptance, the cost per accepted outcome all spend over it.
      expect(result.totals.acceptedOutcomes).toBe(1);
      expect(result.totals.costPerAcceptedUsd).toBeCloseTo(spend[0]!.usd, 12);
      // By the week the runs started in.
      expect(result.rows.find((row) => row.key === "2026-11-02")).toMatchObject({ likelyAcceptedRuns: 3 });
      expect(result.rows.reduce((sum, row) => sum + row.likelyAcceptedRuns, 0)).toBe(3);
    });

    it("shows each person's activity on their owner row, and the signal per owner, through the API", async () => {
      const response = await getOutcomeCost(
        new Request(`http://test/api/v1/outcomes/cost?from=${range.from}&to=${range.to}&groupBy=owner`, {
          headers: { authorization: `Bearer ${team.readKey}` },
        }),
        { params: Promise.resolve({}) } as never,
      );
      expect(response.status).toBe(200);
      const body = await response.json();
      const row = (key: string) => body.rows.find((r: { key: string }) => r.key === key);
      expect(row("ana@example.com")).toMatchObject({
        acceptedOutcomes: 1,
        likelyAcceptedRuns: 2,
        // The 5th's actor was written ANA@example.com: addresses match without regard to case.
        activity: { linesAdded: 200, linesRemoved: 6, commits: 2, pullRequests: 1 },
      });
      expect(row("Bob")).toMatchObject({
        likelyAcceptedRuns: 1,
        activity: { linesAdded: 7, linesRemoved: 2, commits: 1, pullRequests: 1 },
      });
      const others = body.rows.filter((r: { key: string }) => r.key !== "ana@example.com" && r.key !== "Bob");
      expect(others.length).toBeGreaterThan(0);
      for (const other of others) expect(other).toMatchObject({ likelyAcceptedRuns: 0, activity: null });
      expect(body.totals.likelyAcceptedRuns).toBe(3);
    });

    it("lets a recorded outcome win: accepting or rejecting a signalled run takes it out of the signal", async () => {
      const actor = { userId: team.adminUserId, apiKeyId: null };
      await recordOutcomes(
        scope,
        { runIds: [runId.get("ana-committed")!], status: "REJECTED", source: "manual" },
        actor,
      );
      const result = await costPerOutcome(scope, { ...range, groupBy: "project" });
      expect(result.totals.likelyAcceptedRuns).toBe(2);
      expect(result.totals.acceptedOutcomes).toBe(1);
      expect(result.rows.every((row) => !("activity" in row))).toBe(true);
    });
  });
}

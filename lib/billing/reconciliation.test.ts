/**
 * Reconciliation on the real database: traces ingested through the writer (so traced spend is the
 * rollup's), a bill synced from the stand-in, the numbers by day, model and provider, the contract's
 * routes with their scopes, seats against the API-list value of their person's runs, and Claude
 * Code activity matched to people by email.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postSync } from "@/app/api/v1/billing-sources/[id]/sync/route";
import { POST as postSource } from "@/app/api/v1/billing-sources/route";
import { GET as getReconciliation } from "@/app/api/v1/reconciliation/route";
import { createApiKey } from "@/lib/admin/api-keys";
import { teamDb } from "@/lib/db/team-db";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assignRuns, createPerson } from "@/lib/ownership/manage";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { claudeCodeActivity } from "./claude-code-activity";
import { matchableModel, providerOfModel } from "./model-match";
import { reconciliation } from "./reconciliation";
import { monthsCovered, recordSeat, seatValues } from "./seats";
import { type ProviderStandIn, startProviderStandIn } from "./testing/provider-stand-in";

process.env.AUTH_SECRET ??= "billing-test-secret";
const adminKey = "sk-ant-admin01-reconcile-0123456789";
const range = { from: "2026-11-01", to: "2026-11-02" };

let standIn: ProviderStandIn;
let team: TestTeam;
let allKey: string;
let sonnetRunId: string;

/** One native call: 100k uncached input and 10k output of a Sonnet model ($3 and $15 per million): $0.45. */
function nativeCall(session: string, key: string, day: string, model: string) {
  return JSON.stringify({
    sessionId: session,
    callKey: key,
    timestamp: `${day}T10:00:00Z`,
    model,
    inputTokens: 100_000,
    outputTokens: 10_000,
  });
}

beforeAll(async () => {
  standIn = await startProviderStandIn({
    adminKey,
    pageSize: 1,
    data: {
      anthropic: {
        costs: [
          { day: "2026-11-01", model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "60" },
          { day: "2026-11-01", model: null, costType: "web_search", cents: "100" },
          { day: "2026-11-02", model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "20" },
        ],
        usage: [
          {
            day: "2026-11-01",
            model: "claude-sonnet-4-5-20250929",
            uncached: 100_000,
            cacheRead: 0,
            cache5m: 0,
            cache1h: 0,
            output: 12_000,
          },
        ],
        claudeCode: [
          {
            day: "2026-11-01",
            email: "ana@example.com",
            customerType: "subscription",
            sessions: 2,
            added: 40,
            removed: 4,
            commits: 1,
            pullRequests: 1,
            costCents: [45],
          },
          {
            day: "2026-11-02",
            email: "ana@example.com",
            customerType: "subscription",
            sessions: 1,
            added: 10,
            removed: 0,
            commits: 0,
            pullRequests: 0,
            costCents: [45],
          },
          {
            day: "2026-11-02",
            email: "stranger@example.com",
            customerType: "api",
            sessions: 1,
            added: 1,
            removed: 0,
            commits: 0,
            pullRequests: 0,
            costCents: [1],
          },
        ],
      },
      openai: { costs: [], usage: [] },
    },
  });
  process.env.TRH_ANTHROPIC_API_URL = standIn.url;
  team = await createTestTeam("recon");
  ({ key: allKey } = await createApiKey({ teamId: team.teamId }, { name: "all", scope: "all" }));
  const scope = userScope(team);
  const lines = [
    nativeCall("sonnet-session", "c1", "2026-11-01", "claude-sonnet-4-5"),
    nativeCall("sonnet-session", "c2", "2026-11-02", "claude-sonnet-4-5"),
    // Traced, but OpenAI has no billing source in this team: left out of reconciliation.
    nativeCall("codex-session", "c3", "2026-11-01", "gpt-5"),
  ];
  const ingested = await ingestFile(scope, {
    format: "native",
    fileName: "calls.jsonl",
    body: { bytes: [Buffer.from(`${lines.join("\n")}\n`)], gzip: false },
  });
  expect(ingested.errors).toEqual([]);
  const runs = await spendByGroup(scope, { ...range, groupBy: "model" });
  expect(runs.rows.find((row) => row.key === "claude-sonnet-4-5")!.costUsd).toBeCloseTo(0.9, 12);
  sonnetRunId = (await teamDb(scope).run.findFirstOrThrow({ where: { externalId: "sonnet-session" } })).id;
});

afterAll(() => standIn.close());

const request = (key: string, path: string, method = "GET", body?: unknown) =>
  new Request(`http://test${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("billing routes", () => {
  it("adds a source with a key of scope all, syncs it, and answers reconciliation to a read key", async () => {
    const refused = await postSource(
      request(team.readKey, "/api/v1/billing-sources", "POST", { provider: "anthropic", name: "Org", adminKey }),
      { params: Promise.resolve({}) } as never,
    );
    expect(refused.status).toBe(403);

    const created = await postSource(
      request(allKey, "/api/v1/billing-sources", "POST", { provider: "anthropic", name: "Org", adminKey }),
      { params: Promise.resolve({}) } as never,
    );
    expect(created.status).toBe(201);
    const { source } = await created.json();
    expect(Object.keys(source).sort()).toEqual(["id", "name", "provider"]);
    expect(JSON.stringify(source)).not.toContain(adminKey);

    const synced = await postSync(
      request(allKey, `/api/v1/billing-sources/${source.id}/sync?from=2026-11-01&to=2026-11-02`, "POST"),
      { params: Promise.resolve({ id: source.id }) },
    );
    expect(synced.status).toBe(200);
    expect(await synced.json()).toEqual({ days: 2, billedUsd: 1.8 });

    const byModel = await getReconciliation(
      request(team.readKey, "/api/v1/reconciliation?from=2026-11-01&to=2026-11-02&groupBy=model"),
      {} as never,
    );
    expect(byModel.status).toBe(200);
    const body = await byModel.json();
    expect(body.rows).toEqual([
      { key: "(no model)", billedUsd: 1, tracedUsd: 0, coverage: 0 },
      { key: "claude-sonnet-4-5", billedUsd: 0.8, tracedUsd: 0.9, coverage: 1.125 },
    ]);
    expect(body.totals).toEqual({ billedUsd: 1.8, tracedUsd: 0.9, coverage: 0.5, untracedUsd: 1.15 });

    expect((await getReconciliation(request(team.ingestKey, "/api/v1/reconciliation"), {} as never)).status).toBe(403);
    const bad = await getReconciliation(request(team.readKey, "/api/v1/reconciliation?groupBy=owner"), {} as never);
    expect(bad.status).toBe(400);
  });

  it("counts the untraced bill per day and model, so traced spend elsewhere never hides it", async () => {
    const scope = userScope(team);
    const byDay = await reconciliation(scope, { ...range, groupBy: "day" });
    // 11-01: billed 0.60 + 1.00, traced 0.45; 11-02: billed 0.20, traced 0.45 (more traced than billed).
    expect(
      byDay.rows.map(({ key, billedUsd, tracedUsd, coverage, untracedUsd }) => ({
        key,
        billedUsd,
        tracedUsd,
        coverage,
        untracedUsd,
      })),
    ).toEqual([
      { key: "2026-11-01", billedUsd: 1.6, tracedUsd: 0.45, coverage: 0.28125, untracedUsd: 1.15 },
      { key: "2026-11-02", billedUsd: 0.2, tracedUsd: 0.45, coverage: 2.25, untracedUsd: 0 },
    ]);
    // Overall billed - traced would be 0.90; the 0.25 traced beyond the bill on 11-02 explains nothing of 11-01.
    expect(byDay.totals.untracedUsd).toBe(1.15);
    const byProvider = await reconciliation(scope, { ...range, groupBy: "provider" });
    expect(byProvider.rows.map((row) => [row.key, row.billedUsd, row.tracedUsd])).toEqual([["anthropic", 1.8, 0.9]]);
    const byModel = await reconciliation(scope, { ...range, groupBy: "model" });
    const sonnet = byModel.rows.find((row) => row.key === "claude-sonnet-4-5")!;
    expect(sonnet.billedTokens).toEqual({
      inputTokens: 100_000,
      outputTokens: 12_000,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
    });
    expect(sonnet.tracedTokens).toEqual({
      inputTokens: 200_000,
      outputTokens: 20_000,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
    });
    // Nothing billed in the range: coverage is null, not 0 or infinity.
    expect((await reconciliation(scope, { from: "2026-10-01", to: "2026-10-02", groupBy: "day" })).totals).toEqual({
      billedUsd: 0,
      tracedUsd: 0,
      coverage: null,
      untracedUsd: 0,
    });
    // Another team sees none of it.
    const other = await createTestTeam("recon-other");
    expect((await reconciliation(userScope(other), { ...range, groupBy: "day" })).rows).toEqual([]);
  });

  it("matches Claude Code activity to people by email and values seats against their traced spend", async () => {
    const scope = userScope(team);
    const ana = await createPerson(scope, { displayName: "Ana", email: "ana@example.com" });
    await assignRuns(scope, { runIds: [sonnetRunId], ownerId: ana.id });
    await recordSeat(scope, { personId: ana.id, plan: "Claude Max", monthlyUsd: 200 });
    await recordSeat(scope, { personId: ana.id, plan: "Claude Max", monthlyUsd: 100 });

    const seats = await seatValues(scope, range);
    // Two days of a 30-day month at $100 a month; the run's two calls at list price.
    expect(
      seats.map(({ person, plan, monthlyUsd, paidUsd, apiValueUsd }) => ({
        person,
        plan,
        monthlyUsd,
        paidUsd,
        apiValueUsd,
      })),
    ).toEqual([
      { person: "ana@example.com", plan: "Claude Max", monthlyUsd: 100, paidUsd: 100 * (2 / 30), apiValueUsd: 0.9 },
    ]);
    // A range across months pays each day at its own month's rate.
    expect(monthsCovered({ from: "2026-01-31", to: "2026-02-01" }).toNumber()).toBeCloseTo(1 / 31 + 1 / 28, 15);

    const activity = await claudeCodeActivity(scope, range);
    expect(activity).toEqual([
      {
        actor: "ana@example.com",
        person: "Ana",
        customerType: "subscription",
        days: 2,
        sessions: 3,
        linesAdded: 50,
        linesRemoved: 4,
        commits: 1,
        pullRequests: 1,
        estimatedCostUsd: 0.9,
      },
      {
        actor: "stranger@example.com",
        person: null,
        customerType: "api",
        days: 1,
        sessions: 1,
        linesAdded: 1,
        linesRemoved: 0,
        commits: 0,
        pullRequests: 0,
        estimatedCostUsd: 0.01,
      },
    ]);
  });
});

describe("model matching", () => {
  it("meets provider and trace ids of one model, and reads the provider from the name", () => {
    expect(matchableModel("claude-sonnet-4-20250514")).toBe("claude-sonnet-4");
    expect(matchableModel("anthropic/Claude-Opus-4-6[1m]")).toBe("claude-opus-4-6");
    expect(matchableModel("gpt-4o-2024-08-06")).toBe("gpt-4o");
    expect(matchableModel("gpt-5-codex")).toBe("gpt-5-codex");
    expect(providerOfModel("claude-haiku-4-5")).toBe("anthropic");
    expect(providerOfModel("o3-mini")).toBe("openai");
    expect(providerOfModel("gemini-2.5-pro")).toBeNull();
  });
});

/**
 * Syncing against the local provider stand-in (real HTTP, real database): documented shapes,
 * pagination, Anthropic cents vs OpenAI dollars, OpenAI's input that includes cached input, a
 * rejected key stored on the source, 429 (retry-after) and 5xx retried, re-syncing replaces a range.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createTestTeam, userScope } from "@/lib/testing/fixtures";
import { decryptAdminKey } from "./admin-key-vault";
import { createBillingSource, listBillingSources } from "./billing-sources";
import { syncBillingSource } from "./sync-billing-source";
import { syncAllBillingSources } from "./sync-schedule";
import { type ProviderStandIn, type StandInData, startProviderStandIn } from "./testing/provider-stand-in";

process.env.AUTH_SECRET ??= "billing-test-secret";
const adminKey = "sk-ant-admin01-test-key-0123456789";
/** Immediate retries unless the server says how long to wait. */
const fastRetry = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000 };

const data: StandInData = {
  anthropic: {
    costs: [
      { day: "2026-11-01", model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "123.456" },
      { day: "2026-11-01", model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "10" },
      { day: "2026-11-01", model: null, costType: "web_search", cents: "50" },
      { day: "2026-11-02", model: "claude-opus-4-1-20250805", costType: "tokens", cents: "2000" },
      { day: "2026-11-03", model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "0.5" },
    ],
    usage: [
      {
        day: "2026-11-01",
        model: "claude-sonnet-4-5-20250929",
        uncached: 1000,
        cacheRead: 20000,
        cache5m: 300,
        cache1h: 40,
        output: 500,
      },
      {
        day: "2026-11-02",
        model: "claude-opus-4-1-20250805",
        uncached: 7,
        cacheRead: 0,
        cache5m: 0,
        cache1h: 0,
        output: 9,
      },
    ],
    claudeCode: [
      {
        day: "2026-11-01",
        email: "Ana@Example.com",
        customerType: "api",
        sessions: 3,
        added: 120,
        removed: 30,
        commits: 2,
        pullRequests: 1,
        costCents: [150, 25],
      },
      {
        day: "2026-11-01",
        email: "bo@example.com",
        customerType: "subscription",
        sessions: 1,
        added: 5,
        removed: 0,
        commits: 0,
        pullRequests: 0,
        costCents: [10],
      },
      {
        day: "2026-11-01",
        email: "cy@example.com",
        customerType: "api",
        sessions: 2,
        added: 1,
        removed: 1,
        commits: 0,
        pullRequests: 0,
        costCents: [],
      },
      {
        day: "2026-11-02",
        email: "ana@example.com",
        customerType: "api",
        sessions: 1,
        added: 10,
        removed: 2,
        commits: 1,
        pullRequests: 0,
        costCents: [99],
      },
    ],
  },
  openai: {
    costs: [
      { day: "2026-11-01", lineItem: "gpt-4o-2024-08-06, input", dollars: 1.25 },
      { day: "2026-11-01", lineItem: "gpt-4o-2024-08-06, output", dollars: 0.1 },
      { day: "2026-11-02", lineItem: "web search tool calls", dollars: 0.2 },
    ],
    usage: [{ day: "2026-11-01", model: "gpt-4o-2024-08-06", input: 1000, cached: 800, output: 500 }],
  },
};

let standIn: ProviderStandIn;

beforeAll(async () => {
  standIn = await startProviderStandIn({ adminKey, data, pageSize: 1 });
  process.env.TRH_ANTHROPIC_API_URL = standIn.url;
  process.env.TRH_OPENAI_API_URL = `${standIn.url}/`;
});
afterAll(() => standIn.close());

const billedRows = (teamId: string, sourceId: string) =>
  db().billedDay.findMany({
    where: { teamId, sourceId },
    orderBy: [{ day: "asc" }, { model: "asc" }, { costType: "asc" }],
  });
const shown = (rows: Awaited<ReturnType<typeof billedRows>>) =>
  rows.map((row) => ({
    day: row.day.toISOString().slice(0, 10),
    model: row.model,
    costType: row.costType,
    billedUsd: row.billedUsd.toString(),
    tokens:
      row.inputTokens === null
        ? null
        : [row.inputTokens, row.outputTokens, row.cacheWriteTokens, row.cacheReadTokens].map(Number),
  }));

describe("Anthropic", () => {
  it("pulls cost in cents, tokens and Claude Code activity across pages, with the documented headers", async () => {
    const team = await createTestTeam("bill-a");
    const scope = userScope(team);
    const source = await createBillingSource(scope, { provider: "anthropic", name: "Anthropic org", adminKey });
    const before = standIn.requests.length;

    const result = await syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-03" }, fastRetry);

    // 123.456 + 10 + 50 + 2000 + 0.5 cents
    expect(result).toEqual({ days: 3, billedUsd: 21.83956 });
    expect(shown(await billedRows(team.teamId, source.id))).toEqual([
      { day: "2026-11-01", model: "", costType: "web_search", billedUsd: "0.5", tokens: null },
      {
        day: "2026-11-01",
        model: "claude-sonnet-4-5-20250929",
        costType: "tokens",
        billedUsd: "1.33456",
        tokens: [1000, 500, 340, 20000],
      },
      {
        day: "2026-11-02",
        model: "claude-opus-4-1-20250805",
        costType: "tokens",
        billedUsd: "20",
        tokens: [7, 9, 0, 0],
      },
      { day: "2026-11-03", model: "claude-sonnet-4-5-20250929", costType: "tokens", billedUsd: "0.005", tokens: null },
    ]);
    const requests = standIn.requests.slice(before);
    // One bucket per page: three pages each of the cost and the usage report.
    expect(requests.filter((r) => r.path === "/v1/organizations/cost_report").map((r) => r.query.get("page"))).toEqual([
      null,
      "MQ",
      "Mg",
    ]);
    expect(requests.filter((r) => r.path === "/v1/organizations/usage_report/messages")).toHaveLength(3);
    expect(requests.find((r) => r.path === "/v1/organizations/cost_report")!.query.getAll("group_by[]")).toEqual([
      "description",
    ]);
    expect(requests.every((r) => r.apiKeyHeader && r.anthropicVersion === "2023-06-01" && !r.bearer)).toBe(true);
    // 2026-11-01 has three Claude Code records, one per page.
    expect(
      requests.filter(
        (r) => r.path === "/v1/organizations/usage_report/claude_code" && r.query.get("starting_at") === "2026-11-01",
      ),
    ).toHaveLength(3);

    const activity = await db().claudeCodeActivity.findMany({
      where: { teamId: team.teamId },
      orderBy: [{ day: "asc" }, { actor: "asc" }],
    });
    expect(
      activity.map((a) => [
        a.day.toISOString().slice(0, 10),
        a.actor,
        a.customerType,
        a.sessions,
        a.linesAdded,
        a.linesRemoved,
        a.commits,
        a.pullRequests,
        a.estimatedCostUsd.toString(),
      ]),
    ).toEqual([
      ["2026-11-01", "ana@example.com", "api", 3, 120, 30, 2, 1, "1.75"],
      ["2026-11-01", "bo@example.com", "subscription", 1, 5, 0, 0, 0, "0.1"],
      ["2026-11-01", "cy@example.com", "api", 2, 1, 1, 0, 0, "0"],
      ["2026-11-02", "ana@example.com", "api", 1, 10, 2, 1, 0, "0.99"],
    ]);
    const [listed] = await listBillingSources(scope);
    expect(listed).toMatchObject({
      id: source.id,
      lastSyncStatus: "ok",
      lastSyncError: null,
      lastSyncRange: "2026-11-01..2026-11-03",
    });
    expect(JSON.stringify(listed)).not.toContain(adminKey);
  });

  it("keeps the admin key only encrypted, bound to its team and source", async () => {
    const team = await createTestTeam("bill-k");
    const source = await createBillingSource(userScope(team), { provider: "anthropic", name: "Key check", adminKey });
    const row = await db().billingSource.findUniqueOrThrow({
      where: { teamId_id: { teamId: team.teamId, id: source.id } },
    });
    expect(row.adminKeyCiphertext).toMatch(/^v1:/);
    expect(row.adminKeyCiphertext).not.toContain(adminKey);
    expect(Buffer.from(row.adminKeyCiphertext.slice(3), "base64").toString("latin1")).not.toContain("sk-ant");
    expect(decryptAdminKey(row.adminKeyCiphertext, { teamId: team.teamId, sourceId: source.id })).toBe(adminKey);
    expect(() =>
      decryptAdminKey(row.adminKeyCiphertext, {
        teamId: team.teamId,
        sourceId: "00000000-0000-4000-8000-000000000000",
      }),
    ).toThrow(/cannot be decrypted/);
  });

  it("stores a rejected key's error on the source and keeps the rows it had", async () => {
    const team = await createTestTeam("bill-401");
    const scope = userScope(team);
    const good = await createBillingSource(scope, { provider: "anthropic", name: "Good", adminKey });
    await syncBillingSource(scope, good.id, { from: "2026-11-02", to: "2026-11-02" }, fastRetry);
    const bad = await createBillingSource(scope, {
      provider: "anthropic",
      name: "Bad",
      adminKey: "sk-ant-admin01-wrong-key-000000",
    });

    await expect(syncBillingSource(scope, bad.id, { from: "2026-11-01", to: "2026-11-01" }, fastRetry)).rejects.toThrow(
      "Anthropic rejected the admin key (HTTP 401: invalid x-api-key)",
    );
    const sources = await listBillingSources(scope);
    expect(sources.find((s) => s.id === bad.id)).toMatchObject({
      lastSyncStatus: "failed",
      lastSyncError: expect.stringContaining("rejected the admin key (HTTP 401"),
    });
    expect(sources.find((s) => s.id === good.id)).toMatchObject({ lastSyncStatus: "ok" });
    expect(await billedRows(team.teamId, good.id)).toHaveLength(1);
    expect(await billedRows(team.teamId, bad.id)).toHaveLength(0);
  });

  it("waits what retry-after says on 429, then succeeds", async () => {
    const team = await createTestTeam("bill-429");
    const scope = userScope(team);
    const source = await createBillingSource(scope, { provider: "anthropic", name: "Throttled", adminKey });
    const before = standIn.requests.length;
    standIn.throttleNext(1, 1);
    const started = Date.now();
    const result = await syncBillingSource(scope, source.id, { from: "2026-11-02", to: "2026-11-02" }, fastRetry);
    // Without retry-after the retry would have come after 1 ms (fastRetry).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(result).toEqual({ days: 1, billedUsd: 20 });
    const costCalls = standIn.requests.slice(before).filter((r) => r.path === "/v1/organizations/cost_report");
    expect(costCalls).toHaveLength(2);
  });

  it("retries 5xx and gives up with a clear error after the last attempt", async () => {
    const team = await createTestTeam("bill-5xx");
    const scope = userScope(team);
    const source = await createBillingSource(scope, { provider: "anthropic", name: "Flaky", adminKey });
    standIn.failNext(2);
    expect(await syncBillingSource(scope, source.id, { from: "2026-11-02", to: "2026-11-02" }, fastRetry)).toEqual({
      days: 1,
      billedUsd: 20,
    });
    standIn.failNext(4);
    await expect(
      syncBillingSource(scope, source.id, { from: "2026-11-02", to: "2026-11-02" }, fastRetry),
    ).rejects.toThrow("Anthropic answered /v1/organizations/cost_report with HTTP 503: overloaded after 4 attempts");
    // The failed sync left the rows of the one before.
    expect(await billedRows(team.teamId, source.id)).toHaveLength(1);
  });

  it("replaces exactly the synced range when it is synced again", async () => {
    const team = await createTestTeam("bill-idem");
    const scope = userScope(team);
    const source = await createBillingSource(scope, { provider: "anthropic", name: "Idempotent", adminKey });
    await syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-03" }, fastRetry);
    const first = shown(await billedRows(team.teamId, source.id));
    await syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-03" }, fastRetry);
    expect(shown(await billedRows(team.teamId, source.id))).toEqual(first);

    // The provider corrects 2026-11-02; re-syncing only that day changes only that day.
    const corrected = data.anthropic.costs.find((line) => line.day === "2026-11-02")!;
    corrected.cents = "1500";
    try {
      expect(await syncBillingSource(scope, source.id, { from: "2026-11-02", to: "2026-11-02" }, fastRetry)).toEqual({
        days: 1,
        billedUsd: 15,
      });
    } finally {
      corrected.cents = "2000";
    }
    const after = shown(await billedRows(team.teamId, source.id));
    expect(after.filter((row) => row.day !== "2026-11-02")).toEqual(first.filter((row) => row.day !== "2026-11-02"));
    expect(after.find((row) => row.day === "2026-11-02")!.billedUsd).toBe("15");
    expect(await db().claudeCodeActivity.count({ where: { teamId: team.teamId } })).toBe(4);

    // The hourly sync and a manual one at once: both succeed, the rows are those of one sync.
    const both = await Promise.all(
      [0, 1].map(() => syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-03" }, fastRetry)),
    );
    expect(both.map((result) => result.billedUsd)).toEqual([21.83956, 21.83956]);
    expect(shown(await billedRows(team.teamId, source.id))).toEqual(first);
  });
});

describe("OpenAI", () => {
  it("pulls cost in dollars by line item and uncached input as input minus cached", async () => {
    const team = await createTestTeam("bill-o");
    const scope = userScope(team);
    const source = await createBillingSource(scope, { provider: "openai", name: "OpenAI org", adminKey });
    const before = standIn.requests.length;
    expect(await syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-02" }, fastRetry)).toEqual({
      days: 2,
      billedUsd: 1.55,
    });
    expect(shown(await billedRows(team.teamId, source.id))).toEqual([
      { day: "2026-11-01", model: "gpt-4o-2024-08-06", costType: "input", billedUsd: "1.25", tokens: null },
      { day: "2026-11-01", model: "gpt-4o-2024-08-06", costType: "output", billedUsd: "0.1", tokens: null },
      { day: "2026-11-01", model: "gpt-4o-2024-08-06", costType: "tokens", billedUsd: "0", tokens: [200, 500, 0, 800] },
      { day: "2026-11-02", model: "", costType: "web search tool calls", billedUsd: "0.2", tokens: null },
    ]);
    const requests = standIn.requests.slice(before);
    expect(requests.every((r) => r.bearer && !r.apiKeyHeader)).toBe(true);
    expect(requests.filter((r) => r.path === "/v1/organization/costs").map((r) => r.query.get("page"))).toEqual([
      null,
      "MQ",
    ]);
    expect(requests[0]!.query.get("start_time")).toBe(String(Date.parse("2026-11-01T00:00:00Z") / 1000));
    expect(requests[0]!.query.get("end_time")).toBe(String(Date.parse("2026-11-03T00:00:00Z") / 1000));
  });

  it("names a rejected key", async () => {
    const team = await createTestTeam("bill-o401");
    const scope = userScope(team);
    const source = await createBillingSource(scope, {
      provider: "openai",
      name: "Wrong",
      adminKey: "sk-admin-wrong-0000000000",
    });
    await expect(
      syncBillingSource(scope, source.id, { from: "2026-11-01", to: "2026-11-01" }, fastRetry),
    ).rejects.toThrow("OpenAI rejected the admin key (HTTP 401: Incorrect API key provided)");
  });
});

describe("the periodic sync", () => {
  it("pulls the last three days of every team's sources and records each one's outcome", async () => {
    const teamA = await createTestTeam("bill-p1");
    const teamB = await createTestTeam("bill-p2");
    const good = await createBillingSource(userScope(teamA), { provider: "anthropic", name: "Hourly", adminKey });
    const bad = await createBillingSource(userScope(teamB), {
      provider: "openai",
      name: "Hourly",
      adminKey: "sk-admin-revoked-000000000",
    });
    // "Now" is 2026-11-03 15:00 UTC: the round covers 2026-11-01 to 2026-11-03. The round takes every
    // source in the test database, other tests' too (those this stand-in refuses only fail).
    const round = await syncAllBillingSources(new Date("2026-11-03T15:00:00Z"));
    expect(round.failed).toBeGreaterThanOrEqual(1);
    const [a] = await listBillingSources(userScope(teamA));
    const [b] = await listBillingSources(userScope(teamB));
    expect(a).toMatchObject({ id: good.id, lastSyncStatus: "ok", lastSyncRange: "2026-11-01..2026-11-03" });
    expect(b).toMatchObject({
      id: bad.id,
      lastSyncStatus: "failed",
      lastSyncError: expect.stringContaining("OpenAI rejected the admin key"),
    });
    expect(await billedRows(teamA.teamId, good.id)).toHaveLength(4);
  });
});

describe("billing sources", () => {
  it("refuses a duplicate name, another team's source and an oversized range", async () => {
    const team = await createTestTeam("bill-s");
    const other = await createTestTeam("bill-s2");
    const source = await createBillingSource(userScope(team), { provider: "anthropic", name: "Org", adminKey });
    await expect(createBillingSource(userScope(team), { provider: "openai", name: "Org", adminKey })).rejects.toThrow(
      'a billing source named "Org" already exists',
    );
    await expect(
      syncBillingSource(userScope(other), source.id, { from: "2026-11-01", to: "2026-11-01" }),
    ).rejects.toThrow("billing source not found");
    await expect(
      syncBillingSource(userScope(team), source.id, { from: "2025-01-01", to: "2026-11-01" }),
    ).rejects.toThrow("a sync covers at most 366 days");
    await expect(
      syncBillingSource(userScope(team), source.id, { from: "0001-01-01", to: "9999-12-31" }),
    ).rejects.toThrow("a date from 1970-01-01 to 2199-12-31");
    await expect(
      createBillingSource(userScope(team), { provider: "anthropic", name: "Bad key", adminKey: "two words here" }),
    ).rejects.toThrow("one printable token");
  });
});

/**
 * Budgets end to end on the real Postgres server: a budget created through the API, spend ingested
 * through the real writer, alerts delivered to local stand-ins of a webhook receiver, Slack and an
 * SMTP server; once each, on re-import and with a second evaluator (a second connection pool, as a
 * second server process would have) running at the same moment. Then retries, the forecast and
 * spike rules on dated data, the API's scopes and tenancy, and the metrics endpoint.
 */

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteRoute, PATCH as patchRoute } from "@/app/api/v1/budgets/[id]/route";
import { POST as createRoute, GET as listRoute } from "@/app/api/v1/budgets/route";
import { GET as metricsRoute } from "@/app/api/v1/metrics/route";
import { createApiKey } from "@/lib/admin/api-keys";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { addDays } from "@/lib/days";
import { closeDb, db, openDatabase } from "@/lib/db/client";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { createPerson, createProject, createRule } from "@/lib/ownership/manage";
import { eventually, startHttpReceiver, startSmtpReceiver } from "@/lib/testing/alert-receivers";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import type { AlertPayload } from "./alert-payload";
import { createBudget, listBudgetStates, setTeamTimeZone } from "./budgets";
import { deliverDueAlerts, deliveryLog, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "./deliver";
import { evaluateTeamBudgets } from "./evaluate";

let team: TestTeam;
let other: TestTeam;
let allKey: string;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const secret = "s3cret-for-hmac";

/** One native-format call line; claude-haiku-4-5 output is $5 per million tokens. */
const callLine = (
  sessionId: string,
  callKey: string,
  timestamp: Date,
  outputTokens: number,
  cwd = "/work/alpha/app",
  model = "claude-haiku-4-5",
) =>
  JSON.stringify({ sessionId, callKey, timestamp: timestamp.toISOString(), model, inputTokens: 0, outputTokens, cwd });

async function ingestLines(t: TestTeam, fileName: string, lines: string[]) {
  return ingestFile(userScope(t), {
    format: "native",
    fileName,
    body: { bytes: [Buffer.from(`${lines.join("\n")}\n`)], gzip: false },
  });
}

const request = (key: string, path: string, init: { method?: string; body?: unknown } = {}) =>
  new Request(`http://test${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  process.env.TRH_SMTP_URL = smtp.url;
  process.env.TRH_PUBLIC_URL = "http://trh.test";
  [team, other] = await Promise.all([createTestTeam("budgets"), createTestTeam("budgets-other")]);
  allKey = (await createApiKey({ teamId: team.teamId }, { name: "all", scope: "all" })).key;
  const scope = userScope(team);
  const ana = await createPerson(scope, { displayName: 'Ana "A\\B"\nZ' });
  const alpha = await createProject(scope, { name: "alpha" });
  await createRule(scope, {
    name: "alpha work",
    matchField: "cwd",
    pattern: "/work/alpha/**",
    setOwnerId: ana!.id,
    setProjectId: alpha!.id,
    setTaskId: "",
  });
});

afterAll(async () => {
  await Promise.all([http.close(), smtp.close()]);
  await closeDb();
});

describe("a budget from creation through ingest to delivered alerts", () => {
  let budgetId: string;

  it("is created through the API (a key of scope all) and refused to a read key", async () => {
    const body = {
      name: "Team monthly",
      scope: { kind: "team", value: null },
      period: "month",
      amountUsd: 10,
      thresholds: [100, 50],
      channels: [
        { kind: "webhook", url: http.url("/hook"), secret },
        { kind: "slack", url: http.url("/slack") },
        { kind: "email", to: "manager@example.com" },
      ],
    };
    expect(
      (await createRoute(request(team.readKey, "/api/v1/budgets", { method: "POST", body }), undefined as never))
        .status,
    ).toBe(403);
    const response = await createRoute(
      request(allKey, "/api/v1/budgets", { method: "POST", body }),
      undefined as never,
    );
    expect(response.status).toBe(201);
    const { budget } = await response.json();
    expect(Object.keys(budget).sort()).toEqual([
      "amountUsd",
      "forecastUsd",
      "id",
      "name",
      "period",
      "periodEnd",
      "periodStart",
      "scope",
      "spentUsd",
      "status",
      "thresholds",
    ]);
    expect(budget).toMatchObject({
      name: "Team monthly",
      scope: { kind: "team", value: null },
      period: "month",
      amountUsd: 10,
      thresholds: [50, 100],
      spentUsd: 0,
      forecastUsd: null,
      status: "ok",
    });
    budgetId = budget.id;
  });

  it("delivers a signed webhook, a Slack message and an email when an ingest crosses 50%, once", async () => {
    const now = Date.now();
    // 2 calls of 600,000 output tokens: $6 of a $10 budget.
    const first = await ingestLines(team, "first.jsonl", [
      callLine("s1", "c1", new Date(now - 120_000), 600_000),
      callLine("s1", "c2", new Date(now - 60_000), 600_000),
    ]);
    expect(first.costUsd).toBeCloseTo(6, 9);
    await eventually(
      () => http.at("/hook").length === 1 && http.at("/slack").length === 1 && smtp.messages.length === 1,
      "the 50% alert on every channel",
    );

    const hook = http.at("/hook")[0]!;
    const expectedSignature = `sha256=${createHmac("sha256", secret).update(hook.body).digest("hex")}`;
    expect(hook.headers["x-trh-signature-256"]).toBe(expectedSignature);
    const payload = JSON.parse(hook.body) as AlertPayload;
    expect(payload).toMatchObject({
      event: "budget.threshold_crossed",
      budget: { id: budgetId, name: "Team monthly", scope: { kind: "team", value: null }, period: "month" },
      thresholdPercent: 50,
      amountUsd: 10,
      url: `http://trh.test/budgets#budget-${budgetId}`,
    });
    expect(payload.spentUsd).toBeCloseTo(6, 9);
    expect(payload.periodStart <= payload.periodEnd).toBe(true);

    const slack = JSON.parse(http.at("/slack")[0]!.body) as { text: string };
    expect(slack.text).toContain('Budget "Team monthly" reached 50%: $6.00 of $10.00');
    expect(slack.text).toContain(`<http://trh.test/budgets#budget-${budgetId}|Open the budget in Token Robin Hood>`);

    const mail = smtp.messages[0]!;
    expect(mail.subject).toContain('Budget "Team monthly" reached 50%');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : "").toBe("manager@example.com");
    expect(mail.text).toContain(`http://trh.test/budgets#budget-${budgetId}`);
  });

  it("sends nothing again on re-import or on another evaluation", async () => {
    const now = Date.now();
    const again = await ingestLines(team, "first.jsonl", [
      callLine("s1", "c1", new Date(now - 120_000), 600_000),
      callLine("s1", "c2", new Date(now - 60_000), 600_000),
    ]);
    expect(again).toMatchObject({ calls: 0, duplicates: 2 });
    expect(await evaluateTeamBudgets(team.teamId)).toEqual({ alerts: 0 });
    await deliverDueAlerts({ teamId: team.teamId });
    expect([http.at("/hook").length, http.at("/slack").length, smtp.messages.length]).toEqual([1, 1, 1]);
  });

  it("alerts 100% on the next ingest that crosses it, and logs every delivery", async () => {
    await ingestLines(team, "second.jsonl", [callLine("s2", "c3", new Date(Date.now() - 30_000), 1_000_000)]);
    await eventually(
      () => http.at("/hook").length === 2 && http.at("/slack").length === 2 && smtp.messages.length === 2,
      "the 100% alert on every channel",
    );
    expect((JSON.parse(http.at("/hook")[1]!.body) as AlertPayload).thresholdPercent).toBe(100);
    await deliverDueAlerts({ teamId: team.teamId });
    const log = await deliveryLog(team.teamId, budgetId);
    expect(log).toHaveLength(6);
    expect(log.every((entry) => entry.status === "delivered" && entry.attempts === 1)).toBe(true);
    expect(log.map((entry) => `${entry.channelKind} ${entry.thresholdPercent}`).sort()).toEqual([
      "email 100",
      "email 50",
      "slack 100",
      "slack 50",
      "webhook 100",
      "webhook 50",
    ]);
    const { budgets } = await (await listRoute(request(team.readKey, "/api/v1/budgets"), undefined as never)).json();
    expect(budgets[0]).toMatchObject({ id: budgetId, status: "exceeded" });
    expect(budgets[0].spentUsd).toBeCloseTo(11, 9);
  });
});

describe("two server processes evaluating at the same moment", () => {
  it("claim each alert once and send each delivery once", async () => {
    const budget = await createBudget(userScope(team), {
      name: "Concurrent",
      scope: {
        kind: "project",
        value: (await db().project.findFirstOrThrow({ where: { teamId: team.teamId, name: "alpha" } })).id,
      },
      period: "week",
      amountUsd: 2,
      thresholds: [50, 80, 100],
      channels: [{ kind: "webhook", url: http.url("/concurrent") }],
    });
    const second = openDatabase(process.env.DATABASE_URL);
    try {
      const rounds = await Promise.all(
        [0, 1, 2].flatMap(() => [
          evaluateTeamBudgets(team.teamId),
          evaluateTeamBudgets(team.teamId, { database: second.client }),
        ]),
      );
      const budgetAlerts = await db().budgetAlert.findMany({ where: { teamId: team.teamId, budgetId: budget.id } });
      // 50, 80 and 100% of $2 are crossed ($11 spent; under the $25 floor, so no spike).
      expect(budgetAlerts.map((alert) => alert.thresholdPercent).sort()).toEqual([100, 50, 80]);
      expect(rounds.reduce((sum, round) => sum + round.alerts, 0)).toBe(3);
      await Promise.all([
        deliverDueAlerts({ teamId: team.teamId }),
        deliverDueAlerts({ teamId: team.teamId, database: second.client }),
        deliverDueAlerts({ database: second.client }),
      ]);
    } finally {
      await second.close();
    }
    const received = http.at("/concurrent").map((r) => JSON.parse(r.body) as AlertPayload);
    expect(received.map((p) => `${p.event} ${p.thresholdPercent}`).sort()).toEqual([
      "budget.threshold_crossed 100",
      "budget.threshold_crossed 50",
      "budget.threshold_crossed 80",
    ]);
    // No secret on this channel: no signature header.
    expect(http.at("/concurrent")[0]!.headers["x-trh-signature-256"]).toBeUndefined();
  });
});

describe("retries", () => {
  it("retry a failed delivery with backoff, and give up after the last attempt", async () => {
    http.failNext("/flaky", 1);
    const flaky = await createBudget(userScope(team), {
      name: "Flaky",
      scope: { kind: "team", value: null },
      period: "day",
      amountUsd: 100,
      thresholds: [5],
      channels: [{ kind: "webhook", url: http.url("/flaky") }],
    });
    const dead = await createBudget(userScope(team), {
      name: "Dead",
      scope: { kind: "team", value: null },
      period: "day",
      amountUsd: 100,
      thresholds: [5],
      channels: [{ kind: "webhook", url: "http://127.0.0.1:1/nothing-listens" }],
    });
    await evaluateTeamBudgets(team.teamId);
    const now = new Date();
    await deliverDueAlerts({ teamId: team.teamId, now });
    let [entry] = await deliveryLog(team.teamId, flaky.id);
    expect(entry).toMatchObject({ status: "pending", attempts: 1, lastError: "the receiver answered 500" });
    expect(entry!.nextAttemptAt.getTime()).toBe(now.getTime() + RETRY_DELAYS_MS[0]);
    await deliverDueAlerts({ teamId: team.teamId, now: new Date(now.getTime() + 1000) });
    expect(http.at("/flaky")).toHaveLength(1);
    await deliverDueAlerts({ teamId: team.teamId, now: new Date(now.getTime() + RETRY_DELAYS_MS[0] + 1000) });
    [entry] = await deliveryLog(team.teamId, flaky.id);
    expect(entry).toMatchObject({ status: "delivered", attempts: 2, lastError: null });
    expect(http.at("/flaky")).toHaveLength(2);

    let clock = now.getTime() + RETRY_DELAYS_MS[0] + 1000;
    for (const delay of RETRY_DELAYS_MS.slice(1)) {
      clock += delay;
      await deliverDueAlerts({ teamId: team.teamId, now: new Date(clock) });
    }
    const [gaveUp] = await deliveryLog(team.teamId, dead.id);
    expect(gaveUp).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(gaveUp!.lastError).toMatch(/^POST failed/);
  });
});

describe("forecast and spikes on dated data", () => {
  // Wednesday 18 November 2026, noon UTC: the week runs Monday 16 to Sunday 22.
  const now = new Date("2026-11-18T12:00:00Z");
  let forecastTeam: TestTeam;

  beforeAll(async () => {
    forecastTeam = await createTestTeam("forecast");
    const scope = userScope(forecastTeam);
    const beta = await createProject(scope, { name: "beta" });
    await createRule(scope, {
      name: "beta",
      matchField: "cwd",
      pattern: "/work/beta/**",
      setOwnerId: "",
      setProjectId: beta!.id,
      setTaskId: "",
    });
    // 10 to 17 November: $2, $4, $2, ... (400,000 and 800,000 output tokens of haiku).
    const lines = Array.from({ length: 8 }, (_, i) =>
      callLine(
        "past",
        `p${i}`,
        new Date(`${addDays("2026-11-10", i)}T09:00:00Z`),
        i % 2 === 0 ? 400_000 : 800_000,
        "/work/beta/x",
      ),
    );
    expect((await ingestLines(forecastTeam, "past.jsonl", lines)).costUsd).toBeCloseTo(24, 9);
  });

  it("forecasts from the mean of the complete days with a one-standard-deviation range", async () => {
    await createBudget(userScope(forecastTeam), {
      name: "Week",
      scope: { kind: "team", value: null },
      period: "week",
      amountUsd: 18,
      thresholds: [50, 100],
      channels: [],
    });
    const [state] = await listBudgetStates(userScope(forecastTeam), { withOwners: true, now, pastPeriods: 2 });
    // Window 10-17 Nov: mean $3, sd $1; spent this week $6 (16th, 17th); 4.5 days left (half of
    // the 18th and the 19th to the 22nd).
    expect(state).toMatchObject({
      periodStart: "2026-11-16",
      periodEnd: "2026-11-22",
      resetsInDays: 5,
      status: "forecast-exceeded",
    });
    expect(state!.spentUsd).toBeCloseTo(6, 9);
    expect(state!.forecast!.rateUsd).toBeCloseTo(3, 9);
    expect(state!.forecastUsd).toBeCloseTo(6 + 3 * 4.5, 9);
    expect(state!.forecast!.lowUsd).toBeCloseTo(6 + 2 * 4.5, 9);
    expect(state!.forecast!.highUsd).toBeCloseTo(6 + 4 * 4.5, 9);
    expect(state!.pastPeriods).toEqual([
      { start: "2026-11-09", end: "2026-11-15", spentUsd: expect.closeTo(18, 9) },
      { start: "2026-11-02", end: "2026-11-08", spentUsd: 0 },
    ]);
  });

  it("follows the team's time zone", async () => {
    const scope = userScope(forecastTeam);
    await expect(setTeamTimeZone(scope, "Mars/Olympus")).rejects.toThrow(/unknown time zone/);
    await setTeamTimeZone(scope, "Pacific/Kiritimati"); // UTC+14: noon UTC on the 18th is 02:00 on the 19th
    try {
      const [state] = await listBudgetStates(scope, { withOwners: true, now });
      expect(state).toMatchObject({
        today: "2026-11-19",
        periodStart: "2026-11-16",
        periodEnd: "2026-11-22",
        resetsInDays: 4,
      });
      expect(state!.daysLeft).toBeCloseTo(22 / 24 + 3, 9);
    } finally {
      await setTeamTimeZone(scope, "UTC");
    }
  });

  it("keeps owners' budgets from members", async () => {
    const ownerBudget = await createBudget(userScope(team), {
      name: "Ana's",
      scope: { kind: "owner", value: (await db().person.findFirstOrThrow({ where: { teamId: team.teamId } })).id },
      period: "month",
      amountUsd: 100,
      thresholds: [80],
      channels: [],
    });
    const member = userScope(team, "MEMBER");
    expect(
      (await listBudgetStates(member, { withOwners: maySeeEveryonesSpend(member) })).map((b) => b.id),
    ).not.toContain(ownerBudget.id);
    expect(
      (await listBudgetStates(userScope(team), { withOwners: maySeeEveryonesSpend(userScope(team)) })).map((b) => b.id),
    ).toContain(ownerBudget.id);
  });

  it("does not forecast with fewer than 3 days of data", async () => {
    const [state] = await listBudgetStates(userScope(forecastTeam), {
      withOwners: true,
      now: new Date("2026-11-12T12:00:00Z"),
    });
    // Data starts on the 10th: only the 10th and 11th are complete days.
    expect(state!.forecastUsd).toBeNull();
  });

  it("alerts a forecast overrun once, and a day above 3x the median of the previous 14 days once", async () => {
    // $6 spent is under 50% of $18, the forecast ($19.50) is over: one alert.
    expect(await evaluateTeamBudgets(forecastTeam.teamId, { now })).toEqual({ alerts: 1 });
    // $30 for beta on the 18th: the previous 14 days' median is $2 (six $0 days, four $2, four $4).
    await ingestLines(forecastTeam, "spike.jsonl", [
      callLine("today", "t1", new Date("2026-11-18T10:00:00Z"), 6_000_000, "/work/beta/x"),
    ]);
    // Now $36: 50% and 100% crossed, and beta's spike.
    expect(await evaluateTeamBudgets(forecastTeam.teamId, { now })).toEqual({ alerts: 3 });
    const again = await evaluateTeamBudgets(forecastTeam.teamId, { now });
    expect(again.alerts).toBe(0);
    const alerts = await db().budgetAlert.findMany({
      where: { teamId: forecastTeam.teamId },
      orderBy: { createdAt: "asc" },
    });
    const spike = alerts.find((alert) => alert.event === "spend.spike")!;
    expect(spike.subject).toMatch(/^project:/);
    expect((spike.payload as unknown as AlertPayload).subject).toMatchObject({
      kind: "project",
      name: "beta",
      day: "2026-11-18",
      medianUsd: 2,
    });
  });
});

describe("the budgets API", () => {
  it("checks scopes, validates, changes and deletes, within the team only", async () => {
    const body = {
      name: "Model cap",
      scope: { kind: "model", value: "claude-haiku-4-5" },
      period: "quarter",
      amountUsd: 50,
      thresholds: [80],
    };
    expect(
      (await createRoute(request(team.ingestKey, "/api/v1/budgets", { method: "POST", body }), undefined as never))
        .status,
    ).toBe(403);
    expect((await listRoute(request(team.ingestKey, "/api/v1/budgets"), undefined as never)).status).toBe(403);
    const invalid = await createRoute(
      request(allKey, "/api/v1/budgets", {
        method: "POST",
        body: { ...body, scope: { kind: "owner", value: "not-a-person" } },
      }),
      undefined as never,
    );
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toContain("scope.value");
    expect(
      (
        await createRoute(
          request(allKey, "/api/v1/budgets", { method: "POST", body: { ...body, period: "year" } }),
          undefined as never,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await createRoute(
          request(allKey, "/api/v1/budgets", { method: "POST", body: { ...body, name: "a\u0000b" } }),
          undefined as never,
        )
      ).status,
    ).toBe(400);
    const script = await createRoute(
      request(allKey, "/api/v1/budgets", {
        method: "POST",
        body: { ...body, channels: [{ kind: "webhook", url: "javascript:alert(1)" }] },
      }),
      undefined as never,
    );
    expect(script.status).toBe(400);

    const created = await (
      await createRoute(request(allKey, "/api/v1/budgets", { method: "POST", body }), undefined as never)
    ).json();
    const id = created.budget.id as string;
    expect(created.budget.spentUsd).toBeCloseTo(11, 9);

    const patched = await patchRoute(
      request(allKey, `/api/v1/budgets/${id}`, { method: "PATCH", body: { amountUsd: 5, thresholds: [100, 50] } }),
      idParams(id),
    );
    expect(patched.status).toBe(200);
    expect((await patched.json()).budget).toMatchObject({
      id,
      amountUsd: 5,
      thresholds: [50, 100],
      status: "exceeded",
    });

    const otherAllKey = (await createApiKey({ teamId: other.teamId }, { name: "all", scope: "all" })).key;
    expect(
      (
        await patchRoute(
          request(otherAllKey, `/api/v1/budgets/${id}`, { method: "PATCH", body: { amountUsd: 1 } }),
          idParams(id),
        )
      ).status,
    ).toBe(404);
    expect(
      (await deleteRoute(request(otherAllKey, `/api/v1/budgets/${id}`, { method: "DELETE" }), idParams(id))).status,
    ).toBe(404);
    const { budgets: othersList } = await (
      await listRoute(request(other.readKey, "/api/v1/budgets"), undefined as never)
    ).json();
    expect(othersList).toEqual([]);

    expect(
      (await deleteRoute(request(team.readKey, `/api/v1/budgets/${id}`, { method: "DELETE" }), idParams(id))).status,
    ).toBe(403);
    expect(
      (await deleteRoute(request(allKey, `/api/v1/budgets/${id}`, { method: "DELETE" }), idParams(id))).status,
    ).toBe(204);
    expect(
      (await deleteRoute(request(allKey, `/api/v1/budgets/${id}`, { method: "DELETE" }), idParams(id))).status,
    ).toBe(404);
  });
});

describe("GET /api/v1/metrics", () => {
  it("answers the Prometheus text format from the rollups, with label values escaped", async () => {
    expect((await metricsRoute(request(team.ingestKey, "/api/v1/metrics"), undefined as never)).status).toBe(403);
    const response = await metricsRoute(request(team.readKey, "/api/v1/metrics"), undefined as never);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const today = new Date().toISOString().slice(0, 10);
    // The owner's name carries a quote, a backslash and a line break (names come from people and traces).
    expect(text).toContain(`trh_spend_usd_by_owner{day="${today}",owner="Ana \\"A\\\\B\\"\\nZ"} 11`);
    expect(text).toContain(`trh_spend_usd_by_project{day="${today}",project="alpha"} 11`);
    expect(text).toContain(`trh_calls_by_model{day="${today}",model="claude-haiku-4-5"} 3`);
    expect(text).toContain(`trh_tokens_by_model{day="${today}",model="claude-haiku-4-5",kind="output"} 2200000`);
    expect(text).toMatch(
      /trh_budget_status\{budget_id="[0-9a-f-]+",budget="Team monthly",scope_kind="team",period="month",status="exceeded"\} 1/,
    );
    expect(text).toMatch(
      /trh_budget_amount_usd\{budget_id="[0-9a-f-]+",budget="Team monthly",scope_kind="team",period="month"\} 10/,
    );
    // Every line is a comment or one sample: no raw line break escaped a label.
    for (const line of text.split("\n").filter(Boolean))
      expect(line).toMatch(/^(# (HELP|TYPE) |trh_[a-z_]+(\{.*\})? -?[0-9.e+-]+$)/);
  });
});

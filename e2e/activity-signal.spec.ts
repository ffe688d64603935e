/**
 * Claude Code analytics beside recorded outcomes, in the browser: the admin's Claude Code runs come
 * as telemetry with their email, analytics from the provider stand-in (on the port the e2e server's
 * TRH_ANTHROPIC_API_URL points to) says they committed that day; the overview's outcomes show the
 * run as likely accepted, apart from the accepted count, and the owner row shows the activity. A
 * seat recorded on the Reconciliation page shows on the overview against the value the person used.
 */
import { expect, test } from "@playwright/test";
import { type ProviderStandIn, startProviderStandIn } from "../lib/billing/testing/provider-stand-in";
import { addDays, todayUtc } from "../lib/days";
import { formatUsd } from "../lib/format";
import { billingStandInPort } from "./billing-stand-in";
import { e2eAdmin } from "./credentials";
import { createKeyOnPage, signInToTeam } from "./helpers";

const adminKey = "sk-ant-admin01-e2e-activity-0123456789";
const day = addDays(todayUtc(), -3);
const quietDay = addDays(todayUtc(), -2);

let standIn: ProviderStandIn;

test.beforeAll(async () => {
  standIn = await startProviderStandIn({
    adminKey,
    port: billingStandInPort(Number(process.env.E2E_PORT ?? 3100)),
    data: {
      anthropic: {
        costs: [],
        usage: [],
        claudeCode: [
          {
            day,
            email: e2eAdmin.email,
            customerType: "subscription",
            sessions: 2,
            added: 321,
            removed: 12,
            commits: 3,
            pullRequests: 1,
            costCents: [45],
          },
        ],
      },
      openai: { costs: [], usage: [] },
    },
  });
});

test.afterAll(() => standIn?.close());

function telemetry(sessions: { id: string; day: string }[]): string {
  const text = (value: string) => ({ stringValue: value });
  const attribute = (key: string, value: string) => ({ key, value: text(value) });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attribute("service.name", "claude-code")] },
        scopeLogs: [
          {
            logRecords: sessions.map((session) => {
              const time = `${session.day}T10:00:00.000Z`;
              return {
                timeUnixNano: String(Date.parse(time) * 1_000_000),
                body: text("claude_code.api_request"),
                attributes: [
                  attribute("event.timestamp", time),
                  attribute("session.id", session.id),
                  attribute("user.email", e2eAdmin.email),
                  attribute("model", "claude-sonnet-4-5"),
                  attribute("input_tokens", "100000"),
                  attribute("output_tokens", "10000"),
                  attribute("request_id", `req-${session.id}`),
                ],
              };
            }),
          },
        ],
      },
    ],
  });
}

test("a run without an outcome on a day its owner committed shows as likely accepted, never as accepted", async ({
  page,
}) => {
  await signInToTeam(page, "e2e-activity");
  const ingestKey = await createKeyOnPage(page, "activity traces", "ingest");
  const allKey = await createKeyOnPage(page, "activity billing", "all");
  const otlp = await page.request.post("/api/otlp/v1/logs", {
    headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/json" },
    data: telemetry([
      { id: "committed-day", day },
      { id: "quiet-day", day: quietDay },
    ]),
  });
  expect(otlp.status()).toBe(200);
  const source = await page.request.post("/api/v1/billing-sources", {
    headers: { authorization: `Bearer ${allKey}` },
    data: { provider: "anthropic", name: "Org", adminKey },
  });
  expect(source.status()).toBe(201);
  const { source: created } = await source.json();
  const synced = await page.request.post(`/api/v1/billing-sources/${created.id}/sync?from=${day}&to=${quietDay}`, {
    headers: { authorization: `Bearer ${allKey}` },
  });
  expect(synced.status()).toBe(200);

  await page.goto(`/?from=${day}&to=${quietDay}`);
  const outcomes = page.getByTestId("outcome-cost");
  await expect(outcomes.getByTestId("likely-accepted")).toContainText("1 runs, a signal only: not counted");
  await expect(outcomes.getByTestId("accepted-outcomes")).toHaveText("0");
  await expect(outcomes.getByTestId("cost-per-accepted")).toHaveText("none accepted");
  await outcomes.getByLabel("Group outcomes by").selectOption("owner");
  const row = outcomes.locator("tbody tr").filter({ hasText: e2eAdmin.email });
  await expect(row.getByTestId("owner-activity")).toHaveText("+321 −12 lines, 3 commits, 1 PRs");

  // A $300-a-month seat, prorated over the period's two days, against the two runs' list price ($0.45 each).
  await page.goto(`/reconciliation?from=${day}&to=${quietDay}`);
  const seatForm = page.getByTestId("record-seat");
  await seatForm.getByLabel("Person").selectOption({ index: 1 });
  await seatForm.getByLabel("Plan").fill("Claude Max");
  await seatForm.getByLabel("Monthly cost (USD)").fill("300");
  await seatForm.getByRole("button", { name: "Record seat" }).click();
  await expect(page.getByTestId("seats")).toContainText("Claude Max");
  await page.goto(`/?from=${day}&to=${quietDay}`);
  const seats = page.getByTestId("overview-seats");
  const daysIn = (d: string) => new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0)).getUTCDate();
  const paid = 300 / daysIn(day) + 300 / daysIn(quietDay);
  await expect(seats.getByTestId("overview-seats-paid")).toHaveText(formatUsd(paid));
  await expect(seats.getByTestId("overview-seats-value")).toHaveText("$0.90");
  await expect(seats.locator("tbody tr").filter({ hasText: "Claude Max" })).toContainText("no");
  await page.screenshot({ path: test.info().outputPath("activity-signal.png"), fullPage: true });
});

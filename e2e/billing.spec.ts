/**
 * Reconciliation in the browser: the provider stand-in (started here, on the port the e2e server's
 * TRH_ANTHROPIC_API_URL points to) plays Anthropic's Admin API; traces go in through the ingest
 * API; a billing source is added and synced on the page, and the page shows billed against traced,
 * coverage, the untraced remainder, the tables, a rejected key's error and Claude Code activity.
 */
import { expect, test } from "@playwright/test";
import { type ProviderStandIn, startProviderStandIn } from "../lib/billing/testing/provider-stand-in";
import { addDays, todayUtc } from "../lib/days";
import { billingStandInPort } from "./billing-stand-in";
import { createKeyOnPage, signInToTeam } from "./helpers";

const adminKey = "sk-ant-admin01-e2e-billing-0123456789";
// Two recent days, so the page's default range (the last 30 days) would show them too.
const dayA = addDays(todayUtc(), -3);
const dayB = addDays(todayUtc(), -2);

let standIn: ProviderStandIn;

test.beforeAll(async () => {
  standIn = await startProviderStandIn({
    adminKey,
    port: billingStandInPort(Number(process.env.E2E_PORT ?? 3100)),
    pageSize: 1,
    data: {
      anthropic: {
        costs: [
          { day: dayA, model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "60" },
          { day: dayA, model: null, costType: "web_search", cents: "100" },
          { day: dayB, model: "claude-sonnet-4-5-20250929", costType: "tokens", cents: "20" },
        ],
        usage: [
          {
            day: dayA,
            model: "claude-sonnet-4-5-20250929",
            uncached: 100_000,
            cacheRead: 0,
            cache5m: 0,
            cache1h: 0,
            output: 10_000,
          },
        ],
        claudeCode: [
          {
            day: dayA,
            email: "dev@e2e.example.com",
            customerType: "subscription",
            sessions: 4,
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

/** A native call of 100k uncached input and 10k output on Sonnet 4.5: $0.45 at list price. */
const call = (key: string, day: string) =>
  JSON.stringify({
    sessionId: "billing-session",
    callKey: key,
    timestamp: `${day}T09:00:00Z`,
    model: "claude-sonnet-4-5",
    inputTokens: 100_000,
    outputTokens: 10_000,
  });

test("the reconciliation page compares the synced bill with the traces", async ({ page }) => {
  await signInToTeam(page, "e2e-billing");
  const ingestKey = await createKeyOnPage(page, "billing traces", "ingest");
  const ingested = await page.request.post("/api/v1/ingest?format=native&file=billing.jsonl", {
    headers: { authorization: `Bearer ${ingestKey}` },
    data: Buffer.from(`${call("a", dayA)}\n${call("b", dayB)}\n`),
  });
  expect(ingested.status()).toBe(200);

  await expect(page.getByRole("link", { name: "Reconciliation" })).toBeVisible();
  await page.goto(`/reconciliation?from=${dayA}&to=${dayB}`);
  await expect(page.getByTestId("billing-sources")).toContainText("No billing source yet");

  const add = page.getByTestId("add-billing-source");
  await add.getByLabel("Provider").selectOption("anthropic");
  await add.getByLabel("Name", { exact: true }).fill("Anthropic org");
  await add.getByLabel("Admin key", { exact: true }).fill(adminKey);
  await add.getByRole("button", { name: "Add source" }).click();
  await expect(add).toContainText("Added Anthropic org");

  const row = page.getByTestId("billing-source-Anthropic org");
  await row.getByRole("button", { name: "Sync now" }).click();
  await expect(row).toContainText("Synced 2 days: $1.80 billed.");
  await expect(row).toContainText("ok");

  await page.reload();
  // dayA: billed $0.60 + $1.00, traced $0.45; dayB: billed $0.20, traced $0.45.
  await expect(page.getByTestId("billed-total")).toHaveText("$1.80");
  await expect(page.getByTestId("traced-total")).toHaveText("$0.90");
  await expect(page.getByTestId("coverage")).toHaveText("50.0%");
  await expect(page.getByTestId("untraced-total")).toHaveText("$1.15");
  await expect(page.getByTestId("billed-vs-traced-chart")).toBeVisible();
  const byModel = page.getByTestId("reconciliation-by-model");
  await expect(byModel.locator("tbody tr").filter({ hasText: "claude-sonnet-4-5" })).toContainText("$0.80");
  await expect(byModel.locator("tbody tr").filter({ hasText: "(no model)" })).toContainText("$1.00");
  await expect(page.getByTestId("reconciliation-by-provider")).toContainText("anthropic");
  const activity = page.getByTestId("claude-code-activity");
  await expect(activity).toContainText("dev@e2e.example.com");
  await expect(activity).toContainText("321");

  // A key the provider rejects: the error is stored on the source and shown.
  await add.getByLabel("Name", { exact: true }).fill("Wrong key");
  await add.getByLabel("Admin key", { exact: true }).fill("sk-ant-admin01-not-the-right-one");
  await add.getByRole("button", { name: "Add source" }).click();
  await expect(add).toContainText("Added Wrong key");
  const wrong = page.getByTestId("billing-source-Wrong key");
  await wrong.getByRole("button", { name: "Sync now" }).click();
  await expect(wrong.getByTestId("sync-error")).toContainText(
    "Anthropic rejected the admin key (HTTP 401: invalid x-api-key)",
  );
  await page.screenshot({ path: test.info().outputPath("reconciliation.png"), fullPage: true });

  // The overview carries the untraced remainder beside the unallocated shares.
  await page.goto(`/?from=${dayA}&to=${dayB}`);
  await expect(page.getByTestId("overview-untraced")).toHaveText("$1.15");
});

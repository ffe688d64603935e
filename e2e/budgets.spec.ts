import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { eventually, startHttpReceiver } from "../lib/testing/alert-receivers";
import { createKeyOnPage, signInToTeam } from "./helpers";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000);

/** Native-format calls of claude-haiku-4-5 ($5 per million output tokens). */
const line = (key: string, at: Date, outputTokens: number) =>
  JSON.stringify({
    sessionId: `budget-${key}`,
    callKey: key,
    timestamp: at.toISOString(),
    model: "claude-haiku-4-5",
    inputTokens: 0,
    outputTokens,
    cwd: "/work/budgets-e2e",
  });

test("a budget made on the page burns down, alerts a signed webhook once, and sends a test", async ({ page }) => {
  test.setTimeout(180_000);
  const receiver = await startHttpReceiver();
  try {
    await signInToTeam(page, "e2e-budgets");
    const key = await createKeyOnPage(page, "budgets e2e", "all");
    // Ten earlier days of $2 each (the forecast needs three), nothing yet today.
    const history = Array.from({ length: 10 }, (_, i) => line(`past-${i}`, day(-(i + 1)), 400_000));
    const ingest = async (lines: string[], file: string) => {
      const response = await page.request.post(`/api/v1/ingest?format=native&file=${file}`, {
        headers: { authorization: `Bearer ${key}` },
        data: `${lines.join("\n")}\n`,
      });
      expect(response.status()).toBe(200);
      return response.json();
    };
    await ingest(history, "history.jsonl");

    await page.goto("/budgets");
    const form = page.getByTestId("budget-create-form");
    await form.getByLabel("Name").fill("E2E weekly");
    await form.getByLabel("Period").selectOption("week");
    await form.getByLabel("Amount (USD)").fill("40");
    await form.getByLabel("Alert at (% of amount)").fill("50, 100");
    await form.getByLabel("Webhook URL").fill(receiver.url("/budget-hook"));
    await form.getByLabel("Webhook secret (signs the body)").fill("e2e-secret");
    await form.getByRole("button", { name: "Create budget" }).click();
    await expect(page.getByTestId("budget-form-answer")).toHaveText('Created "E2E weekly".');

    // $24 today crosses 50% of $40 whatever weekday it is (under the $25 spike floor, and the forecast stays under $40).
    await ingest([line("today-1", new Date(Date.now() - 60_000), 4_800_000)], "today.jsonl");
    await eventually(() => receiver.at("/budget-hook").length >= 1, "the threshold webhook", 30_000);
    const delivered = receiver.at("/budget-hook")[0]!;
    expect(delivered.headers["x-trh-signature-256"]).toBe(
      `sha256=${createHmac("sha256", "e2e-secret").update(delivered.body).digest("hex")}`,
    );
    expect(JSON.parse(delivered.body)).toMatchObject({
      event: "budget.threshold_crossed",
      thresholdPercent: 50,
      amountUsd: 40,
    });
    // Importing the same file again adds nothing and sends nothing.
    expect(await ingest([line("today-1", new Date(Date.now() - 60_000), 4_800_000)], "today.jsonl")).toMatchObject({
      calls: 0,
      duplicates: 1,
    });

    const { budgets } = await (
      await page.request.get("/api/v1/budgets", { headers: { authorization: `Bearer ${key}` } })
    ).json();
    const budget = budgets.find((b: { name: string }) => b.name === "E2E weekly");
    expect(budget.forecastUsd).not.toBeNull();

    await page.goto("/budgets");
    const card = page.getByTestId("budget-card").filter({ hasText: "E2E weekly" });
    await expect(card.getByTestId("budget-spent")).toHaveText(formatUsd(budget.spentUsd));
    await expect(card.getByTestId("budget-forecast")).toHaveText(formatUsd(budget.forecastUsd));
    await expect(card.getByTestId("budget-resets")).toContainText(/resets in [1-7] days?/);
    // Spent so far (a dot per day), the forecast and the budget line.
    const chart = card.getByTestId("burn-down-chart");
    await expect(chart.locator(".recharts-line-dot").first()).toBeVisible();
    await expect(chart.locator(".recharts-line-curve")).toHaveCount(3);
    await expect(card.getByTestId("budget-delivery-log")).toContainText("threshold 50%");
    await expect(card.getByTestId("budget-delivery-log")).toContainText("delivered");
    await expect(card.getByTestId("budget-past-periods").locator("tbody tr")).toHaveCount(6);

    await card.getByRole("button", { name: "Send test" }).click();
    await expect(card.getByTestId("budget-form-answer")).toHaveText("Test sent: 1 of 1 channels delivered.");
    expect(receiver.at("/budget-hook").map((r) => JSON.parse(r.body).event)).toEqual([
      "budget.threshold_crossed",
      "budget.test",
    ]);
    await card.screenshot({ path: "test-results/budgets-burn-down.png" });

    // The overview carries the budget count and status.
    await page.goto("/");
    await expect(page.getByTestId("overview-budgets")).toBeVisible();
  } finally {
    await receiver.close();
  }
});

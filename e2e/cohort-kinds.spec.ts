/**
 * Compare workflows by tag and by saved filter in the browser: runs tagged through native records
 * and telemetry resource attributes, compared by tag; a filter saved on the page and compared as a
 * cohort, giving the same runs as the tag it stands for; then deleted.
 */
import { expect, test } from "@playwright/test";
import { addDays, todayUtc } from "../lib/days";
import { createKeyOnPage, signInToTeam } from "./helpers";

const RUNS_PER_TEAM = 12;

/** Platform's runs by native records, web's by Claude Code telemetry with OTEL_RESOURCE_ATTRIBUTES team=web. */
function nativeRuns(): string {
  return Array.from({ length: RUNS_PER_TEAM }, (_, i) =>
    JSON.stringify({
      sessionId: `platform-${i}`,
      callKey: "c1",
      timestamp: `${addDays(todayUtc(), -(1 + i))}T10:00:00Z`,
      model: "claude-sonnet-4-5",
      inputTokens: 2000,
      outputTokens: 20_000,
      cwd: "/work/shop",
      tags: { team: "platform" },
    }),
  ).join("\n");
}

function telemetryRuns(): string {
  const text = (value: string) => ({ stringValue: value });
  const attribute = (key: string, value: string) => ({ key, value: text(value) });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attribute("service.name", "claude-code"), attribute("team", "web")] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: RUNS_PER_TEAM }, (_, i) => {
              const time = `${addDays(todayUtc(), -(1 + i))}T11:00:00.000Z`;
              return {
                timeUnixNano: String(Date.parse(time) * 1_000_000),
                body: text("claude_code.api_request"),
                attributes: [
                  attribute("event.timestamp", time),
                  attribute("session.id", `web-${i}`),
                  attribute("model", "claude-opus-4-6"),
                  attribute("input_tokens", "2000"),
                  attribute("output_tokens", "60000"),
                  attribute("request_id", `req-web-${i}`),
                ],
              };
            }),
          },
        ],
      },
    ],
  });
}

test("Compare workflows by tag and by a saved filter", async ({ page }) => {
  test.setTimeout(120_000);
  await signInToTeam(page, "e2e-cohorts");
  const key = await createKeyOnPage(page, "cohorts", "ingest");
  const native = await page.request.post("/api/v1/ingest?format=native&file=platform.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: `${nativeRuns()}\n`,
  });
  expect(native.status()).toBe(200);
  const otlp = await page.request.post("/api/otlp/v1/logs", {
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    data: telemetryRuns(),
  });
  expect(otlp.status()).toBe(200);

  const from = addDays(todayUtc(), -30);
  await page.goto(`/workflows?from=${from}&to=${todayUtc()}`);
  // The tags are offered as cohorts.
  await expect(page.locator('#cohort-choices option[value="tag:team=platform"]')).toHaveCount(1);
  await expect(page.locator('#cohort-choices option[value="tag:team=web"]')).toHaveCount(1);
  await page.getByTestId("cohort-1").fill("tag:team=platform");
  await page.getByTestId("cohort-2").fill("tag:team=web");
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).toHaveURL(/cohort=tag%3Ateam%3Dplatform/);
  const table = page.getByTestId("compare-table");
  await expect(table.locator("thead th").nth(1)).toContainText("tag:team=platform");
  await expect(table.locator("thead th").nth(2)).toContainText("tag:team=web");
  await expect(table.getByRole("row", { name: /^Runs/ }).locator("td")).toHaveText([
    `${RUNS_PER_TEAM}`,
    `${RUNS_PER_TEAM}`,
  ]);
  const spendByTag = await table
    .getByRole("row", { name: /^Spend/ })
    .locator("td")
    .allTextContents();

  // Save a filter on the page; it becomes a cohort of its own.
  const saved = page.getByTestId("saved-filters");
  await saved.getByLabel("Name").fill("platform-team");
  await saved.getByLabel("Runs that meet").fill("tag:team=platform");
  await saved.getByRole("button", { name: "Save filter" }).click();
  await expect(saved.locator("tbody tr")).toHaveCount(1);
  await expect(saved).toContainText("filter:platform-team");
  await expect(page.locator('#cohort-choices option[value="filter:platform-team"]')).toHaveCount(1);
  // A spec that does not read is refused with its reason.
  await saved.getByLabel("Name").fill("broken");
  await saved.getByLabel("Runs that meet").fill("tag:team");
  await saved.getByRole("button", { name: "Save filter" }).click();
  await expect(saved.getByRole("alert")).toContainText("tag needs key=value");

  await page.getByTestId("cohort-1").fill("filter:platform-team");
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).toHaveURL(/cohort=filter%3Aplatform-team/);
  await expect(table.locator("thead th").nth(1)).toContainText("filter:platform-team");
  await expect(table.getByRole("row", { name: /^Runs/ }).locator("td").first()).toHaveText(`${RUNS_PER_TEAM}`);
  expect(
    await table
      .getByRole("row", { name: /^Spend/ })
      .locator("td")
      .allTextContents(),
  ).toEqual(spendByTag);
  await page.screenshot({ path: test.info().outputPath("cohorts.png"), fullPage: true });

  await saved.getByRole("button", { name: "Delete" }).click();
  await expect(saved).toContainText("No saved filters yet.");
});

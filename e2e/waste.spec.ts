import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { signInToTeam } from "./helpers";

const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");

test("the Waste page's total equals the API's, and a finding opens its run at its call", async ({ page }) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-waste");
  await page.goto("/ingest");
  await page.getByTestId("upload-folder-input").setInputFiles(transcripts);
  await expect(page.getByTestId("upload-summary")).toBeVisible({ timeout: 60_000 });

  await page.goto("/waste");
  const from = await page.getByLabel("From", { exact: true }).inputValue();
  const to = await page.getByLabel("To", { exact: true }).inputValue();
  const api = await (await page.request.get(`/api/v1/waste?from=${from}&to=${to}&groupBy=category`)).json();
  expect(api.totals.wastedUsd).toBeGreaterThan(0);
  await expect(page.getByTestId("waste-total")).toHaveText(formatUsd(api.totals.wastedUsd));
  await expect(page.getByTestId("waste-over-time").locator(".recharts-bar-rectangle").first()).toBeVisible();

  const link = page.getByTestId("top-finding-link").first();
  const href = await link.getAttribute("href");
  const callId = /#call-(\d+)$/.exec(href ?? "")?.[1];
  expect(callId).toBeDefined();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/runs/[0-9a-f-]+#call-${callId}$`));
  await expect(page.locator(`[id="call-${callId}"]`)).toBeVisible();
  await expect(page.getByTestId("run-findings").getByTestId("finding").first()).toBeVisible();
});

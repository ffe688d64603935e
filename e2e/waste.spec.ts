import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { openUploader, signInToTeam } from "./helpers";

const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");

test("the Waste page's total equals the API's, unaccepted spend sits beside it as on the overview, a finding opens its run, and accepting it never raises waste", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-waste");
  await openUploader(page);
  await page.getByTestId("upload-folder-input").setInputFiles(transcripts);
  await expect(page.getByTestId("upload-summary")).toBeVisible({ timeout: 60_000 });

  await page.goto("/waste");
  const from = await page.getByLabel("From", { exact: true }).inputValue();
  const to = await page.getByLabel("To", { exact: true }).inputValue();
  const api = await (await page.request.get(`/api/v1/waste?from=${from}&to=${to}&groupBy=category`)).json();
  expect(api.totals.wastedUsd).toBeGreaterThan(0);
  await expect(page.getByTestId("waste-total")).toHaveText(formatUsd(api.totals.wastedUsd));
  await expect(page.getByTestId("waste-over-time").locator(".recharts-bar-rectangle").first()).toBeVisible();
  // Beside waste, not in it: the spend not accepted, the same figure as the outcomes API's and the overview panel's.
  const outcomes = await (await page.request.get(`/api/v1/outcomes/cost?from=${from}&to=${to}&groupBy=week`)).json();
  expect(api.totals.unacceptedSpendUsd).toBe(outcomes.totals.unacceptedSpendUsd);
  expect(api.totals.unacceptedSpendUsd).toBeGreaterThan(api.totals.wastedUsd);
  await expect(page.getByTestId("waste-unaccepted")).toContainText(formatUsd(api.totals.unacceptedSpendUsd));
  await page.goto(`/?period=custom&from=${from}&to=${to}`);
  await expect(page.getByTestId("unaccepted-spend")).toContainText(formatUsd(outcomes.totals.unacceptedSpendUsd));
  await page.goto("/waste");

  const link = page.getByTestId("top-finding-link").first();
  const href = await link.getAttribute("href");
  const callId = /#call-(\d+)$/.exec(href ?? "")?.[1];
  expect(callId).toBeDefined();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/runs/[0-9a-f-]+#call-${callId}$`));
  await expect(page.locator(`[id="call-${callId}"]`)).toBeVisible();
  await expect(page.getByTestId("run-findings").getByTestId("finding").first()).toBeVisible();

  // Rejecting the run by hand adds its whole cost to waste; accepting it takes exactly that back out.
  const wasted = async () =>
    (await (await page.request.get(`/api/v1/waste?from=${from}&to=${to}`)).json()).totals.wastedUsd as number;
  await page.getByRole("button", { name: "Mark rejected" }).click();
  await expect(page.getByTestId("run-outcome-status")).toHaveText("rejected");
  const afterRejection = await wasted();
  expect(afterRejection).toBeGreaterThanOrEqual(api.totals.wastedUsd);
  await page.getByRole("button", { name: "Mark accepted" }).click();
  await expect(page.getByTestId("run-outcome-status")).toHaveText("accepted");
  await expect(page.getByTestId("run-outcome-explanation")).toHaveText("accepted: marked by hand");
  expect(await wasted()).toBeCloseTo(api.totals.wastedUsd, 9);
});
